package io.byzflink.decentralized;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class LabelDivergenceTest {
  @Test
  void isTheL1DistanceOfNormalisedHistograms() {
    // p_i = [0.5, 0.5, 0], p_s = [0.25, 0.25, 0.5]: |0.25| + |0.25| + |0.5| = 1.
    assertThat(LabelDivergence.between(new long[] {10, 10, 0}, new long[] {1, 1, 2}))
        .isCloseTo(1.0, within(1e-15));
    // Same mix at different sizes: 0.
    assertThat(LabelDivergence.between(new long[] {3, 1}, new long[] {300, 100})).isZero();
    // Disjoint classes: 2.
    assertThat(LabelDivergence.between(new long[] {5, 0}, new long[] {0, 7})).isEqualTo(2.0);
    // p_i = [0.7, 0.2, 0.1], p_s = [0.1, 0.2, 0.7]: 0.6 + 0 + 0.6.
    assertThat(LabelDivergence.between(new long[] {7, 2, 1}, new long[] {1, 2, 7}))
        .isCloseTo(1.2, within(1e-15));
  }

  @Test
  void isSymmetric() {
    long[] a = {4, 9, 1, 0, 6};
    long[] b = {2, 2, 8, 3, 0};
    assertThat(LabelDivergence.between(a, b)).isEqualTo(LabelDivergence.between(b, a));
  }

  @Test
  void emptyHistogramsFollowTheZeroVectorConvention() {
    assertThat(LabelDivergence.between(new long[] {0, 0}, new long[] {0, 0})).isZero();
    assertThat(LabelDivergence.between(new long[] {0, 0}, new long[] {1, 3})).isEqualTo(1.0);
  }

  @Test
  void rejectsMismatchedOrNegativeCounts() {
    assertThatThrownBy(() -> LabelDivergence.between(new long[2], new long[3]))
        .hasMessage("label histograms have different numbers of classes: 2 and 3");
    assertThatThrownBy(() -> LabelDivergence.between(new long[] {1, -1}, new long[2]))
        .hasMessage("label count of class 1 is negative: -1");
  }
}
