package io.byzflink.decentralized;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class ConsensusDistanceTest {
  @Test
  void handWorkedValue() {
    // x = (0,0), (2,0), (1,3): mean (1,1); squared distances 2, 2, 4; mean 8/3.
    float[][] models = {{0, 0}, {2, 0}, {1, 3}};
    assertThat(ConsensusDistance.of(models)).isCloseTo(8 / 3.0, within(1e-15));
    ConsensusDistance c = new ConsensusDistance();
    for (float[] x : models) {
      c.add(x);
    }
    assertThat(c.count()).isEqualTo(3);
    assertThat(c.value()).isCloseTo(8 / 3.0, within(1e-15));
  }

  @Test
  void streamingMatchesTwoPassOnRandomData() {
    Random random = new Random(3);
    for (int trial = 0; trial < 5; trial++) {
      int m = 2 + random.nextInt(20);
      int d = 1 + random.nextInt(5000);
      float[][] models = new float[m][d];
      for (float[] x : models) {
        for (int j = 0; j < d; j++) {
          x[j] = (float) (random.nextGaussian() * 3 + 1);
        }
      }
      ConsensusDistance c = new ConsensusDistance();
      for (float[] x : models) {
        c.add(x);
      }
      double reference = ConsensusDistance.of(models);
      assertThat(c.value()).isCloseTo(reference, within(1e-12 * reference));
    }
  }

  @Test
  void nearlyEqualModelsLoseNoDigits() {
    // 10 models of d = 1000 around 100, differing by float-exact noise of about 1e-6 relative
    // (multiples of the float ulp at 100, 7.6e-6). The textbook sum x^2 / m - mean^2 cancels
    // 1e4 against a result of ~1e-10 per coordinate; Welford does not.
    Random random = new Random(9);
    int m = 10;
    int d = 1000;
    float ulp = Math.ulp(100f);
    float[][] models = new float[m][d];
    for (float[] x : models) {
      for (int j = 0; j < d; j++) {
        x[j] = 100f + ulp * (random.nextInt(9) - 4);
      }
    }
    double reference = ConsensusDistance.of(models);
    assertThat(reference).isGreaterThan(0).isLessThan(1e-6);
    ConsensusDistance c = new ConsensusDistance();
    for (float[] x : models) {
      c.add(x);
    }
    assertThat(c.value()).isCloseTo(reference, within(1e-9 * reference));

    // Equal models: exactly 0, not rounding noise.
    ConsensusDistance same = new ConsensusDistance();
    for (int i = 0; i < 7; i++) {
      same.add(models[0]);
    }
    assertThat(same.value()).isZero();
  }

  @Test
  void resetStartsANewRound() {
    ConsensusDistance c = new ConsensusDistance();
    c.add(new float[] {0});
    c.add(new float[] {2});
    assertThat(c.value()).isEqualTo(1);
    c.reset();
    assertThat(c.count()).isZero();
    assertThat(c.value()).isNaN();
    c.add(new float[] {5});
    assertThat(c.value()).isZero();
    c.add(new float[] {7});
    assertThat(c.value()).isEqualTo(1);
  }

  @Test
  void rejectsModelsOfAnotherLength() {
    ConsensusDistance c = new ConsensusDistance();
    c.add(new float[3]);
    assertThatThrownBy(() -> c.add(new float[4]))
        .hasMessage("model has 4 values, earlier models of this round have 3");
    assertThat(ConsensusDistance.of(new float[0][])).isNaN();
  }
}
