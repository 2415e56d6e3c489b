/*
 * Coordinate-wise median, trimmed mean and mean around the median (Meamed) of m <= 128 float
 * rows, exact, for io.byzflink.robust.kernel.NativeCoordinateWise (JNI).
 *
 * Why native: the same sort in Java (Vector API, JDK 17) either spills through a sort buffer
 * (every pass over it costs about 1.5 read passes) or, in larger register kernels, is compiled
 * badly by C2 (benchmarks/README.md). Here gcc keeps each block of 16 coordinates of all m rows
 * in the 32 zmm registers plus L1 spills: the inputs are read once, straight into registers, and
 * nothing else leaves L1.
 *
 * Results are bit for bit those of the Java kernels: the keys are the same order-preserving int
 * keys (Kernels#key), sorting networks give the one sorted order, and the read-offs do the same
 * double additions in the same order. Build with -ffp-contract=off so no mul+add is fused.
 */
#include <jni.h>
#include <stdint.h>

#define KIND_MEDIAN 0
#define KIND_TRIMMED_MEAN 1
#define KIND_CLOSEST_TO_MEDIAN_MEAN 2
#define MAX_ROWS 128
/* Coordinates per prefetch chunk: while one chunk is sorted, the next one's rows are prefetched
   row after row (runs of 1 KB per row: DRAM pages and the prefetchers like runs, not 64-byte
   pieces of m rows). */
#define CHUNK 256

#pragma GCC push_options
#pragma GCC target("avx512f,avx512bw,avx512dq,avx512vl")
#include <immintrin.h>
#include "sorting_networks.h"

static inline __m512i key_of(__m512i bits) {
  return _mm512_xor_si512(bits, _mm512_srli_epi32(_mm512_srai_epi32(bits, 31), 1));
}

static inline __m512 value_of(__m512i key) {
  return _mm512_castsi512_ps(key_of(key)); /* the map is an involution */
}

static inline __m512d low_pd(__m512 v) { return _mm512_cvtps_pd(_mm512_castps512_ps256(v)); }

static inline __m512d high_pd(__m512 v) {
  return _mm512_cvtps_pd(_mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(v), 1)));
}

static inline void store_pd(float *out, __mmask16 lanes, __m512d lo, __m512d hi) {
  __m512 r = _mm512_insertf32x8(_mm512_castps256_ps512(_mm512_cvtpd_ps(lo)), _mm512_cvtpd_ps(hi), 1);
  _mm512_mask_storeu_ps(out, lanes, r);
}

/* Prefetches a slice of the chunk after the one holding t: over the blocks of a chunk, every
   line of the next chunk, row after row. */
static inline void prefetch_next(const float *const *rows, int m, long t, long len) {
  long next = t - t % CHUNK + CHUNK;
  int lines = CHUNK / 16;
  for (int q = (int) (t % CHUNK / 16) * m, end = q + m; q < end; q++) {
    long at = next + (long) (q % lines) * 16;
    if (at < len) {
      _mm_prefetch((const char *) (rows[q / lines] + at), _MM_HINT_T1);
    }
  }
}

/* Loads coordinates [t, t+16) of the m rows as keys into v[0..m) and pads v[m..width) with the
   largest key; returns the lanes holding NaN or infinity. */
static inline __mmask16 load_keys(const float *const *rows, int m, int width, long t,
    __mmask16 lanes, __m512i *v) {
  const __m512i exponent = _mm512_set1_epi32(0x7f800000);
  __mmask16 bad = 0;
  for (int i = 0; i < m; i++) {
    __m512i x = _mm512_maskz_loadu_epi32(lanes, rows[i] + t);
    bad |= _mm512_cmpeq_epi32_mask(_mm512_and_si512(x, exponent), exponent);
    v[i] = key_of(x);
  }
  for (int i = m; i < width; i++) {
    v[i] = _mm512_set1_epi32(INT32_MAX);
  }
  return bad;
}

static inline void median(const __m512i *v, int m, float *out, __mmask16 lanes) {
  __m512 a = value_of(v[(m - 1) / 2]), b = value_of(v[m / 2]);
  __m512d half = _mm512_set1_pd(0.5);
  store_pd(out, lanes, _mm512_mul_pd(_mm512_add_pd(low_pd(a), low_pd(b)), half),
      _mm512_mul_pd(_mm512_add_pd(high_pd(a), high_pd(b)), half));
}

