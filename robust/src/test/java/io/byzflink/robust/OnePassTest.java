package io.byzflink.robust;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link AggregationPlan#aggregateOnePass}: coordinate-wise rules skip phase A's finiteness scan
 * and check finiteness on the way; the result must be bit for bit the three phases' one, and any
 * non-finite value must send the caller back to the three phases.
 */
class OnePassTest {

  private static float[] threePhases(AggregationPlan p, float[][] x) {
    int d = x[0].length;
    Solution s = p.solve(p.partial(x, 0, d, null, 3), null, 3);
    float[] out = new float[d];
    p.combine(s, x, null, out);
    return out;
  }

  @ParameterizedTest
  @ValueSource(strings = {"median", "trimmed-mean", "meamed"})
  void equalsTheThreePhasesBitForBit(String rule) {
    for (int n : new int[] {5, 12, 13, 17, 24, 50, 100}) {
      for (int d : new int[] {8, 37, 600, 2048 + 24}) {
        float[][] x = TestData.outliers(n, n / 5, d, n + d);
        x[0][d / 2] = x[1][d / 2]; // a tie
        AggregationPlan p = AggregationPlan.of(RuleSpec.of(rule), (n - 1) / 4);
        AggregationPlan.Result r = p.aggregateOnePass(x, null, 3);
        assertThat(r).as("%s n=%d d=%d", rule, n, d).isNotNull();
        assertThat(r.vector()).as("%s n=%d d=%d", rule, n, d).isEqualTo(threePhases(p, x));
        assertThat(r.solution().rejectedCount()).isZero();
      }
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 7, 8, 11, 49})
  void anyNonFiniteValueFallsBackToTheThreePhases(int row) {
    int n = 50;
    int d = 2048 + 64;
    for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
      for (int at : new int[] {0, 1500, d - 1}) {
        float[][] x = TestData.random(n, d, row + at);
        x[row][at] = bad;
        AggregationPlan p = AggregationPlan.of(RuleSpec.of("median"), 10);
        assertThat(p.aggregateOnePass(x, null, 0)).as("row %d at %d: %s", row, at, bad).isNull();
        AggregationPlan.Result r = p.aggregateDetailed(x, null, null, 0);
        assertThat(r.solution().rejected()[row]).isTrue();
        assertThat(r.vector()).isEqualTo(threePhases(p, x));
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"mean", "krum", "bulyan", "dnc"})
  void otherRulesDoNotTakeIt(String rule) {
    float[][] x = TestData.random(12, 40, 1);
    assertThat(AggregationPlan.of(RuleSpec.of(rule), 1).aggregateOnePass(x, null, 0)).isNull();
  }
}
