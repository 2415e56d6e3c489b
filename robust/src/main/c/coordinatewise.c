/*
 * Coordinate-wise median, trimmed mean and mean around the median (Meamed, and Bulyan's narrow
 * window) of m <= 128 float rows, exact, for io.byzflink.robust.kernel.NativeCoordinateWise (JNI).
 *
 * Why native: the same sort in Java (Vector API, JDK 17) either spills through a sort buffer
 * (every pass over it costs about 1.5 read passes) or, in larger register kernels, is compiled
 * badly by C2 (benchmarks/README.md). Here gcc keeps each block of coordinates of all m rows in
 * the vector registers plus L1 spills: the inputs are read once, straight into registers.
 *
 * Three builds of the same kernels (coordinatewise_kernels.h), chosen at load time from the CPU
 * (or forced, for tests): AVX-512 (F, BW, DQ, VL; 16 coordinates per block, 32 registers) sorting
 * int keys or sorting the floats themselves, whichever compare this core runs faster (measured
 * when the kernel is selected), and AVX2 (8 coordinates, 16 registers) sorting int keys.
 *
 * Results are bit for bit those of the Java kernels: int keys are the same order-preserving keys
 * (Kernels#key), so sorting networks give the one sorted order; float keys give it too but for
 * the signs within a run of zeros, which change no sum (see the float-key build); and the
 * read-offs do the same double additions in the same order. Build with -ffp-contract=off so no
 * mul+add is fused.
 */
#include <jni.h>
#include <stdint.h>
#include <immintrin.h>
#include <x86intrin.h>

#define KIND_MEDIAN 0
#define KIND_TRIMMED_MEAN 1
#define KIND_CLOSEST_TO_MEDIAN_MEAN 2
#define MAX_ROWS 128
/* Coordinates per prefetch chunk (see prefetch_next). */
#define CHUNK 256
/* How a network (sorting_networks.h) loads wire i: row i's keys, or padding above the m rows. */
#define LOAD_PARAMS const float *const *rows, int m, long t, int count, BAD *bad
#define LOAD(i) ((i) < m ? NAME(load_key)(rows[i] + t, count, bad + ((i) & 1)) : NAME(pad)())
/* Kernels are built once per build (instruction set and key kind), vector operations once per
   instruction set. */
#define NAME(x) NAME_(x, ISA)
#define OP(x) NAME_(x, VEC)
#define NAME_(x, isa) NAME__(x, isa)
#define NAME__(x, isa) x##_##isa

/* ------------------------------------------------------------------------------- AVX-512 */
#pragma GCC push_options
#pragma GCC target("avx512f,avx512bw,avx512dq,avx512vl")
#define VEC avx512
#define LANES 16
#define VI __m512i
#define VF __m512
#define VD __m512d
#define DM __mmask8
#define VMIN _mm512_min_epi32
#define VMAX _mm512_max_epi32

static inline __mmask16 OP(lanes)(int count) { return (__mmask16) ((1u << count) - 1); }
static inline VI OP(load_lanes)(const float *p, int count) {
  return _mm512_maskz_loadu_epi32(OP(lanes)(count), p);
}
static inline unsigned OP(nonfinite_lanes)(VI bits) {
  const VI exponent = _mm512_set1_epi32(0x7f800000);
  return _mm512_cmpeq_epi32_mask(_mm512_and_si512(bits, exponent), exponent);
}
static inline VI OP(key_of)(VI bits) {
  return _mm512_xor_si512(bits, _mm512_srli_epi32(_mm512_srai_epi32(bits, 31), 1));
}
static inline VI OP(set1)(int x) { return _mm512_set1_epi32(x); }
static inline VF OP(as_float)(VI x) { return _mm512_castsi512_ps(x); }
static inline VD OP(low_pd)(VF v) { return _mm512_cvtps_pd(_mm512_castps512_ps256(v)); }
static inline VD OP(high_pd)(VF v) {
  return _mm512_cvtps_pd(_mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(v), 1)));
}
static inline VD OP(set1_pd)(double x) { return _mm512_set1_pd(x); }
static inline VD OP(add_pd)(VD a, VD b) { return _mm512_add_pd(a, b); }
static inline VD OP(sub_pd)(VD a, VD b) { return _mm512_sub_pd(a, b); }
static inline VD OP(mul_pd)(VD a, VD b) { return _mm512_mul_pd(a, b); }
static inline VD OP(abs_pd)(VD a) { return _mm512_abs_pd(a); }
static inline DM OP(gt_pd)(VD a, VD b) { return _mm512_cmp_pd_mask(a, b, _CMP_GT_OQ); }
static inline DM OP(le_pd)(VD a, VD b) { return _mm512_cmp_pd_mask(a, b, _CMP_LE_OQ); }
static inline DM OP(no_lanes)(void) { return 0; }
static inline DM OP(or_lanes)(DM a, DM b) { return a | b; }
static inline DM OP(and_lanes)(DM a, DM b) { return a & b; }
static inline int OP(any_lane)(DM a) { return a != 0; }
/* m ? a : b */
static inline VD OP(select_pd)(DM m, VD a, VD b) { return _mm512_mask_blend_pd(m, b, a); }
/* m ? acc + x : acc */
static inline VD OP(add_where)(VD acc, DM m, VD x) { return _mm512_mask_add_pd(acc, m, acc, x); }
static inline void OP(store_lanes)(float *out, int count, VD lo, VD hi) {
  __m512 r = _mm512_insertf32x8(_mm512_castps256_ps512(_mm512_cvtpd_ps(lo)), _mm512_cvtpd_ps(hi), 1);
  _mm512_mask_storeu_ps(out, OP(lanes)(count), r);
}

