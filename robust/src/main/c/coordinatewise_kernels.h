/*
 * The coordinate-wise kernels, written once over a small set of vector operations and included
 * once per build by coordinatewise.c, which defines before each inclusion:
 *   LANES             coordinates per block (one int/float vector), DLANES = LANES / 2 doubles
 *   VI, VF, VD, DM    int, float and double vectors, and a mask over the double lanes
 *   VK, BAD           the vector of keys a wire holds, and what gathers the non-finite lanes
 *   NAME(x), OP(x)    x with the build's suffix, x with the instruction set's suffix
 * the vector operations used below (OP(load_lanes), ..., OP(store_lanes)) and the build's keys
 * (NAME(load_key), NAME(value_of), ...). Blocks of LANES coordinates of all m rows are loaded
 * straight into registers as keys, sorted there by the network for their width
 * (sorting_networks.h), and the rule read off: nothing but the register spills of the network
 * and the sorted block (for the read-off) leaves registers.
 */

/* Lanes per block of the first block, so that the later blocks start on a vector boundary in most
   rows: a load that straddles two cache lines costs two. Java arrays start 16 bytes after an
   8-byte aligned object, so rows may differ; large rows (G1 humongous objects) agree. */
static inline long NAME(first_step)(const float *const *rows, int m, long len) {
  int votes[LANES] = {0};
  int best = 0;
  for (int i = 0; i < m; i++) {
    int skew = (int) ((LANES - ((uintptr_t) rows[i] & (4 * LANES - 1)) / 4) & (LANES - 1));
    if (++votes[skew] > votes[best] || (votes[skew] == votes[best] && skew < best)) {
      best = skew;
    }
  }
  return best == 0 || best > len ? LANES : best;
}

/* Prefetches this block's share of the chunk after the one holding t: over the blocks of a
   chunk, every cache line of the next chunk, a few whole rows per block (runs of CHUNK * 4
   bytes per row: DRAM pages and the hardware prefetchers like runs, not one vector of each of m
   rows). Always inlined: gcc deems a function of prefetches alone free of side effects and
   deletes calls to it that survive to its interprocedural passes (seen: no prefetch left in the
   library, 1.5x slower). */
static inline __attribute__((always_inline)) void NAME(prefetch_next)(const float *const *rows,
    int m, long t, long len) {
  const int blocks = CHUNK / LANES;
  long next = t - t % CHUNK + CHUNK;
  long stop = len - next < CHUNK ? len - next : CHUNK; /* coordinates of the next chunk */
  int b = (int) (t % CHUNK / LANES);
  for (int r = b * m / blocks, end = (b + 1) * m / blocks; r < end; r++) {
    const char *row = (const char *) (rows[r] + next);
    for (long at = 0; at < stop; at += 16) {
      _mm_prefetch(row + 4 * at, _MM_HINT_T1);
    }
  }
}

static __attribute__((noinline)) void NAME(median)(const VK *v, const float *const *rows, int m,
    long t, float *out, int count) {
  VF a = NAME(value_of)(v[(m - 1) / 2]), b = NAME(value_of)(v[m / 2]);
  NAME(signed_zeros)(rows, m, t, count, &a, &b);
  VD half = OP(set1_pd)(0.5);
  OP(store_lanes)(out, count, OP(mul_pd)(OP(add_pd)(OP(low_pd)(a), OP(low_pd)(b)), half),
      OP(mul_pd)(OP(add_pd)(OP(high_pd)(a), OP(high_pd)(b)), half));
}

/* Mean of sorted rows [first, first + count), summed in row order (Kernels#sortedRangeMean). */
static __attribute__((noinline)) void NAME(range_mean)(const VK *v, int first, int rows, float *out, int count) {
  VD inv = OP(set1_pd)(1.0 / rows);
  VD lo = OP(set1_pd)(0.0), hi = OP(set1_pd)(0.0);
  for (int r = first; r < first + rows; r++) {
    VF x = NAME(value_of)(v[r]);
    lo = OP(add_pd)(lo, OP(low_pd)(x));
    hi = OP(add_pd)(hi, OP(high_pd)(x));
  }
  OP(store_lanes)(out, count, OP(mul_pd)(lo, inv), OP(mul_pd)(hi, inv));
}