/* Mean of sorted rows [first, first + count), summed in row order (Kernels#sortedRangeMean). */
static inline void range_mean(const __m512i *v, int first, int count, float *out, __mmask16 lanes) {
  __m512d inv = _mm512_set1_pd(1.0 / count);
  __m512d lo = _mm512_setzero_pd(), hi = _mm512_setzero_pd();
  for (int r = first; r < first + count; r++) {
    __m512 x = value_of(v[r]);
    lo = _mm512_add_pd(lo, low_pd(x));
    hi = _mm512_add_pd(hi, high_pd(x));
  }
  store_pd(out, lanes, _mm512_mul_pd(lo, inv), _mm512_mul_pd(hi, inv));
}

/* Mean of the keep sorted values closest to the median, ties to the smaller value
   (Kernels#sortedClosestToMedianMean), when keep >= m - keep: the window is [lo, lo + keep) with
   lo = 1 + the last j < drop where |x_j - med| > |x_{j+keep} - med|; summed as rows
   [drop, keep) then, for j < drop, row j if lo <= j else row j + keep. Row j lies below the
   median and row j + keep above it, so the distances are med - x_j and x_{j+keep} - med, the
   same doubles as the absolute values (x - med is exactly -(med - x)). */
static inline void closest_to_median_mean(const __m512i *v, int m, int keep, float *out,
    __mmask16 lanes) {
  int drop = m - keep;
  __m512d ends[4][MAX_ROWS / 2]; /* low and high halves of rows j and j + keep, j < drop */
  __mmask8 take_low[MAX_ROWS / 2], take_high[MAX_ROWS / 2];
  __m512 a = value_of(v[(m - 1) / 2]), b = value_of(v[m / 2]);
  __m512d half = _mm512_set1_pd(0.5);
  __m512d med_lo = _mm512_mul_pd(_mm512_add_pd(low_pd(a), low_pd(b)), half);
  __m512d med_hi = _mm512_mul_pd(_mm512_add_pd(high_pd(a), high_pd(b)), half);
  __mmask8 beyond_lo = 0, beyond_hi = 0; /* lanes where some j' >= j has the low end farther */
  for (int j = drop - 1; j >= 0; j--) {
    __m512 x = value_of(v[j]), y = value_of(v[j + keep]);
    __m512d xl = low_pd(x), xh = high_pd(x), yl = low_pd(y), yh = high_pd(y);
    ends[0][j] = xl;
    ends[1][j] = xh;
    ends[2][j] = yl;
    ends[3][j] = yh;
    beyond_lo |= _mm512_cmp_pd_mask(_mm512_sub_pd(med_lo, xl), _mm512_sub_pd(yl, med_lo), _CMP_GT_OQ);
    beyond_hi |= _mm512_cmp_pd_mask(_mm512_sub_pd(med_hi, xh), _mm512_sub_pd(yh, med_hi), _CMP_GT_OQ);
    take_low[j] = (__mmask8) ~beyond_lo;
    take_high[j] = (__mmask8) ~beyond_hi;
  }
  __m512d inv = _mm512_set1_pd(1.0 / keep);
  __m512d lo = _mm512_setzero_pd(), hi = _mm512_setzero_pd();
  for (int r = drop; r < keep; r++) {
    __m512 x = value_of(v[r]);
    lo = _mm512_add_pd(lo, low_pd(x));
    hi = _mm512_add_pd(hi, high_pd(x));
  }
  for (int j = 0; j < drop; j++) {
    lo = _mm512_add_pd(lo, _mm512_mask_blend_pd(take_low[j], ends[2][j], ends[0][j]));
    hi = _mm512_add_pd(hi, _mm512_mask_blend_pd(take_high[j], ends[3][j], ends[1][j]));
  }
  store_pd(out, lanes, _mm512_mul_pd(lo, inv), _mm512_mul_pd(hi, inv));
}

/* The same when keep < m - keep (Bulyan keeps theta - 2f of theta): lo as above, but both ends
   of a pair may lie on one side of the median, so with absolute values; the window is summed in
   row order (Java adds 0.0 for the rows outside a lane's window, which leaves the sum as a masked
   add does: the running sum starts at +0.0 and is never -0.0). */
