package io.byzflink.decentralized;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class NetMaxPeerChooserTest {
  private static final int DRAWS = 10_000;

  @Test
  void choosesPeersInProportionToLinkSpeed() {
    double[] speeds = {1, 2, 3, 4};
    int[] counts = new int[4];
    SplittableRandom random = new SplittableRandom(2021);
    for (int i = 0; i < DRAWS; i++) {
      counts[NetMaxPeerChooser.choose(speeds, random)]++;
    }
    // Expected shares 0.1, 0.2, 0.3, 0.4; the standard error of a share is at most 0.005, so 0.02
    // is 4 sigma. Seeded, hence deterministic.
    for (int s = 0; s < 4; s++) {
      assertThat(counts[s] / (double) DRAWS).as("share of peer %d", s)
          .isCloseTo(speeds[s] / 10, within(0.02));
    }
  }

  @Test
  void perRoundDrawsAreProportionalAndReproducible() {
    double[] speeds = {5, 0, 15};
    int[] counts = new int[3];
    int[] first = new int[DRAWS];
    for (int round = 0; round < DRAWS; round++) {
      first[round] = NetMaxPeerChooser.choose(speeds, 7L, 3, round);
      counts[first[round]]++;
    }
    assertThat(counts[1]).isZero();
    assertThat(counts[0] / (double) DRAWS).isCloseTo(0.25, within(0.02));
    assertThat(counts[2] / (double) DRAWS).isCloseTo(0.75, within(0.02));
    for (int round = 0; round < DRAWS; round++) {
      assertThat(NetMaxPeerChooser.choose(speeds, 7L, 3, round)).isEqualTo(first[round]);
    }
    // Another node or seed draws a different sequence.
    int sameAsOtherNode = 0;
    int sameAsOtherSeed = 0;
    for (int round = 0; round < DRAWS; round++) {
      sameAsOtherNode += NetMaxPeerChooser.choose(speeds, 7L, 4, round) == first[round] ? 1 : 0;
      sameAsOtherSeed += NetMaxPeerChooser.choose(speeds, 8L, 3, round) == first[round] ? 1 : 0;
    }
    // Independent draws agree with probability 0.25^2 + 0.75^2 = 0.625.
    assertThat(sameAsOtherNode / (double) DRAWS).isCloseTo(0.625, within(0.03));
    assertThat(sameAsOtherSeed / (double) DRAWS).isCloseTo(0.625, within(0.03));
  }

  @Test
  void sameSeededGeneratorGivesTheSameSequence() {
    double[] speeds = {0.3, 1.7, 0.9};
    SplittableRandom a = new SplittableRandom(11);
    SplittableRandom b = new SplittableRandom(11);
    for (int i = 0; i < 1000; i++) {
      assertThat(NetMaxPeerChooser.choose(speeds, a)).isEqualTo(NetMaxPeerChooser.choose(speeds, b));
    }
  }

  @Test
  void allZeroSpeedsChooseUniformly() {
    int[] counts = new int[2];
    SplittableRandom random = new SplittableRandom(5);
    for (int i = 0; i < DRAWS; i++) {
      counts[NetMaxPeerChooser.choose(new double[] {0, 0}, random)]++;
    }
    assertThat(counts[0] / (double) DRAWS).isCloseTo(0.5, within(0.02));
  }

  @Test
  void rejectsBadSpeeds() {
    SplittableRandom random = new SplittableRandom(1);
    assertThatThrownBy(() -> NetMaxPeerChooser.choose(new double[0], random))
        .hasMessage("NetMax needs at least one peer");
    assertThatThrownBy(() -> NetMaxPeerChooser.choose(new double[] {1, -2}, random))
        .hasMessage("link speed of peer 1 must be finite and >= 0, got -2.0");
    assertThatThrownBy(() -> NetMaxPeerChooser.choose(new double[] {Double.NaN}, random))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