/* Mean of the keep sorted values closest to the median, ties to the smaller value
   (Kernels#sortedClosestToMedianMean), when keep >= m - keep: the window is [lo, lo + keep) with
   lo = 1 + the last j < drop where |x_j - med| > |x_{j+keep} - med|; summed as rows
   [drop, keep) then, for j < drop, row j if lo <= j else row j + keep.
   Row j lies below the median and row j + keep above it, so the distances are med - x_j and
   x_{j+keep} - med (the same doubles as the absolute values: x - med is exactly -(med - x)), the
   first non-increasing in j and the second non-decreasing: "farther" holds for j < lo and for no
   j after, so lo > j exactly where it holds, and the scan stops at the first j where it holds in
   no lane (at once when the outliers sit on one side, as an attack's usually do). */
static __attribute__((noinline)) void NAME(closest_to_median_mean)(const VK *v, int m, int keep,
    float *out, int count) {
  int drop = m - keep;
  DM farther_lo[MAX_ROWS / 2], farther_hi[MAX_ROWS / 2]; /* lanes where lo > j, j < decided */
  VF a = NAME(value_of)(v[(m - 1) / 2]), b = NAME(value_of)(v[m / 2]);
  VD half = OP(set1_pd)(0.5);
  VD med_lo = OP(mul_pd)(OP(add_pd)(OP(low_pd)(a), OP(low_pd)(b)), half);
  VD med_hi = OP(mul_pd)(OP(add_pd)(OP(high_pd)(a), OP(high_pd)(b)), half);
  int decided = 0;
  for (; decided < drop; decided++) {
    VF x = NAME(value_of)(v[decided]), y = NAME(value_of)(v[decided + keep]);
    DM lo = OP(gt_pd)(OP(sub_pd)(med_lo, OP(low_pd)(x)), OP(sub_pd)(OP(low_pd)(y), med_lo));
    DM hi = OP(gt_pd)(OP(sub_pd)(med_hi, OP(high_pd)(x)), OP(sub_pd)(OP(high_pd)(y), med_hi));
    if (!OP(any_lane)(OP(or_lanes)(lo, hi))) {
      break;
    }
    farther_lo[decided] = lo;
    farther_hi[decided] = hi;
  }
  VD inv = OP(set1_pd)(1.0 / keep);
  VD lo = OP(set1_pd)(0.0), hi = OP(set1_pd)(0.0);
  for (int r = drop; r < keep; r++) {
    VF x = NAME(value_of)(v[r]);
    lo = OP(add_pd)(lo, OP(low_pd)(x));
    hi = OP(add_pd)(hi, OP(high_pd)(x));
  }
  for (int j = 0; j < decided; j++) {
    VF x = NAME(value_of)(v[j]), y = NAME(value_of)(v[j + keep]);
    lo = OP(add_pd)(lo, OP(select_pd)(farther_lo[j], OP(low_pd)(y), OP(low_pd)(x)));
    hi = OP(add_pd)(hi, OP(select_pd)(farther_hi[j], OP(high_pd)(y), OP(high_pd)(x)));
  }
  for (int j = decided; j < drop; j++) {
    VF x = NAME(value_of)(v[j]);
    lo = OP(add_pd)(lo, OP(low_pd)(x));
    hi = OP(add_pd)(hi, OP(high_pd)(x));
  }
  OP(store_lanes)(out, count, OP(mul_pd)(lo, inv), OP(mul_pd)(hi, inv));
}

/* The same when keep < m - keep (Bulyan keeps theta - 2f of theta): lo as above, but both ends
   of a pair may lie on one side of the median, so with absolute values; the window is summed in
   row order, adding 0.0 for the rows outside a lane's window as Java does (the running sum
   starts at +0.0 and is never -0.0, so a masked add gives the same bits). */
