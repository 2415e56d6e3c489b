/* Everything built once per build, included by coordinatewise.c after it has defined the
   instruction set's types and operations and the build's keys (VK, KMIN, KMAX, BAD, load_key,
   pad, value_of, signed_zeros: see coordinatewise_int_keys.h); undefines the keys for the next
   build. */
#include "sorting_networks.h"
#include "coordinatewise_kernels.h"
#undef VK
#undef KMIN
#undef KMAX
#undef BAD
