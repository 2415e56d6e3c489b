package io.byzflink.robust.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.byzflink.robust.core.Networks;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The SIMD kernels against the scalar ones (and the scalar ones against plain loops) on random
 * inputs with lengths that exercise every tail. Runs in the default surefire execution, which
 * starts the JVM with the Vector API module.
 */
class KernelsTest {
  static final Random R = new Random(11);

  static float[][] rows(int k, int len) {
    float[][] x = new float[k][len];
    for (float[] r : x) {
      for (int t = 0; t < len; t++) {
        r[t] = (float) R.nextGaussian();
      }
    }
    return x;
  }

  @Test
  void vectorKernelsAreAvailableInTheTestJvm() {
    // The default surefire execution adds the module and sets this property.
    assumeThat(Boolean.getBoolean("byzflink.expectSimd")).isTrue();
    assertThat(Kernels.vectorOrNull()).as("tests run with --add-modules jdk.incubator.vector").isNotNull();
    assertThat(Kernels.get()).isSameAs(Kernels.vectorOrNull());
  }

  static Kernels[] both() {
    Kernels v = Kernels.vectorOrNull();
    return v == null ? new Kernels[] {Kernels.scalar()} : new Kernels[] {Kernels.scalar(), v};
  }

  @Test
  void gramMatchesPlainLoops() {
    for (int k : new int[] {1, 2, 3, 5, 8, 13}) {
      for (int len : new int[] {1, 7, 8, 9, 255, 256, 257, 1000}) {
        float[][] x = rows(k, len + 5);
        double[] want = new double[Kernels.packedSize(k)];
        for (int i = 0; i < k; i++) {
          for (int j = i; j < k; j++) {
            double s = 0;
            for (int t = 3; t < 3 + len; t++) {
              s += (double) x[i][t] * x[j][t];
            }
            want[Kernels.packedIndex(i, j, k)] = s;
          }
        }
        for (Kernels kern : both()) {
          double[] got = new double[want.length];
          kern.gram(x, k, 3, len, got);
          assertThat(got).as(kern.name() + " k=" + k + " len=" + len).containsExactly(want, within(1e-9));
          // partial Gram: diagonal and rows 0 and k-1
          double[] part = new double[want.length];
          int[] which = k > 1 ? new int[] {k - 1, 0} : new int[] {0};
          kern.gramRows(x, k, which, 3, len, part);
          for (int i = 0; i < k; i++) {
            for (int j = i; j < k; j++) {
              boolean needed = i == j || i == 0 || j == k - 1 || i == k - 1 || j == 0;
              int p = Kernels.packedIndex(i, j, k);
              assertThat(part[p]).as(kern.name() + " rows " + i + "," + j)
                  .isCloseTo(needed ? want[p] : 0.0, within(1e-9));
            }
          }
        }
      }
    }
  }

  @Test
  void combineAndFiniteness() {
    for (int len : new int[] {1, 15, 16, 17, 2047, 2048, 2049, 5000}) {
      float[][] x = rows(7, len);
      double[] c = {0.5, 0, -1.25, 3, 0, 1e-3, 2};
      x[1][0] = Float.NaN; // coefficient 0: never read
      float[] want = new float[len];
      for (int t = 0; t < len; t++) {
        double s = 0;
        for (int i = 0; i < 7; i++) {
          if (c[i] != 0) {
            s += c[i] * x[i][t];
          }
        }
        want[t] = (float) s;
      }
      for (Kernels k : both()) {
        float[] out = new float[len];
        k.combine(x, c, 7, 0, len, out, 0);
        for (int t = 0; t < len; t++) {
          assertThat(out[t]).isCloseTo(want[t], within(Math.ulp(want[t]) * 2 + 1e-12f));
        }
        assertThat(k.anyNonFinite(x[1], 0, len)).isTrue();
        assertThat(k.anyNonFinite(x[2], 0, len)).isFalse();
        float keep = x[2][len - 1];
        x[2][len - 1] = Float.POSITIVE_INFINITY;
        assertThat(k.anyNonFinite(x[2], 0, len)).isTrue();
        x[2][len - 1] = keep;
        double sum = 0;
        for (int i = 2; i < 7; i++) {
          for (float v : x[i]) {
            sum += v;
          }
        }
        float[][] tail = java.util.Arrays.copyOfRange(x, 2, 7);
        assertThat(k.sumAll(tail, 5, 0, len)).isCloseTo(sum, within(1e-3));
      }
    }
  }

