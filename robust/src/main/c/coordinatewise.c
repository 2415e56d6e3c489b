/*
 * Coordinate-wise median, trimmed mean and mean around the median (Meamed, and Bulyan's narrow
 * window) of m <= 128 float rows, exact, for io.byzflink.robust.kernel.NativeCoordinateWise (JNI).
 *
 * Why native: the same sort in Java (Vector API, JDK 17) either spills through a sort buffer
 * (every pass over it costs about 1.5 read passes) or, in larger register kernels, is compiled
 * badly by C2 (benchmarks/README.md). Here gcc keeps each block of coordinates of all m rows in
 * the vector registers plus L1 spills: the inputs are read once, straight into registers.
 *
 * Two builds of the same kernels (coordinatewise_kernels.h): AVX-512 (F, BW, DQ, VL; 16
 * coordinates per block, 32 registers) and AVX2 (8 coordinates, 16 registers), chosen at load
 * time from the CPU (or forced, for tests).
 *
 * Results are bit for bit those of the Java kernels: the keys are the same order-preserving int
 * keys (Kernels#key), sorting networks give the one sorted order, and the read-offs do the same
 * double additions in the same order. Build with -ffp-contract=off so no mul+add is fused.
 */
#include <jni.h>
#include <stdint.h>
#include <immintrin.h>

#define KIND_MEDIAN 0
#define KIND_TRIMMED_MEAN 1
#define KIND_CLOSEST_TO_MEDIAN_MEAN 2
#define MAX_ROWS 128
/* Coordinates per prefetch chunk (see prefetch_next). */
#define CHUNK 256
/* How a network (sorting_networks.h) loads wire i: row i's keys, or padding above the m rows. */
#define LOAD_PARAMS const float *const *rows, int m, long t, int count, unsigned *bad
#define LOAD(i) ((i) < m ? NAME(load_key)(rows[i] + t, count, bad) : NAME(set1)(INT32_MAX))
#define NAME(x) NAME_(x, ISA)
#define NAME_(x, isa) NAME__(x, isa)
#define NAME__(x, isa) x##_##isa

/* ------------------------------------------------------------------------------- AVX-512 */
#pragma GCC push_options
#pragma GCC target("avx512f,avx512bw,avx512dq,avx512vl")
#define ISA avx512
#define LANES 16
#define VI __m512i
#define VF __m512
#define VD __m512d
#define DM __mmask8
#define VMIN _mm512_min_epi32
#define VMAX _mm512_max_epi32

static inline __mmask16 NAME(lanes)(int count) { return (__mmask16) ((1u << count) - 1); }
static inline VI NAME(load_lanes)(const float *p, int count) {
  return _mm512_maskz_loadu_epi32(NAME(lanes)(count), p);
}
static inline unsigned NAME(nonfinite_lanes)(VI bits) {
  const VI exponent = _mm512_set1_epi32(0x7f800000);
  return _mm512_cmpeq_epi32_mask(_mm512_and_si512(bits, exponent), exponent);
}
static inline VI NAME(key_of)(VI bits) {
  return _mm512_xor_si512(bits, _mm512_srli_epi32(_mm512_srai_epi32(bits, 31), 1));
}
static inline VI NAME(set1)(int x) { return _mm512_set1_epi32(x); }
static inline VF NAME(as_float)(VI x) { return _mm512_castsi512_ps(x); }
static inline VD NAME(low_pd)(VF v) { return _mm512_cvtps_pd(_mm512_castps512_ps256(v)); }
static inline VD NAME(high_pd)(VF v) {
  return _mm512_cvtps_pd(_mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(v), 1)));
}
static inline VD NAME(set1_pd)(double x) { return _mm512_set1_pd(x); }
static inline VD NAME(add_pd)(VD a, VD b) { return _mm512_add_pd(a, b); }
static inline VD NAME(sub_pd)(VD a, VD b) { return _mm512_sub_pd(a, b); }
static inline VD NAME(mul_pd)(VD a, VD b) { return _mm512_mul_pd(a, b); }
static inline VD NAME(abs_pd)(VD a) { return _mm512_abs_pd(a); }
static inline DM NAME(gt_pd)(VD a, VD b) { return _mm512_cmp_pd_mask(a, b, _CMP_GT_OQ); }
static inline DM NAME(le_pd)(VD a, VD b) { return _mm512_cmp_pd_mask(a, b, _CMP_LE_OQ); }
static inline DM NAME(no_lanes)(void) { return 0; }
static inline DM NAME(or_lanes)(DM a, DM b) { return a | b; }
static inline DM NAME(and_lanes)(DM a, DM b) { return a & b; }
static inline int NAME(any_lane)(DM a) { return a != 0; }
/* m ? a : b */
static inline VD NAME(select_pd)(DM m, VD a, VD b) { return _mm512_mask_blend_pd(m, b, a); }
/* m ? acc + x : acc */
static inline VD NAME(add_where)(VD acc, DM m, VD x) { return _mm512_mask_add_pd(acc, m, acc, x); }
static inline void NAME(store_lanes)(float *out, int count, VD lo, VD hi) {
  __m512 r = _mm512_insertf32x8(_mm512_castps256_ps512(_mm512_cvtpd_ps(lo)), _mm512_cvtpd_ps(hi), 1);
  _mm512_mask_storeu_ps(out, NAME(lanes)(count), r);
}

#include "coordinatewise_build.h"
#pragma GCC pop_options

/* ---------------------------------------------------------------------------------- AVX2 */
#pragma GCC push_options
#pragma GCC target("avx2")
#define ISA avx2
#define LANES 8
#define VI __m256i
#define VF __m256
#define VD __m256d
#define DM __m256d
#define VMIN _mm256_min_epi32
#define VMAX _mm256_max_epi32

