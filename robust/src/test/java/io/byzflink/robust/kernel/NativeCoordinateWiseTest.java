package io.byzflink.robust.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The native coordinate-wise kernel against a plainly written reference (sort each column with
 * {@link Arrays#sort(float[])}, then the rule's formula with the same double additions in the same
 * order): bit for bit, for every row count it takes, on random, tied and extreme inputs. Runs in
 * the default surefire run (the CPU's best build), again with the AVX-512 build's int keys and its
 * float keys forced, and again capped at AVX2.
 */
class NativeCoordinateWiseTest {

  @Test
  void loadedWithTheBestInstructionSetOfTheCpu() throws IOException {
    boolean linuxX64 = System.getProperty("os.name").toLowerCase(Locale.ROOT).startsWith("linux")
        && System.getProperty("os.arch").equals("amd64");
    List<String> flags = linuxX64 ? cpuFlags() : List.of();
    boolean avx512 = flags.containsAll(List.of("avx512f", "avx512bw", "avx512dq", "avx512vl"))
        && !"avx2".equals(System.getProperty("byzflink.native.isa"));
    boolean avx2 = flags.contains("avx2");
    boolean wanted = !"false".equals(System.getProperty("byzflink.native"));
    String expected = !wanted || !avx2 ? "java kernels (" : avx512 ? "native avx-512" : "native avx2";
    assertThat(NativeCoordinateWise.status()).startsWith(expected);
    String keys = System.getProperty(NativeCoordinateWise.KEYS_PROPERTY, "auto");
    if (expected.equals("native avx-512")) {
      assertThat(NativeCoordinateWise.status()).matches(keys.equals("auto")
          ? "native avx-512 \\((int|float) keys, faster here\\)" : "native avx-512 \\(" + keys + " keys\\)");
    }
    assertThat(NativeCoordinateWise.available()).isEqualTo(!expected.startsWith("java"));
    if (!NativeCoordinateWise.available()) {
      assertThat(NativeCoordinateWise.aggregate(new float[][] {{1f}}, new int[] {0}, 1, 0, 1,
          NativeCoordinateWise.MEDIAN, 0, new float[1], 0)).isEqualTo(-1);
    }
  }

  @Test
  void everyRowCountAndRuleIsExact() {
    assumeTrue(NativeCoordinateWise.available(), NativeCoordinateWise.status());
    Random rnd = new Random(5);
    for (int m = 1; m <= NativeCoordinateWise.MAX_ROWS; m++) {
      int len = 1 + rnd.nextInt(70); // whole blocks of 16 and a partial one
      for (int kind = 0; kind < 3; kind++) {
        float[][] x = inputs(rnd, m + 2, len, kind);
        int[] sel = shuffledSelection(rnd, m + 2, m);
        int f = rnd.nextInt((m + 1) / 2); // 2f < m
        check(x, sel, m, len, NativeCoordinateWise.MEDIAN, 0);
        check(x, sel, m, len, NativeCoordinateWise.TRIMMED_MEAN, f);
        check(x, sel, m, len, NativeCoordinateWise.CLOSEST_TO_MEDIAN_MEAN, m - f);
        check(x, sel, m, len, NativeCoordinateWise.CLOSEST_TO_MEDIAN_MEAN, 1 + rnd.nextInt(m)); // Bulyan keeps fewer than half
      }
    }
  }

  /**
   * Float keys order -0.0 and 0.0 as equal, int keys put -0.0 first: the sums cannot tell, but a
   * median whose two middle values are zeros of either sign takes the sign the int order gives.
   */
  @Test
  void mediansOfSignedZerosTakeTheSignOfTheIntOrder() {
    assumeTrue(NativeCoordinateWise.available(), NativeCoordinateWise.status());
    Random rnd = new Random(21);
    for (int m : new int[] {2, 5, 8, 9, 17, 31, 50, 64, 100, 128}) {
      for (double zeros : new double[] {0.3, 0.7, 0.98}) {
        int len = 200;
        float[][] x = new float[m][len];
        for (float[] row : x) {
          for (int t = 0; t < len; t++) {
            row[t] = rnd.nextDouble() < zeros ? (rnd.nextBoolean() ? -0.0f : 0.0f) : (float) rnd.nextGaussian();
          }
        }
        int[] sel = shuffledSelection(rnd, m, m);
        float[] out = new float[len];
        assertThat(NativeCoordinateWise.aggregate(x, sel, m, 0, len, NativeCoordinateWise.MEDIAN, 0, out, 0)).isEqualTo(1);
        float[] want = reference(x, sel, m, 0, len, NativeCoordinateWise.MEDIAN, 0);
        assertThat(bits(out)).as("m=%d zeros %.2f", m, zeros).isEqualTo(bits(want));
        check(x, sel, m, len, NativeCoordinateWise.TRIMMED_MEAN, (m - 1) / 4);
        check(x, sel, m, len, NativeCoordinateWise.CLOSEST_TO_MEDIAN_MEAN, m - (m - 1) / 4);
      }
    }
  }

  @Test
  void anUnknownKeysValueIsRefusedNamingTheAllowedOnes() {
    assertThat(NativeCoordinateWise.keyCode("auto")).isZero();
    assertThat(NativeCoordinateWise.keyCode(" Float ")).isEqualTo(2);
    assertThatThrownBy(() -> NativeCoordinateWise.keyCode("double"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("byzflink.native.keys=double is not one of: auto, int, float");
  }

  @Test
  void longRowsAreCutIntoSegmentsAtAnyOffsetAndAlignment() {
    assumeTrue(NativeCoordinateWise.available(), NativeCoordinateWise.status());
    Random rnd = new Random(9);
    int len = 2 * NativeCoordinateWise.SEGMENT + 37;
    for (int m : new int[] {3, 50, 100}) {
      float[][] x = new float[m][];
      for (int i = 0; i < m; i++) {
        x[i] = new float[len + 5 + rnd.nextInt(40)]; // rows of different lengths: different skews
        for (int t = 0; t < x[i].length; t++) {
          x[i][t] = (float) rnd.nextGaussian() + (i < m / 5 ? 30f : 0f);
        }
      }
      int[] sel = shuffledSelection(rnd, m, m);
      int from = 3;
      float[] out = new float[len + 11];
      assertThat(NativeCoordinateWise.aggregate(x, sel, m, from, len, NativeCoordinateWise.CLOSEST_TO_MEDIAN_MEAN,
          m - m / 5, out, 7)).isEqualTo(1);
      float[] want = reference(x, sel, m, from, len, NativeCoordinateWise.CLOSEST_TO_MEDIAN_MEAN, m - m / 5);
      assertThat(bits(Arrays.copyOfRange(out, 7, 7 + len))).isEqualTo(bits(want));
      assertThat(out[6]).isZero();
      assertThat(out[7 + len]).isZero();
    }
  }

  /**
   * Rows whose blocks all start on a cache line, and rows that do not (first_step then aligns
   * the blocks for the most rows and the others load across lines). A float[1004] object takes
   * 4032 bytes (63 lines), so rows allocated one after another in a thread's allocation buffer
   * share their offset within a line; float[1005] rows shift by 16 bytes each.
   */
  @Test
  void rowsThatShareTheirAlignmentAndRowsThatDoNotAreExact() {
    assumeTrue(NativeCoordinateWise.available(), NativeCoordinateWise.status());
    Random rnd = new Random(12);
    for (int length : new int[] {1004, 1005}) {
      for (int m : new int[] {2, 20, 64, 100}) {
        float[][] x = new float[m][];
        for (int i = 0; i < m; i++) {
          x[i] = new float[length];
        }
        for (float[] row : x) {
          for (int t = 0; t < length; t++) {
            row[t] = (float) rnd.nextGaussian();
          }
        }
        int[] sel = shuffledSelection(rnd, m, m);
        check(x, sel, m, length, NativeCoordinateWise.MEDIAN, 0);
        check(x, sel, m, length, NativeCoordinateWise.TRIMMED_MEAN, m / 5);
        check(x, sel, m, length, NativeCoordinateWise.CLOSEST_TO_MEDIAN_MEAN, m - m / 5);
      }
    }
  }

  @Test
  void aNonFiniteValueAnywhereIsReported() {
    assumeTrue(NativeCoordinateWise.available(), NativeCoordinateWise.status());
    Random rnd = new Random(3);
    float[] bad = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.intBitsToFloat(0x7fc00001)};
    for (int trial = 0; trial < 60; trial++) {
      int m = 1 + rnd.nextInt(NativeCoordinateWise.MAX_ROWS);
      int len = 1 + rnd.nextInt(100);
      float[][] x = inputs(rnd, m, len, 0);
      x[rnd.nextInt(m)][rnd.nextInt(len)] = bad[trial % bad.length];
      int[] sel = shuffledSelection(rnd, m, m);
      for (int rule = 0; rule < 3; rule++) {
        int param = rule == NativeCoordinateWise.CLOSEST_TO_MEDIAN_MEAN ? m : 0;
        assertThat(NativeCoordinateWise.aggregate(x, sel, m, 0, len, rule, param, new float[len], 0))
            .as("m=%d len=%d rule %d", m, len, rule).isZero();
      }
    }
  }

  @Test
  void callsOutsideItsReachAreLeftToTheJavaKernels() {
    assumeTrue(NativeCoordinateWise.available(), NativeCoordinateWise.status());
    float[][] x = inputs(new Random(1), 129, 20, 0);
    int[] all = shuffledSelection(new Random(2), 129, 129);
    float[] out = new float[20];
    assertThat(NativeCoordinateWise.aggregate(x, all, 129, 0, 20, NativeCoordinateWise.MEDIAN, 0, out, 0)).isEqualTo(-1);
    assertThat(NativeCoordinateWise.aggregate(x, all, 10, 0, 20, NativeCoordinateWise.TRIMMED_MEAN, 5, out, 0)).isEqualTo(-1);
    assertThat(NativeCoordinateWise.aggregate(x, all, 10, 0, 20, NativeCoordinateWise.CLOSEST_TO_MEDIAN_MEAN, 0, out, 0)).isEqualTo(-1);
    assertThat(NativeCoordinateWise.aggregate(x, all, 10, 0, 20, NativeCoordinateWise.CLOSEST_TO_MEDIAN_MEAN, 11, out, 0)).isEqualTo(-1);
    assertThat(out).containsOnly(0f);
    assertThatThrownBy(() -> NativeCoordinateWise.aggregate(x, all, 10, 5, 16, NativeCoordinateWise.MEDIAN, 0, out, 0))
        .isInstanceOf(IndexOutOfBoundsException.class).hasMessageContaining("range ends at 21");
    assertThatThrownBy(() -> NativeCoordinateWise.aggregate(x, all, 10, 0, 20, NativeCoordinateWise.MEDIAN, 0, out, 1))
        .isInstanceOf(IndexOutOfBoundsException.class);
  }

  private static void check(float[][] x, int[] sel, int m, int len, int rule, int param) {
    float[] out = new float[len];
    assertThat(NativeCoordinateWise.aggregate(x, sel, m, 0, len, rule, param, out, 0))
        .as("m=%d rule %d", m, rule).isEqualTo(1);
    assertThat(bits(out)).as("m=%d len=%d rule %d param %d", m, len, rule, param)
        .isEqualTo(bits(reference(x, sel, m, 0, len, rule, param)));
  }

  /** The plain reference: each column sorted, then the rule as Kernels documents it. */
  static float[] reference(float[][] x, int[] sel, int m, int from, int len, int rule, int param) {
    float[] out = new float[len];
    float[] col = new float[m];
    for (int t = 0; t < len; t++) {
      for (int i = 0; i < m; i++) {
        col[i] = x[sel[i]][from + t];
      }
      Arrays.sort(col); // -0.0 before 0.0, as the int keys order them
      double med = ((double) col[(m - 1) / 2] + col[m / 2]) * 0.5;
      if (rule == NativeCoordinateWise.MEDIAN) {
        out[t] = (float) med;
      } else if (rule == NativeCoordinateWise.TRIMMED_MEAN) {
        double sum = 0;
        for (int r = param; r < m - param; r++) {
          sum += col[r];
        }
        out[t] = (float) (sum * (1.0 / (m - 2 * param)));
      } else {
        int keep = param;
        int drop = m - keep;
        int lo = 0; // window [lo, lo + keep): the leftmost of the closest to med
        for (int j = 0; j < drop; j++) {
          if (Math.abs(col[j] - med) > Math.abs(col[j + keep] - med)) {
            lo = j + 1;
          }
        }
        double sum = 0;
        if (keep >= drop) { // the kernels' order: rows [drop, keep), then the chosen end rows
          for (int r = drop; r < keep; r++) {
            sum += col[r];
          }
          for (int j = 0; j < drop; j++) {
            sum += lo <= j ? col[j] : col[j + keep];
          }
        } else { // the window in row order
          for (int r = lo; r < lo + keep; r++) {
            sum += col[r];
          }
        }
        out[t] = (float) (sum * (1.0 / keep));
      }
    }
    return out;
  }

  /** kind 0: Gaussian with a shifted group; 1: heavy ties and signed zeros; 2: extremes. */
  private static float[][] inputs(Random rnd, int n, int len, int kind) {
    float[] ties = {-0.0f, 0.0f, 1f, -1f, 2.5f};
    float[] extremes = {Float.MAX_VALUE, -Float.MAX_VALUE, Float.MIN_VALUE, -Float.MIN_VALUE, 1e-38f, -0.0f, 3e38f, 7f};
    float[][] x = new float[n][len];
    for (int i = 0; i < n; i++) {
      for (int t = 0; t < len; t++) {
        x[i][t] = kind == 0 ? (float) rnd.nextGaussian() + (i % 7 == 0 ? 100f : 0f)
            : kind == 1 ? ties[rnd.nextInt(ties.length)]
            : extremes[rnd.nextInt(extremes.length)] * (rnd.nextBoolean() ? 1 : 0.5f);
      }
    }
    return x;
  }

  private static int[] shuffledSelection(Random rnd, int n, int m) {
    int[] all = new int[n];
    for (int i = 0; i < n; i++) {
      all[i] = i;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = rnd.nextInt(i + 1);
      int s = all[i];
      all[i] = all[j];
      all[j] = s;
    }
    return Arrays.copyOf(all, m);
  }

  private static int[] bits(float[] v) {
    int[] b = new int[v.length];
    for (int i = 0; i < v.length; i++) {
      b[i] = Float.floatToRawIntBits(v[i]);
    }
    return b;
  }

  private static List<String> cpuFlags() throws IOException {
    Path info = Path.of("/proc/cpuinfo");
    if (!Files.isReadable(info)) {
      return List.of();
    }
    return Files.readAllLines(info).stream().filter(l -> l.startsWith("flags")).findFirst()
        .map(l -> Arrays.asList(l.substring(l.indexOf(':') + 1).trim().split("\\s+")))
        .orElse(List.of());
  }
}