  @Test
  void coordinateWiseKernelsAgree() {
    Kernels v = Kernels.vectorOrNull();
    assumeThat(v).isNotNull();
    Kernels s = Kernels.scalar();
    int stride = 128;
    for (int m : new int[] {3, 4, 9, 10, 50}) {
      for (int len : new int[] {1, 7, 8, 17, 56, 128}) {
        float[][] x = rows(m, len);
        if (m == 10) {
          for (float[] r : x) {
            for (int t = 0; t < len; t++) {
              r[t] = Math.round(r[t] * 2); // ties
            }
          }
        }
        int[] a = new int[m * stride];
        int[] b = new int[m * stride];
        s.gatherKeys(x, seq(m), null, m, m, 0, len, a, stride);
        v.gatherKeys(x, seq(m), null, m, m, 0, len, b, stride);
        assertThat(b).isEqualTo(a);
        Networks.Network net = Networks.sort(m);
        s.network(a, stride, len, net.lo, net.hi);
        v.network(b, stride, len, net.lo, net.hi);
        assertThat(b).isEqualTo(a);
        float[] o1 = new float[len];
        float[] o2 = new float[len];
        s.sortedMedian(a, stride, m, len, o1, 0);
        v.sortedMedian(a, stride, m, len, o2, 0);
        assertThat(o2).isEqualTo(o1);
        int t = m / 3;
        s.sortedRangeMean(a, stride, len, t, m - 2 * t, o1, 0);
        v.sortedRangeMean(a, stride, len, t, m - 2 * t, o2, 0);
        assertThat(o2).isEqualTo(o1);
        for (int keep : new int[] {m - m / 3, Math.max(1, m / 3)}) {
          s.sortedClosestToMedianMean(a, stride, m, len, keep, o1, 0);
          v.sortedClosestToMedianMean(a, stride, m, len, keep, o2, 0);
          assertThat(o2).as("m=%d keep=%d", m, keep).isEqualTo(o1);
        }
        double[] mix = new double[2 * m];
        for (int q = 0; q < mix.length; q++) {
          mix[q] = q % 3 == 0 ? 0 : R.nextDouble();
        }
        int[] g1 = new int[2 * stride];
        int[] g2 = new int[2 * stride];
        s.gatherKeys(x, null, mix, m, 2, 0, len, g1, stride);
        v.gatherKeys(x, null, mix, m, 2, 0, len, g2, stride);
        for (int q = 0; q < g1.length; q++) {
          float e = Kernels.value(g1[q]);
          assertThat(Kernels.value(g2[q])).isCloseTo(e, within(Math.ulp(e) + 1e-30f));
        }
      }
    }
  }