static inline void closest_to_median_mean_narrow(const __m512i *v, int m, int keep, float *out,
    __mmask16 lanes) {
  int drop = m - keep;
  __m512 a = value_of(v[(m - 1) / 2]), b = value_of(v[m / 2]);
  __m512d half = _mm512_set1_pd(0.5);
  __m512d med_lo = _mm512_mul_pd(_mm512_add_pd(low_pd(a), low_pd(b)), half);
  __m512d med_hi = _mm512_mul_pd(_mm512_add_pd(high_pd(a), high_pd(b)), half);
  __m512d lo_lo = _mm512_setzero_pd(), lo_hi = _mm512_setzero_pd();
  for (int j = 0; j < drop; j++) {
    __m512 x = value_of(v[j]), y = value_of(v[j + keep]);
    __m512d next = _mm512_set1_pd(j + 1);
    lo_lo = _mm512_mask_blend_pd(_mm512_cmp_pd_mask(_mm512_abs_pd(_mm512_sub_pd(low_pd(x), med_lo)),
        _mm512_abs_pd(_mm512_sub_pd(low_pd(y), med_lo)), _CMP_GT_OQ), lo_lo, next);
    lo_hi = _mm512_mask_blend_pd(_mm512_cmp_pd_mask(_mm512_abs_pd(_mm512_sub_pd(high_pd(x), med_hi)),
        _mm512_abs_pd(_mm512_sub_pd(high_pd(y), med_hi)), _CMP_GT_OQ), lo_hi, next);
  }
  __m512d inv = _mm512_set1_pd(1.0 / keep);
  __m512d lo = _mm512_setzero_pd(), hi = _mm512_setzero_pd();
  for (int r = 0; r < m; r++) {
    __m512 x = value_of(v[r]);
    __m512d row = _mm512_set1_pd(r), before = _mm512_set1_pd(r - keep);
    /* lo <= r < lo + keep */
    __mmask8 in_lo = _mm512_cmp_pd_mask(lo_lo, row, _CMP_LE_OQ) & _mm512_cmp_pd_mask(before, lo_lo, _CMP_LT_OQ);
    __mmask8 in_hi = _mm512_cmp_pd_mask(lo_hi, row, _CMP_LE_OQ) & _mm512_cmp_pd_mask(before, lo_hi, _CMP_LT_OQ);
    lo = _mm512_mask_add_pd(lo, in_lo, lo, low_pd(x));
    hi = _mm512_mask_add_pd(hi, in_hi, hi, high_pd(x));
  }
  store_pd(out, lanes, _mm512_mul_pd(lo, inv), _mm512_mul_pd(hi, inv));
}

/* Coordinates in the first block so that the later ones start on a cache line in most rows: a
   64-byte load that straddles two lines costs two. Java arrays start 16 bytes after an 8-byte
   aligned object, so rows differ; large rows (G1 humongous objects, region-aligned) agree. */
static inline long first_step(const float *const *rows, int m, long len) {
  int votes[16] = {0};
  int best = 0;
  for (int i = 0; i < m; i++) {
    int skew = (int) ((16 - ((uintptr_t) rows[i] & 63) / 4) & 15);
    if (++votes[skew] > votes[best] || (votes[skew] == votes[best] && skew < best)) {
      best = skew;
    }
  }
  return best == 0 || best > len ? 16 : best;
}

/* One function per network width W (rows m in (W - 8, W]): blocks of 16 coordinates, each
   loaded, sorted (only the middle for a median) and read off. Returns the
   lanes that saw a non-finite value. */
