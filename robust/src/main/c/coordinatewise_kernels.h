/*
 * The coordinate-wise kernels, written once over a small set of vector operations and included
 * once per instruction set by coordinatewise.c, which defines before each inclusion:
 *   LANES             coordinates per block (one int/float vector), DLANES = LANES / 2 doubles
 *   VI, VF, VD, DM    int, float and double vectors, and a mask over the double lanes
 *   NAME(x)           x with the instruction set's suffix
 * and the operations used below (load_lanes, nonfinite_lanes, key_of, ..., store_lanes). Blocks
 * of LANES coordinates of all m rows are loaded straight into registers as int keys, sorted there
 * by the network for their width (sorting_networks.h), and the rule read off: nothing but the
 * register spills of the network and the sorted block (for the read-off) leaves registers.
 */

static inline VF NAME(value_of)(VI key) {
  return NAME(as_float)(NAME(key_of)(key)); /* the key map is an involution */
}

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

static __attribute__((noinline)) void NAME(median)(const VI *v, int m, float *out, int count) {
  VF a = NAME(value_of)(v[(m - 1) / 2]), b = NAME(value_of)(v[m / 2]);
  VD half = NAME(set1_pd)(0.5);
  NAME(store_lanes)(out, count, NAME(mul_pd)(NAME(add_pd)(NAME(low_pd)(a), NAME(low_pd)(b)), half),
      NAME(mul_pd)(NAME(add_pd)(NAME(high_pd)(a), NAME(high_pd)(b)), half));
}