/* Build 1: int keys (Zen 4 runs vpminsd/vpmaxsd at twice the rate of vminps/vmaxps). */
#define ISA avx512
#include "coordinatewise_int_keys.h"
#include "coordinatewise_build.h"
#undef ISA

/* Build 2: the floats themselves as keys (Intel's cores from Skylake-SP on run 512-bit
   vminps/vmaxps on two ports but vpminsd/vpmaxsd on one). Finite floats compare as their int
   keys do but for +0.0 and -0.0, which compare equal: the networks swap equal wires, so each
   block ends as a permutation of its inputs sorted but for the signs within a run of zeros.
   The read-offs add doubles to a running sum that starts at +0.0 and so is never -0.0: adding
   either zero leaves it as it is, so every sum, and every distance comparison of Meamed's window,
   comes out bit for bit as with int keys. Only a median whose two middle values are both zero
   can differ (its sign), and signed_zeros gives it the sign the int order gives. */
#define ISA avx512_float
#define VK __m512
#define KMIN _mm512_min_ps
#define KMAX _mm512_max_ps
/* Two accumulators of x * 0 + acc: NaN in the lanes that saw a NaN or an infinity. */
#define BAD __m512
static inline BAD NAME(no_bad)(void) { return _mm512_setzero_ps(); }
static inline int NAME(any_bad)(BAD bad) { return _mm512_cmp_ps_mask(bad, bad, _CMP_UNORD_Q) != 0; }
static inline VK NAME(load_key)(const float *p, int count, BAD *bad) {
  VK x = _mm512_maskz_loadu_ps(OP(lanes)(count), p);
  *bad = _mm512_fmadd_ps(x, _mm512_setzero_ps(), *bad);
  return x;
}
static inline VK NAME(pad)(void) { return _mm512_set1_ps(__builtin_inff()); }
static inline VF NAME(value_of)(VK key) { return key; }
/* In the lanes where both middle values a <= b of a median are zeros, their signs as the int
   order gives them: there all negative values, -0.0 among them, come before +0.0, so the value
   at sorted position p is -0.0 exactly when p < (the number of values with the sign bit set). */
static __attribute__((noinline)) void NAME(signed_zeros_slow)(const float *const *rows, int m,
    long t, int count, __mmask16 zeros, VF *a, VF *b) {
  __m512i negative = _mm512_setzero_si512();
  for (int i = 0; i < m; i++) {
    __m512i bits = OP(load_lanes)(rows[i] + t, count);
    negative = _mm512_add_epi32(negative, _mm512_srli_epi32(bits, 31));
  }
  const VF minus_zero = _mm512_set1_ps(-0.0f), plus_zero = _mm512_setzero_ps();
  __mmask16 a_negative = _mm512_cmpgt_epi32_mask(negative, _mm512_set1_epi32((m - 1) / 2));
  __mmask16 b_negative = _mm512_cmpgt_epi32_mask(negative, _mm512_set1_epi32(m / 2));
  *a = _mm512_mask_blend_ps(zeros, *a, _mm512_mask_blend_ps(a_negative, plus_zero, minus_zero));
  *b = _mm512_mask_blend_ps(zeros, *b, _mm512_mask_blend_ps(b_negative, plus_zero, minus_zero));
}
static inline void NAME(signed_zeros)(const float *const *rows, int m, long t, int count, VF *a,
    VF *b) {
  __mmask16 zeros = _mm512_cmp_ps_mask(*a, _mm512_setzero_ps(), _CMP_EQ_OQ)
      & _mm512_cmp_ps_mask(*b, _mm512_setzero_ps(), _CMP_EQ_OQ) & OP(lanes)(count);
  if (zeros) {
    NAME(signed_zeros_slow)(rows, m, t, count, zeros, a, b);
  }
}
#include "coordinatewise_build.h"
#undef ISA
#include "coordinatewise_vec_undef.h"
#pragma GCC pop_options