static inline VI NAME(load_lanes)(const float *p, int count) {
  if (count == LANES) {
    return _mm256_loadu_si256((const __m256i *) p);
  }
  VI live = _mm256_cmpgt_epi32(_mm256_set1_epi32(count), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
  return _mm256_maskload_epi32((const int *) p, live);
}
static inline unsigned NAME(nonfinite_lanes)(VI bits) {
  const VI exponent = _mm256_set1_epi32(0x7f800000);
  return (unsigned) _mm256_movemask_ps(_mm256_castsi256_ps(
      _mm256_cmpeq_epi32(_mm256_and_si256(bits, exponent), exponent)));
}
static inline VI NAME(key_of)(VI bits) {
  return _mm256_xor_si256(bits, _mm256_srli_epi32(_mm256_srai_epi32(bits, 31), 1));
}
static inline VI NAME(set1)(int x) { return _mm256_set1_epi32(x); }
static inline VF NAME(as_float)(VI x) { return _mm256_castsi256_ps(x); }
static inline VD NAME(low_pd)(VF v) { return _mm256_cvtps_pd(_mm256_castps256_ps128(v)); }
static inline VD NAME(high_pd)(VF v) { return _mm256_cvtps_pd(_mm256_extractf128_ps(v, 1)); }
static inline VD NAME(set1_pd)(double x) { return _mm256_set1_pd(x); }
static inline VD NAME(add_pd)(VD a, VD b) { return _mm256_add_pd(a, b); }
static inline VD NAME(sub_pd)(VD a, VD b) { return _mm256_sub_pd(a, b); }
static inline VD NAME(mul_pd)(VD a, VD b) { return _mm256_mul_pd(a, b); }
static inline VD NAME(abs_pd)(VD a) {
  return _mm256_and_pd(a, _mm256_castsi256_pd(_mm256_set1_epi64x(INT64_MAX)));
}
static inline DM NAME(gt_pd)(VD a, VD b) { return _mm256_cmp_pd(a, b, _CMP_GT_OQ); }
static inline DM NAME(le_pd)(VD a, VD b) { return _mm256_cmp_pd(a, b, _CMP_LE_OQ); }
static inline DM NAME(no_lanes)(void) { return _mm256_setzero_pd(); }
static inline DM NAME(or_lanes)(DM a, DM b) { return _mm256_or_pd(a, b); }
static inline DM NAME(and_lanes)(DM a, DM b) { return _mm256_and_pd(a, b); }
static inline int NAME(any_lane)(DM a) { return _mm256_movemask_pd(a) != 0; }
static inline VD NAME(select_pd)(DM m, VD a, VD b) { return _mm256_blendv_pd(b, a, m); }
/* acc + (m ? x : +0.0): the same bits as a masked add, acc never being -0.0 */
static inline VD NAME(add_where)(VD acc, DM m, VD x) { return _mm256_add_pd(acc, _mm256_and_pd(x, m)); }
static inline void NAME(store_lanes)(float *out, int count, VD lo, VD hi) {
  __m256 r = _mm256_set_m128(_mm256_cvtpd_ps(hi), _mm256_cvtpd_ps(lo));
  if (count == LANES) {
    _mm256_storeu_ps(out, r);
  } else {
    VI live = _mm256_cmpgt_epi32(_mm256_set1_epi32(count), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
    _mm256_maskstore_ps(out, live, r);
  }
}

#include "coordinatewise_build.h"
#pragma GCC pop_options

/* ----------------------------------------------------------------------------------- JNI */
#define ISA_NONE 0
#define ISA_AVX2 1
#define ISA_AVX512 2
static int isa = ISA_NONE;

/* The best instruction set of this CPU, at most `most` (2: AVX-512, 1: AVX2); selects it. */
JNIEXPORT jint JNICALL Java_io_byzflink_robust_kernel_NativeCoordinateWise_select0(
    JNIEnv *env, jclass cls, jint most) {
  (void) env;
  (void) cls;
  __builtin_cpu_init();
  int avx512 = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw")
      && __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl");
  int avx2 = __builtin_cpu_supports("avx2");
  isa = avx512 && most >= ISA_AVX512 ? ISA_AVX512 : avx2 && most >= ISA_AVX2 ? ISA_AVX2 : ISA_NONE;
  return isa;
}

/*
 * rows[sel[i]][from .. from + len), i < m, into out[outFrom .. outFrom + len). The Java side has
 * checked every index and length. Returns 0 (done), 1 (a value was not finite) or -1 (no
 * instruction set selected, or the JVM refused the arrays; nothing written).
 */
JNIEXPORT jint JNICALL Java_io_byzflink_robust_kernel_NativeCoordinateWise_aggregate0(
    JNIEnv *env, jclass cls, jobjectArray rows, jintArray sel, jint m, jint from, jint len,
    jint kind, jint param, jfloatArray out, jint outFrom) {
  (void) cls;
  jint index[MAX_ROWS];
  jfloatArray arrays[MAX_ROWS];
  float *data[MAX_ROWS];
  const float *starts[MAX_ROWS];
  if (isa == ISA_NONE || m < 1 || m > MAX_ROWS || (*env)->EnsureLocalCapacity(env, m + 8) != 0) {
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
      result = isa == ISA_AVX512
          ? coordinate_wise_avx512(starts, m, len, kind, param, o + outFrom)
          : coordinate_wise_avx2(starts, m, len, kind, param, o + outFrom);
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
