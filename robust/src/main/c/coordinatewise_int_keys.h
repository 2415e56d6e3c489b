/* Int keys for a build of the kernels (coordinatewise.c includes this before
   coordinatewise_build.h where the build sorts int keys): each float's bits mapped to an int
   whose signed order is the floats' order, -0.0 before +0.0 (Kernels#key); NaN and the
   infinities are seen as they load and or'ed into a lane mask. */
#define VK VI
#define KMIN VMIN
#define KMAX VMAX
#define BAD unsigned
static inline BAD NAME(no_bad)(void) { return 0; }
static inline int NAME(any_bad)(BAD bad) { return bad != 0; }
/* Lanes [0, count) of p as keys, the non-finite lanes or'ed into *bad. */
static inline VK NAME(load_key)(const float *p, int count, BAD *bad) {
  VI x = OP(load_lanes)(p, count);
  *bad |= OP(nonfinite_lanes)(x);
  return OP(key_of)(x);
}
static inline VK NAME(pad)(void) { return OP(set1)(INT32_MAX); }
static inline VF NAME(value_of)(VK key) {
  return OP(as_float)(OP(key_of)(key)); /* the key map is an involution */
}
/* Int keys order the zeros: a median's middle values carry their signs already. */
static inline void NAME(signed_zeros)(const float *const *rows, int m, long t, int count, VF *a,
    VF *b) {
  (void) rows, (void) m, (void) t, (void) count, (void) a, (void) b;
}