/* ---------------------------------------------------------------------------------- AVX2 */
#pragma GCC push_options
#pragma GCC target("avx2")
#define VEC avx2
#define LANES 8
#define VI __m256i
#define VF __m256
#define VD __m256d
#define DM __m256d
#define VMIN _mm256_min_epi32
#define VMAX _mm256_max_epi32

static inline VI OP(load_lanes)(const float *p, int count) {
  if (count == LANES) {
    return _mm256_loadu_si256((const __m256i *) p);
  }
  VI live = _mm256_cmpgt_epi32(_mm256_set1_epi32(count), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
  return _mm256_maskload_epi32((const int *) p, live);
}
static inline unsigned OP(nonfinite_lanes)(VI bits) {
  const VI exponent = _mm256_set1_epi32(0x7f800000);
  return (unsigned) _mm256_movemask_ps(_mm256_castsi256_ps(
      _mm256_cmpeq_epi32(_mm256_and_si256(bits, exponent), exponent)));
}
static inline VI OP(key_of)(VI bits) {
  return _mm256_xor_si256(bits, _mm256_srli_epi32(_mm256_srai_epi32(bits, 31), 1));
}
static inline VI OP(set1)(int x) { return _mm256_set1_epi32(x); }
static inline VF OP(as_float)(VI x) { return _mm256_castsi256_ps(x); }
static inline VD OP(low_pd)(VF v) { return _mm256_cvtps_pd(_mm256_castps256_ps128(v)); }
static inline VD OP(high_pd)(VF v) { return _mm256_cvtps_pd(_mm256_extractf128_ps(v, 1)); }
static inline VD OP(set1_pd)(double x) { return _mm256_set1_pd(x); }
static inline VD OP(add_pd)(VD a, VD b) { return _mm256_add_pd(a, b); }
static inline VD OP(sub_pd)(VD a, VD b) { return _mm256_sub_pd(a, b); }
static inline VD OP(mul_pd)(VD a, VD b) { return _mm256_mul_pd(a, b); }
static inline VD OP(abs_pd)(VD a) {
  return _mm256_and_pd(a, _mm256_castsi256_pd(_mm256_set1_epi64x(INT64_MAX)));
}
static inline DM OP(gt_pd)(VD a, VD b) { return _mm256_cmp_pd(a, b, _CMP_GT_OQ); }
static inline DM OP(le_pd)(VD a, VD b) { return _mm256_cmp_pd(a, b, _CMP_LE_OQ); }
static inline DM OP(no_lanes)(void) { return _mm256_setzero_pd(); }
static inline DM OP(or_lanes)(DM a, DM b) { return _mm256_or_pd(a, b); }
static inline DM OP(and_lanes)(DM a, DM b) { return _mm256_and_pd(a, b); }
static inline int OP(any_lane)(DM a) { return _mm256_movemask_pd(a) != 0; }
static inline VD OP(select_pd)(DM m, VD a, VD b) { return _mm256_blendv_pd(b, a, m); }
/* acc + (m ? x : +0.0): the same bits as a masked add, acc never being -0.0 */
static inline VD OP(add_where)(VD acc, DM m, VD x) { return _mm256_add_pd(acc, _mm256_and_pd(x, m)); }
static inline void OP(store_lanes)(float *out, int count, VD lo, VD hi) {
  __m256 r = _mm256_set_m128(_mm256_cvtpd_ps(hi), _mm256_cvtpd_ps(lo));
  if (count == LANES) {
    _mm256_storeu_ps(out, r);
  } else {
    VI live = _mm256_cmpgt_epi32(_mm256_set1_epi32(count), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
    _mm256_maskstore_ps(out, live, r);
  }
}

#define ISA avx2
#include "coordinatewise_int_keys.h"
#include "coordinatewise_build.h"
#undef ISA
#include "coordinatewise_vec_undef.h"
#pragma GCC pop_options

/* ----------------------------------------------------------------------------------- JNI */
#define ISA_NONE 0
#define ISA_AVX2 1
#define ISA_AVX512 2
#define ISA_AVX512_FLOAT 3
#define KEYS_AUTO 0
#define KEYS_INT 1
#define KEYS_FLOAT 2
static int isa = ISA_NONE;

#pragma GCC push_options
#pragma GCC target("avx512f")
/* Time stamp ticks of `rounds` x 8 independent 512-bit min chains, vminps or vpminsd. */
static unsigned long long min_ticks(int floats, long rounds) {
  unsigned long long start = __rdtsc();
  if (floats) {
    __asm__ volatile(
        "vpxord %%zmm0, %%zmm0, %%zmm0\n\tvmovaps %%zmm0, %%zmm1\n\tvmovaps %%zmm0, %%zmm2\n\t"
        "vmovaps %%zmm0, %%zmm3\n\tvmovaps %%zmm0, %%zmm4\n\tvmovaps %%zmm0, %%zmm5\n\t"
        "vmovaps %%zmm0, %%zmm6\n\tvmovaps %%zmm0, %%zmm7\n\tvmovaps %%zmm0, %%zmm8\n"
        "1:\n\t"
        "vminps %%zmm8, %%zmm0, %%zmm0\n\tvminps %%zmm8, %%zmm1, %%zmm1\n\t"
        "vminps %%zmm8, %%zmm2, %%zmm2\n\tvminps %%zmm8, %%zmm3, %%zmm3\n\t"
        "vminps %%zmm8, %%zmm4, %%zmm4\n\tvminps %%zmm8, %%zmm5, %%zmm5\n\t"
        "vminps %%zmm8, %%zmm6, %%zmm6\n\tvminps %%zmm8, %%zmm7, %%zmm7\n\t"
        "dec %0\n\tjnz 1b"
        : "+r"(rounds)
        :
        : "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "cc");
  } else {
    __asm__ volatile(
        "vpxord %%zmm0, %%zmm0, %%zmm0\n\tvmovaps %%zmm0, %%zmm1\n\tvmovaps %%zmm0, %%zmm2\n\t"
        "vmovaps %%zmm0, %%zmm3\n\tvmovaps %%zmm0, %%zmm4\n\tvmovaps %%zmm0, %%zmm5\n\t"
        "vmovaps %%zmm0, %%zmm6\n\tvmovaps %%zmm0, %%zmm7\n\tvmovaps %%zmm0, %%zmm8\n"
        "1:\n\t"
        "vpminsd %%zmm8, %%zmm0, %%zmm0\n\tvpminsd %%zmm8, %%zmm1, %%zmm1\n\t"
        "vpminsd %%zmm8, %%zmm2, %%zmm2\n\tvpminsd %%zmm8, %%zmm3, %%zmm3\n\t"
        "vpminsd %%zmm8, %%zmm4, %%zmm4\n\tvpminsd %%zmm8, %%zmm5, %%zmm5\n\t"
        "vpminsd %%zmm8, %%zmm6, %%zmm6\n\tvpminsd %%zmm8, %%zmm7, %%zmm7\n\t"
        "dec %0\n\tjnz 1b"
        : "+r"(rounds)
        :
        : "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "cc");
  }
  return __rdtsc() - start;
}
#pragma GCC pop_options

/* Whether this core runs 512-bit float min/max clearly faster than int min/max (best of 5
   interleaved timings of 160,000 of each, some 50 microseconds in all): then the float-key build
   is the faster one, the results being the same. */
static int floats_faster(void) {
  unsigned long long ints = ~0ULL, floats = ~0ULL;
  for (int i = 0; i < 5; i++) {
    unsigned long long x = min_ticks(0, 20000), y = min_ticks(1, 20000);
    ints = x < ints ? x : ints;
    floats = y < floats ? y : floats;
  }
  return 5 * floats < 4 * ints;
}

/* Selects the best build for this CPU with at most `most` (2: AVX-512, 1: AVX2) and keys of the
   kind asked (0: the faster here, 1: int, 2: float); returns it (ISA_*). */
JNIEXPORT jint JNICALL Java_io_byzflink_robust_kernel_NativeCoordinateWise_select0(
    JNIEnv *env, jclass cls, jint most, jint keys) {
  (void) env;
  (void) cls;
  __builtin_cpu_init();
  int avx512 = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw")
      && __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl");
  int avx2 = __builtin_cpu_supports("avx2");
  if (avx512 && most >= ISA_AVX512) {
    isa = keys == KEYS_FLOAT || (keys == KEYS_AUTO && floats_faster()) ? ISA_AVX512_FLOAT : ISA_AVX512;
  } else {
    isa = avx2 && most >= ISA_AVX2 ? ISA_AVX2 : ISA_NONE;
  }
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
      result = isa == ISA_AVX512_FLOAT
          ? coordinate_wise_avx512_float(starts, m, len, kind, param, o + outFrom)
          : isa == ISA_AVX512
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