/* Mean of sorted rows [first, first + count), summed in row order (Kernels#sortedRangeMean). */
static __attribute__((noinline)) void NAME(range_mean)(const VI *v, int first, int rows, float *out, int count) {
  VD inv = NAME(set1_pd)(1.0 / rows);
  VD lo = NAME(set1_pd)(0.0), hi = NAME(set1_pd)(0.0);
  for (int r = first; r < first + rows; r++) {
    VF x = NAME(value_of)(v[r]);
    lo = NAME(add_pd)(lo, NAME(low_pd)(x));
    hi = NAME(add_pd)(hi, NAME(high_pd)(x));
  }
  NAME(store_lanes)(out, count, NAME(mul_pd)(lo, inv), NAME(mul_pd)(hi, inv));
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
static __attribute__((noinline)) void NAME(closest_to_median_mean)(const VI *v, int m, int keep,
    float *out, int count) {
  int drop = m - keep;
  DM farther_lo[MAX_ROWS / 2], farther_hi[MAX_ROWS / 2]; /* lanes where lo > j, j < decided */
  VF a = NAME(value_of)(v[(m - 1) / 2]), b = NAME(value_of)(v[m / 2]);
  VD half = NAME(set1_pd)(0.5);
  VD med_lo = NAME(mul_pd)(NAME(add_pd)(NAME(low_pd)(a), NAME(low_pd)(b)), half);
  VD med_hi = NAME(mul_pd)(NAME(add_pd)(NAME(high_pd)(a), NAME(high_pd)(b)), half);
  int decided = 0;
  for (; decided < drop; decided++) {
    VF x = NAME(value_of)(v[decided]), y = NAME(value_of)(v[decided + keep]);
    DM lo = NAME(gt_pd)(NAME(sub_pd)(med_lo, NAME(low_pd)(x)), NAME(sub_pd)(NAME(low_pd)(y), med_lo));
    DM hi = NAME(gt_pd)(NAME(sub_pd)(med_hi, NAME(high_pd)(x)), NAME(sub_pd)(NAME(high_pd)(y), med_hi));
    if (!NAME(any_lane)(NAME(or_lanes)(lo, hi))) {
      break;
    }
    farther_lo[decided] = lo;
    farther_hi[decided] = hi;
  }
  VD inv = NAME(set1_pd)(1.0 / keep);
  VD lo = NAME(set1_pd)(0.0), hi = NAME(set1_pd)(0.0);
  for (int r = drop; r < keep; r++) {
    VF x = NAME(value_of)(v[r]);
    lo = NAME(add_pd)(lo, NAME(low_pd)(x));
    hi = NAME(add_pd)(hi, NAME(high_pd)(x));
  }
  for (int j = 0; j < decided; j++) {
    VF x = NAME(value_of)(v[j]), y = NAME(value_of)(v[j + keep]);
    lo = NAME(add_pd)(lo, NAME(select_pd)(farther_lo[j], NAME(low_pd)(y), NAME(low_pd)(x)));
    hi = NAME(add_pd)(hi, NAME(select_pd)(farther_hi[j], NAME(high_pd)(y), NAME(high_pd)(x)));
  }
  for (int j = decided; j < drop; j++) {
    VF x = NAME(value_of)(v[j]);
    lo = NAME(add_pd)(lo, NAME(low_pd)(x));
    hi = NAME(add_pd)(hi, NAME(high_pd)(x));
  }
  NAME(store_lanes)(out, count, NAME(mul_pd)(lo, inv), NAME(mul_pd)(hi, inv));
}

/* The same when keep < m - keep (Bulyan keeps theta - 2f of theta): lo as above, but both ends
   of a pair may lie on one side of the median, so with absolute values; the window is summed in
   row order, adding 0.0 for the rows outside a lane's window as Java does (the running sum
   starts at +0.0 and is never -0.0, so a masked add gives the same bits). */
static __attribute__((noinline)) void NAME(closest_to_median_mean_narrow)(const VI *v, int m, int keep, float *out,
    int count) {
  int drop = m - keep;
  VF a = NAME(value_of)(v[(m - 1) / 2]), b = NAME(value_of)(v[m / 2]);
  VD half = NAME(set1_pd)(0.5);
  VD med_lo = NAME(mul_pd)(NAME(add_pd)(NAME(low_pd)(a), NAME(low_pd)(b)), half);
  VD med_hi = NAME(mul_pd)(NAME(add_pd)(NAME(high_pd)(a), NAME(high_pd)(b)), half);
  VD lo_lo = NAME(set1_pd)(0.0), lo_hi = NAME(set1_pd)(0.0);
  for (int j = 0; j < drop; j++) {
    VF x = NAME(value_of)(v[j]), y = NAME(value_of)(v[j + keep]);
    VD next = NAME(set1_pd)(j + 1);
    lo_lo = NAME(select_pd)(NAME(gt_pd)(NAME(abs_pd)(NAME(sub_pd)(NAME(low_pd)(x), med_lo)),
        NAME(abs_pd)(NAME(sub_pd)(NAME(low_pd)(y), med_lo))), next, lo_lo);
    lo_hi = NAME(select_pd)(NAME(gt_pd)(NAME(abs_pd)(NAME(sub_pd)(NAME(high_pd)(x), med_hi)),
        NAME(abs_pd)(NAME(sub_pd)(NAME(high_pd)(y), med_hi))), next, lo_hi);
  }
  VD inv = NAME(set1_pd)(1.0 / keep);
  VD lo = NAME(set1_pd)(0.0), hi = NAME(set1_pd)(0.0);
  for (int r = 0; r < m; r++) {
    VF x = NAME(value_of)(v[r]);
    VD row = NAME(set1_pd)(r), before = NAME(set1_pd)(r - keep);
    /* lo <= r < lo + keep */
    DM in_lo = NAME(and_lanes)(NAME(le_pd)(lo_lo, row), NAME(gt_pd)(lo_lo, before));
    DM in_hi = NAME(and_lanes)(NAME(le_pd)(lo_hi, row), NAME(gt_pd)(lo_hi, before));
    lo = NAME(add_where)(lo, in_lo, NAME(low_pd)(x));
    hi = NAME(add_where)(hi, in_hi, NAME(high_pd)(x));
  }
  NAME(store_lanes)(out, count, NAME(mul_pd)(lo, inv), NAME(mul_pd)(hi, inv));
}

/* One function per network width W (rows m in (W - 8, W]): blocks of LANES coordinates, each
   loaded straight into the network's wires (padding above m), sorted (only the middle for a
   median) and read off. Returns the lanes that saw a non-finite value. */
#define BLOCK_LOOP(W)                                                                          \
  static __attribute__((noinline)) unsigned NAME(blocks##W)(const float *const *rows, int m,  \
      long len, int kind, int param, float *out) {                                            \
    VI v[W];                                                                                  \
    unsigned bad = 0;                                                                         \
    long step = NAME(first_step)(rows, m, len);                                               \
    for (long t = 0; t < len; t += step, step = LANES) {                                      \
      int count = (int) (len - t < step ? len - t : step);                                    \
      NAME(prefetch_next)(rows, m, t, len);                                                   \
      if (kind == KIND_MEDIAN) {                                                              \
        NAME(byz_middle##W)(rows, m, t, count, &bad, v);                                      \
        NAME(median)(v, m, out + t, count);                                                   \
      } else {                                                                                \
        NAME(byz_sort##W)(rows, m, t, count, &bad, v);                                        \
        if (kind == KIND_TRIMMED_MEAN) {                                                      \
          NAME(range_mean)(v, param, m - 2 * param, out + t, count);                          \
        } else if (2 * param >= m) {                                                          \
          NAME(closest_to_median_mean)(v, m, param, out + t, count);                          \
        } else {                                                                              \
          NAME(closest_to_median_mean_narrow)(v, m, param, out + t, count);                   \
        }                                                                                     \
      }                                                                                       \
    }                                                                                         \
    return bad;                                                                               \
  }

BLOCK_LOOP(8) BLOCK_LOOP(16) BLOCK_LOOP(24) BLOCK_LOOP(32) BLOCK_LOOP(40) BLOCK_LOOP(48)
BLOCK_LOOP(56) BLOCK_LOOP(64) BLOCK_LOOP(72) BLOCK_LOOP(80) BLOCK_LOOP(88) BLOCK_LOOP(96)
BLOCK_LOOP(104) BLOCK_LOOP(112) BLOCK_LOOP(120) BLOCK_LOOP(128)
#undef BLOCK_LOOP

/* 0: done, every value finite; 1: some value was NaN or infinite (out is then not meaningful). */
static int NAME(coordinate_wise)(const float *const *rows, int m, long len, int kind, int param,
    float *out) {
  static unsigned (*const loops[16])(const float *const *, int, long, int, int, float *) = {
      NAME(blocks8), NAME(blocks16), NAME(blocks24), NAME(blocks32), NAME(blocks40),
      NAME(blocks48), NAME(blocks56), NAME(blocks64), NAME(blocks72), NAME(blocks80),
      NAME(blocks88), NAME(blocks96), NAME(blocks104), NAME(blocks112), NAME(blocks120),
      NAME(blocks128)};
  return loops[(m - 1) / 8](rows, m, len, kind, param, out) != 0;
}
