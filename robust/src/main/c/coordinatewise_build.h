/* Everything built once per instruction set, included by coordinatewise.c after it has defined
   the instruction set's types and operations (see coordinatewise_kernels.h); undefines them
   for the next one. */

/* Lanes [0, count) of p as keys, the non-finite lanes or'ed into *bad. */
static inline VI NAME(load_key)(const float *p, int count, unsigned *bad) {
  VI x = NAME(load_lanes)(p, count);
  *bad |= NAME(nonfinite_lanes)(x);
  return NAME(key_of)(x);
}

#include "sorting_networks.h"
#include "coordinatewise_kernels.h"
#undef ISA
#undef LANES
#undef VI
#undef VF
#undef VD
#undef DM
#undef VMIN
#undef VMAX