  /**
   * The fused path of phase C (rows read straight into sorted blocks of 16, blocks of 32 merged
   * in registers, then the rest of the network) against gathering and running the whole network:
   * every output row must be identical (full sorting network, so every position is exact), over
   * several blocks of a chunk, with selected rows in a shuffled order.
   */
  @Test
  void fusedBlockSortAndMergeGiveTheSameSort() {
    Kernels v = Kernels.vectorOrNull();
    assumeThat(v).isNotNull();
    int sub = 64;
    for (int m : new int[] {12, 16, 17, 19, 22, 23, 31, 32, 35, 38, 50, 64, 100, 130}) {
      int len = 3 * sub;
      float[][] x = rows(m + 3, 2 * len + 8);
      for (int t = 0; t < len; t += 5) {
        x[m / 2][t] = x[1][t]; // some ties
        x[m - 1][t + 3] = -0f;
        x[0][t + 3] = 0f;
      }
      int[] sel = new int[m];
      for (int r = 0; r < m; r++) {
        sel[r] = (r * 7 + 3) % (m + 3);
      }
      java.util.Set<Integer> seen = new java.util.HashSet<>();
      for (int r = 0; r < m; r++) {
        while (!seen.add(sel[r])) {
          sel[r] = (sel[r] + 1) % (m + 3);
        }
      }
      Networks.Network net = Networks.sort(m);
      int mp = net.paddedRows;
      int[][] a = new int[3][m * sub];
      int[][] b = new int[3][mp * sub];
      v.gatherKeysBlocked(x, sel, m, 8, len, a, sub);
      assertThat(v.gatherSortBlocks16(x, sel, m, 8, len, b, sub, mp, null, false)).isTrue();
      for (int chunk = 0; chunk < 2; chunk++) {
        for (int j = 0; j < 3; j++) {
          v.network(a[j], sub, sub, net.lo, net.hi);
          assertThat(v.mergeBlocks32(b[j], sub, sub, mp / 32)).isTrue();
          if (net.sort64) {
            v.network(b[j], sub, sub, net.merge64Lo, net.merge64Hi);
            assertThat(v.cleanBlocks16(b[j], sub, sub, mp / 16)).isTrue();
          }
          v.network(b[j], sub, sub, net.restLoBlocked, net.restHiBlocked);
          assertThat(java.util.Arrays.copyOf(b[j], m * sub)).as("m=%d chunk %d block %d", m, chunk, j).isEqualTo(a[j]);
          for (int q = m * sub; q < mp * sub; q++) {
            assertThat(b[j][q]).isEqualTo(Integer.MAX_VALUE);
          }
        }
        // The next chunk (other columns) on the same blocks, their padding left in place.
        v.gatherKeysBlocked(x, sel, m, 8 + len / 2, len, a, sub);
        assertThat(v.gatherSortBlocks16(x, sel, m, 8 + len / 2, len, b, sub, mp, null, true)).isTrue();
      }
      // The scalar default of the blocked gather matches the vector one.
      int[][] c = new int[3][m * sub];
      Kernels.scalar().gatherKeysBlocked(x, sel, m, 8, len, c, sub);
      int[][] a2 = new int[3][m * sub];
      v.gatherKeysBlocked(x, sel, m, 8, len, a2, sub);
      for (int j = 0; j < 3; j++) {
        assertThat(c[j]).isEqualTo(a2[j]);
      }
    }
  }

  /**
   * The fused gather's finiteness check: silent on finite inputs (ties, -0.0, Float.MAX_VALUE
   * included), and a NaN or an infinity is flagged wherever it sits, in a full group of 8 (seen on
   * the sort's end wires) or in a group holding padding (scanned).
   */
  @Test
  void fusedGatherFlagsNonFiniteValues() {
    Kernels v = Kernels.vectorOrNull();
    assumeThat(v).isNotNull();
    int sub = 64;
    int len = 2 * sub;
    for (int m : new int[] {12, 16, 19, 24, 50, 100}) {
      int mp = Networks.sort(m).paddedRows;
      float[][] x = rows(m, len);
      x[0][5] = Float.MAX_VALUE;
      x[m - 1][6] = -Float.MAX_VALUE;
      x[1][7] = -0f;
      boolean[] flag = new boolean[1];
      assertThat(v.gatherSortBlocks16(x, seq(m), m, 0, len, new int[2][mp * sub], sub, mp, flag, false)).isTrue();
      assertThat(flag[0]).as("m=%d finite", m).isFalse();
      for (int row : new int[] {0, m - 1}) {
        for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY,
            Float.intBitsToFloat(0xFFC00001)}) {
          float[][] y = rows(m, len);
          y[row][len - 3] = bad;
          boolean[] f = new boolean[1];
          v.gatherSortBlocks16(y, seq(m), m, 0, len, new int[2][mp * sub], sub, mp, f, false);
          assertThat(f[0]).as("m=%d row %d value %s", m, row, bad).isTrue();
        }
      }
    }
  }

  static int[] seq(int m) {
    int[] a = new int[m];
    for (int i = 0; i < m; i++) {
      a[i] = i;
    }
    return a;
  }
}
