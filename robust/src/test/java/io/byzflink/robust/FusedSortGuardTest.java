package io.byzflink.robust;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.byzflink.robust.kernel.FusedSortGuard;
import io.byzflink.robust.kernel.NativeCoordinateWise;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link FusedSortGuard}: when trials come, what switches the JVM to the unfused path, and that
 * both paths give the reference aggregate (the trials compare them on every call here). Runs
 * with the native kernel off (the guard is about the Java kernels; see the robust pom).
 */
class FusedSortGuardTest {

  @AfterEach
  void freshJvmAgain() {
    FusedSortGuard.reset(FusedSortGuard.FIRST_TRIAL_VALUES);
  }

  @Test
  void trialsComeAfterTheFirstValuesThenAtDoublingCounts() {
    FusedSortGuard.reset(100);
    assertThat(FusedSortGuard.trialDue(60)).isFalse();
    assertThat(FusedSortGuard.trialDue(60)).isTrue(); // 120 sorted
    assertThat(FusedSortGuard.trial(10, 16, true)).isFalse(); // fused faster: next after 240
    assertThat(FusedSortGuard.trialDue(100)).isFalse();
    assertThat(FusedSortGuard.trialDue(20)).isTrue();
    assertThat(FusedSortGuard.trials()).isEqualTo(1);
    assertThat(FusedSortGuard.fusedAllowed()).isTrue();
  }

  @Test
  void twoSlowTrialsInARowSwitchToTheUnfusedPath() {
    FusedSortGuard.reset(100);
    assertThat(FusedSortGuard.trialDue(100)).isTrue();
    assertThat(FusedSortGuard.trial(19, 10, true)).as("within twice the unfused time: not slow").isFalse();
    assertThat(FusedSortGuard.trialDue(100)).isTrue(); // 200 sorted
    assertThat(FusedSortGuard.trial(90, 10, true)).as("one slow trial can be noise").isFalse();
    assertThat(FusedSortGuard.trialDue(49)).isFalse();
    assertThat(FusedSortGuard.trialDue(1)).as("so the next comes after half the first span").isTrue();
    assertThat(FusedSortGuard.trial(10, 16, true)).isFalse(); // it was noise
    assertThat(FusedSortGuard.trialDue(200)).isFalse(); // 450
    assertThat(FusedSortGuard.trialDue(50)).isTrue(); // 500: twice the 250 of the last trial
    assertThat(FusedSortGuard.trial(90, 10, true)).isFalse();
    assertThat(FusedSortGuard.trialDue(50)).isTrue();
    assertThat(FusedSortGuard.trial(90, 10, true)).isTrue();
    assertThat(FusedSortGuard.fusedAllowed()).isFalse();
    assertThat(FusedSortGuard.trialDue(1 << 30)).as("no more trials").isFalse();
    assertThat(FusedSortGuard.trial(90, 10, true)).isFalse();
    assertThat(FusedSortGuard.trials()).isEqualTo(5);
  }

  @Test
  void resultsThatDisagreeSwitchAtOnce() {
    FusedSortGuard.reset(0);
    assertThat(FusedSortGuard.trialDue(1)).isTrue();
    assertThat(FusedSortGuard.trial(1, 100, false)).isTrue();
    assertThat(FusedSortGuard.fusedAllowed()).isFalse();
    assertThat(FusedSortGuard.disagreements()).isEqualTo(1);
  }

  /** Every call a trial: both paths run on each input and must agree bit for bit, and equal the reference. */
  @Test
  void bothPathsGiveTheReferenceAggregate() {
    assertThat(NativeCoordinateWise.available())
        .as("the guard watches the Java kernels: run with -Dbyzflink.native=false (surefire's java-kernels run)")
        .isFalse();
    FusedSortGuard.reset(0);
    int calls = 0;
    for (String rule : new String[] {"median", "trimmed-mean", "meamed"}) {
      for (int n : new int[] {12, 50, 100}) {
        int d = 2048 + 24;
        float[][] x = TestData.outliers(n, n / 5, d, 7L * n);
        x[0][5] = x[1][5]; // a tie
        int f = (n - 1) / 4;
        AggregationPlan p = AggregationPlan.of(RuleSpec.of(rule), f);
        float[] got = p.aggregate(x, null, null, 3);
        calls++;
        double[] want = reference(rule, Reference.toDouble(x), f);
        for (int j = 0; j < d; j++) {
          assertThat((double) got[j]).as("%s n=%d coordinate %d", rule, n, j).isCloseTo(want[j], within(1e-5 * Math.max(1, Math.abs(want[j]))));
        }
      }
    }
    assertThat(FusedSortGuard.trials()).as("while the fused path is allowed, every call is a trial")
        .isBetween(Math.min(calls, 2), calls);
    assertThat(FusedSortGuard.disagreements()).isZero();

    // Forced onto the unfused path (as after two slow trials): the same aggregates.
    FusedSortGuard.reset(0);
    FusedSortGuard.trialDue(1);
    FusedSortGuard.trial(3, 1, true);
    FusedSortGuard.trialDue(1);
    assertThat(FusedSortGuard.trial(3, 1, true)).isTrue();
    float[][] x = TestData.outliers(50, 10, 4096, 11);
    float[] unfused = AggregationPlan.of(RuleSpec.of("median"), 10).aggregate(x, null, null, 3);
    FusedSortGuard.reset(Long.MAX_VALUE);
    float[] fused = AggregationPlan.of(RuleSpec.of("median"), 10).aggregate(x, null, null, 3);
    assertThat(unfused).isEqualTo(fused);
    assertThat(FusedSortGuard.trials()).isZero();
  }

  private static double[] reference(String rule, double[][] x, int f) {
    switch (rule) {
      case "median":
        return Reference.median(x);
      case "trimmed-mean":
        return Reference.trimmedMean(x, f);
      default:
        return Reference.meamed(x, f);
    }
  }
}
