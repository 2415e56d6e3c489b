package io.byzflink.robust.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SlowKernelWatchTest {
  private final int m = 64;
  private final int len = (int) (SlowKernelWatch.MIN_VALUES / m);
  private final float[][] rows = rows();
  private final int[] sel = sel();

  @AfterEach
  void forget() {
    SlowKernelWatch.reset();
  }

  /**
   * Sort times given as multiples of a real read of the same rows, timed here (the best of many,
   * so the JIT has compiled the read loop as it has when the watch times it).
   */
  private long reads(double times) {
    double best = Double.MAX_VALUE;
    for (int i = 0; i < 60; i++) {
      long t0 = System.nanoTime();
      Kernels.get().sumAll(rows, m, 0, len);
      best = Math.min(best, System.nanoTime() - t0);
    }
    return (long) (times * best);
  }

  @Test
  void warnsOnceAfterTwoCallsFarSlowerThanARead() {
    Kernels k = Kernels.get();
    long healthy = reads(2);
    long bad = reads(1000); // far above the ratio even if the machine's reads jitter
    for (int i = 0; i < 6; i++) {
      assertThat(SlowKernelWatch.observe(k, rows, sel, m, len, healthy)).isFalse();
    }
    assertThat(SlowKernelWatch.observe(k, rows, sel, m, len, bad)).isFalse(); // one is noise
    assertThat(SlowKernelWatch.observe(k, rows, sel, m, len, bad)).isTrue();
    assertThat(SlowKernelWatch.observe(k, rows, sel, m, len, bad)).isFalse(); // once per JVM
  }

  @Test
  void smallCallsAreNotJudged() {
    for (int i = 0; i < 10; i++) {
      assertThat(SlowKernelWatch.observe(Kernels.get(), rows, sel, m, 1000, Long.MAX_VALUE / 4)).isFalse();
    }
  }

  private float[][] rows() {
    float[][] x = new float[m][len];
    for (float[] row : x) {
      Arrays.fill(row, 1f);
    }
    return x;
  }

  private int[] sel() {
    int[] s = new int[m];
    for (int i = 0; i < m; i++) {
      s[i] = i;
    }
    return s;
  }
}
