package io.byzflink.robust.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.byzflink.robust.core.Networks;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SlowKernelWatchTest {

  @Test
  void slowMeansAboveTheRatioOfReads() {
    assertThat(SlowKernelWatch.isSlow(26 * 2.0 * 1000, 2.0, 1000)).isTrue();
    assertThat(SlowKernelWatch.isSlow(24 * 2.0 * 1000, 2.0, 1000)).isFalse();
  }

  @Test
  void recompileRequestsAreBoundedAndTheKernelsStillSortTheSame() {
    Kernels v = Kernels.vectorOrNull();
    assumeThat(v).isNotNull();
    int m = 50;
    int sub = 64;
    int len = 4 * sub;
    float[][] x = new float[m][len];
    Random r = new Random(5);
    for (float[] row : x) {
      for (int t = 0; t < len; t++) {
        row[t] = (float) r.nextGaussian();
      }
    }
    int[] sel = new int[m];
    for (int i = 0; i < m; i++) {
      sel[i] = i;
    }
    int mp = Networks.sort(m).paddedRows;
    int[][] before = new int[4][mp * sub];
    v.gatherSortBlocks16(x, sel, m, 0, len, before, sub, mp, null);
    int granted = 0;
    for (int i = 0; i < 5; i++) {
      granted += v.requestRecompile() ? 1 : 0;
      int[][] after = new int[4][mp * sub];
      v.gatherSortBlocks16(x, sel, m, 0, len, after, sub, mp, null); // takes the new branch
      assertThat(after).isEqualTo(before);
    }
    assertThat(granted).isLessThanOrEqualTo(3);
    assertThat(v.requestRecompile()).isFalse();
    assertThat(Kernels.scalar().requestRecompile()).isFalse();
  }
}