#define BLOCK_LOOP(W)                                                                         \
  static __attribute__((noinline)) __mmask16 blocks##W(const float *const *rows, int m,      \
      long len, int kind, int param, float *out) {                                           \
    __attribute__((aligned(64))) __m512i v[W];                                               \
    __mmask16 bad = 0;                                                                       \
    long step = first_step(rows, m, len);                                                    \
    for (long t = 0; t < len; t += step, step = 16) {                                        \
      long count = len - t < step ? len - t : step;                                          \
      __mmask16 lanes = (__mmask16) ((1u << count) - 1);                                     \
      prefetch_next(rows, m, t, len);                                                        \
      bad |= load_keys(rows, m, W, t, lanes, v);                                             \
      if (kind == KIND_MEDIAN) {                                                             \
        byz_middle##W(v);                                                                    \
        median(v, m, out + t, lanes);                                                        \
      } else {                                                                               \
        byz_sort##W(v);                                                                      \
        if (kind == KIND_TRIMMED_MEAN) {                                                     \
          range_mean(v, param, m - 2 * param, out + t, lanes);                               \
        } else {                                                                             \
          if (2 * param >= m) {                                                              \
            closest_to_median_mean(v, m, param, out + t, lanes);                             \
          } else {                                                                           \
            closest_to_median_mean_narrow(v, m, param, out + t, lanes);                      \
          }                                                                                  \
        }                                                                                    \
      }                                                                                      \
    }                                                                                        \
    return bad;                                                                              \
  }

BLOCK_LOOP(8) BLOCK_LOOP(16) BLOCK_LOOP(24) BLOCK_LOOP(32) BLOCK_LOOP(40) BLOCK_LOOP(48)
BLOCK_LOOP(56) BLOCK_LOOP(64) BLOCK_LOOP(72) BLOCK_LOOP(80) BLOCK_LOOP(88) BLOCK_LOOP(96)
BLOCK_LOOP(104) BLOCK_LOOP(112) BLOCK_LOOP(120) BLOCK_LOOP(128)

typedef __mmask16 (*block_loop)(const float *const *, int, long, int, int, float *);
static const block_loop LOOPS[16] = {blocks8, blocks16, blocks24, blocks32, blocks40, blocks48,
    blocks56, blocks64, blocks72, blocks80, blocks88, blocks96, blocks104, blocks112, blocks120,
    blocks128};

/* 0: done, every value finite; 1: some value was NaN or infinite (out is then not meaningful). */
static int coordinate_wise(const float *const *rows, int m, long len, int kind, int param, float *out) {
  return LOOPS[(m - 1) / 8](rows, m, len, kind, param, out) != 0;
}
#pragma GCC pop_options

JNIEXPORT jboolean JNICALL Java_io_byzflink_robust_kernel_NativeCoordinateWise_cpuSupported0(
    JNIEnv *env, jclass cls) {
  (void) env;
  (void) cls;
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw")
      && __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl");
}

/*
 * rows[sel[i]][from .. from + len), i < m, into out[outFrom .. outFrom + len). The Java side has
 * checked every index and length. Returns 0 (done), 1 (a value was not finite) or -1 (the JVM
 * refused the arrays; nothing written).
 */
JNIEXPORT jint JNICALL Java_io_byzflink_robust_kernel_NativeCoordinateWise_aggregate0(
    JNIEnv *env, jclass cls, jobjectArray rows, jintArray sel, jint m, jint from, jint len,
    jint kind, jint param, jfloatArray out, jint outFrom) {
  (void) cls;
  jint index[MAX_ROWS];
  jfloatArray arrays[MAX_ROWS];
  float *data[MAX_ROWS];
  const float *starts[MAX_ROWS];
  if (m < 1 || m > MAX_ROWS || (*env)->EnsureLocalCapacity(env, m + 8) != 0) {
    return -1;
  }
  (*env)->GetIntArrayRegion(env, sel, 0, m, index);
  for (int i = 0; i < m; i++) {
    arrays[i] = (jfloatArray) (*env)->GetObjectArrayElement(env, rows, index[i]);
  }
  if ((*env)->ExceptionCheck(env)) {
    return -1;
  }
  /* Critical regions nest; no other JNI call until they are released. */
  int got = 0;
  float *o = (float *) (*env)->GetPrimitiveArrayCritical(env, out, NULL);
  int result = -1;
  if (o != NULL) {
    for (; got < m; got++) {
      data[got] = (float *) (*env)->GetPrimitiveArrayCritical(env, arrays[got], NULL);
      if (data[got] == NULL) {
        break;
      }
      starts[got] = data[got] + from;
    }
    if (got == m) {
      result = coordinate_wise(starts, m, len, kind, param, o + outFrom);
    }
  }
  while (got > 0) {
    got--;
    (*env)->ReleasePrimitiveArrayCritical(env, arrays[got], data[got], JNI_ABORT);
  }
  if (o != NULL) {
    (*env)->ReleasePrimitiveArrayCritical(env, out, o, 0);
  }
  return result;
}