static __attribute__((noinline)) void NAME(closest_to_median_mean_narrow)(const VK *v, int m, int keep, float *out,
    int count) {
  int drop = m - keep;
  VF a = NAME(value_of)(v[(m - 1) / 2]), b = NAME(value_of)(v[m / 2]);
  VD half = OP(set1_pd)(0.5);
  VD med_lo = OP(mul_pd)(OP(add_pd)(OP(low_pd)(a), OP(low_pd)(b)), half);
  VD med_hi = OP(mul_pd)(OP(add_pd)(OP(high_pd)(a), OP(high_pd)(b)), half);
  VD lo_lo = OP(set1_pd)(0.0), lo_hi = OP(set1_pd)(0.0);
  for (int j = 0; j < drop; j++) {
    VF x = NAME(value_of)(v[j]), y = NAME(value_of)(v[j + keep]);
    VD next = OP(set1_pd)(j + 1);
    lo_lo = OP(select_pd)(OP(gt_pd)(OP(abs_pd)(OP(sub_pd)(OP(low_pd)(x), med_lo)),
        OP(abs_pd)(OP(sub_pd)(OP(low_pd)(y), med_lo))), next, lo_lo);
    lo_hi = OP(select_pd)(OP(gt_pd)(OP(abs_pd)(OP(sub_pd)(OP(high_pd)(x), med_hi)),
        OP(abs_pd)(OP(sub_pd)(OP(high_pd)(y), med_hi))), next, lo_hi);
  }
  VD inv = OP(set1_pd)(1.0 / keep);
  VD lo = OP(set1_pd)(0.0), hi = OP(set1_pd)(0.0);
  for (int r = 0; r < m; r++) {
    VF x = NAME(value_of)(v[r]);
    VD row = OP(set1_pd)(r), before = OP(set1_pd)(r - keep);
    /* lo <= r < lo + keep */
    DM in_lo = OP(and_lanes)(OP(le_pd)(lo_lo, row), OP(gt_pd)(lo_lo, before));
    DM in_hi = OP(and_lanes)(OP(le_pd)(lo_hi, row), OP(gt_pd)(lo_hi, before));
    lo = OP(add_where)(lo, in_lo, OP(low_pd)(x));
    hi = OP(add_where)(hi, in_hi, OP(high_pd)(x));
  }
  OP(store_lanes)(out, count, OP(mul_pd)(lo, inv), OP(mul_pd)(hi, inv));
}

/* One function per network width W (rows m in (W - 8, W]): blocks of LANES coordinates, each
   loaded straight into the network's wires (padding above m), sorted (only the middle for a
   median) and read off. Returns whether a value was not finite. */
#define BLOCK_LOOP(W)                                                                          \
  static __attribute__((noinline)) int NAME(blocks##W)(const float *const *rows, int m,       \
      long len, int kind, int param, float *out) {                                            \
    VK v[W];                                                                                  \
    BAD bad[2] = {NAME(no_bad)(), NAME(no_bad)()}; /* rows in two chains */                  \
    long step = NAME(first_step)(rows, m, len);                                               \
    for (long t = 0; t < len; t += step, step = LANES) {                                      \
      int count = (int) (len - t < step ? len - t : step);                                    \
      NAME(prefetch_next)(rows, m, t, len);                                                   \
      if (kind == KIND_MEDIAN) {                                                              \
        NAME(byz_middle##W)(rows, m, t, count, bad, v);                                       \
        NAME(median)(v, rows, m, t, out + t, count);                                          \
      } else {                                                                                \
        NAME(byz_sort##W)(rows, m, t, count, bad, v);                                         \
        if (kind == KIND_TRIMMED_MEAN) {                                                      \
          NAME(range_mean)(v, param, m - 2 * param, out + t, count);                          \
        } else if (2 * param >= m) {                                                          \
          NAME(closest_to_median_mean)(v, m, param, out + t, count);                          \
        } else {                                                                              \
          NAME(closest_to_median_mean_narrow)(v, m, param, out + t, count);                   \
        }                                                                                     \
      }                                                                                       \
    }                                                                                         \
    return NAME(any_bad)(bad[0]) || NAME(any_bad)(bad[1]);                                    \
  }

BLOCK_LOOP(8) BLOCK_LOOP(16) BLOCK_LOOP(24) BLOCK_LOOP(32) BLOCK_LOOP(40) BLOCK_LOOP(48)
BLOCK_LOOP(56) BLOCK_LOOP(64) BLOCK_LOOP(72) BLOCK_LOOP(80) BLOCK_LOOP(88) BLOCK_LOOP(96)
BLOCK_LOOP(104) BLOCK_LOOP(112) BLOCK_LOOP(120) BLOCK_LOOP(128)
#undef BLOCK_LOOP

/* 0: done, every value finite; 1: some value was NaN or infinite (out is then not meaningful). */
static int NAME(coordinate_wise)(const float *const *rows, int m, long len, int kind, int param,
    float *out) {
  static int (*const loops[16])(const float *const *, int, long, int, int, float *) = {
      NAME(blocks8), NAME(blocks16), NAME(blocks24), NAME(blocks32), NAME(blocks40),
      NAME(blocks48), NAME(blocks56), NAME(blocks64), NAME(blocks72), NAME(blocks80),
      NAME(blocks88), NAME(blocks96), NAME(blocks104), NAME(blocks112), NAME(blocks120),
      NAME(blocks128)};
  return loops[(m - 1) / 8](rows, m, len, kind, param, out);
}
