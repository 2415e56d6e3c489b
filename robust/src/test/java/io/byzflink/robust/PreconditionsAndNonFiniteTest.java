package io.byzflink.robust;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PreconditionsAndNonFiniteTest {

  static AggregationPlan plan(String rule, int f) {
    return AggregationPlan.of(RuleSpec.of(rule), f);
  }

  @ParameterizedTest
  @ValueSource(strings = {"median", "trimmed-mean", "meamed", "geometric-median", "krum", "multi-krum",
      "centered-clipping", "mda", "smea", "caf", "cge", "monna", "dnc"})
  void twoFMustBeBelowN(String rule) {
    float[][] x = TestData.random(6, 5, 1);
    assertThatThrownBy(() -> plan(rule, 3).aggregate(x, null, null, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(rule + " needs n > 2f, got n=6 f=3");
    assertThat(plan(rule, 2).aggregate(x, null, null, 0)).hasSize(5);
  }

  @Test
  void bulyanNeedsFourFPlusThree() {
    float[][] x = TestData.random(10, 5, 1);
    assertThatThrownBy(() -> plan("bulyan", 2).aggregate(x, null, null, 0))
        .hasMessage("bulyan needs n >= 4f + 3, got n=10 f=2");
    assertThat(plan("bulyan", 1).aggregate(x, null, null, 0)).hasSize(5);
  }

  @Test
  void negativeFIsRejected() {
    assertThatThrownBy(() -> plan("krum", -1)).hasMessage("f must be >= 0, got -1");
  }

  @Test
  void multiKrumMustFit() {
    float[][] x = TestData.random(7, 5, 1);
    AggregationPlan p = AggregationPlan.of(RuleSpec.of("multi-krum", Map.of("m", "8")), 1);
    assertThatThrownBy(() -> p.aggregate(x, null, null, 0)).hasMessage("multi-krum needs m <= n, got m=8 n=7");
  }

  @Test
  void bucketsMustFitAndTheMessageExplainsN() {
    float[][] x = TestData.random(9, 5, 1);
    AggregationPlan p = AggregationPlan.of(List.of(PreAggregatorSpec.parse("bucketing:s=2")),
        RuleSpec.of("krum"), 3);
    // 9 inputs -> 5 buckets, krum needs 5 > 6
    assertThatThrownBy(() -> p.aggregate(x, null, null, 0))
        .hasMessage("krum needs n > 2f, got n=5 f=3 (n counts the vectors reaching this step: 9 inputs, "
            + "after bucketing:s=2)");
    AggregationPlan big = AggregationPlan.of(List.of(PreAggregatorSpec.parse("bucketing:s=10")),
        RuleSpec.of("median"), 0);
    assertThatThrownBy(() -> big.aggregate(x, null, null, 0)).hasMessage("bucketing needs s <= n, got s=10 n=9");
  }

  @Test
  void monnaPivotChecks() {
    float[][] x = TestData.random(5, 4, 1);
    AggregationPlan p = AggregationPlan.of(RuleSpec.of("monna", Map.of("pivot", "5")), 1);
    assertThatThrownBy(() -> p.aggregate(x, null, null, 0)).hasMessage("monna needs pivot < n, got pivot=5 n=5");
    assertThatThrownBy(() -> AggregationPlan.of(List.of(PreAggregatorSpec.of("bucketing")),
        RuleSpec.of("monna"), 1)).hasMessageContaining("cannot follow");
    x[2][1] = Float.NaN;
    AggregationPlan p2 = AggregationPlan.of(RuleSpec.of("monna", Map.of("pivot", "2")), 1);
    assertThatThrownBy(() -> p2.aggregate(x, null, null, 0)).hasMessage("monna's pivot input 2 holds NaN or infinite values");
  }

  @Test
  void badParameterValues() {
    assertThatThrownBy(() -> RuleSpec.of("geometric-median", Map.of("nu", "0")))
        .hasMessage("geometric-median: nu must be a finite number > 0, got 0.0");
    assertThatThrownBy(() -> RuleSpec.of("geometric-median", Map.of("T", "x")))
        .hasMessage("geometric-median: parameter T must be an integer, got 'x'");
    assertThatThrownBy(() -> RuleSpec.of("centered-clipping", Map.of("init", "last")))
        .hasMessage("centered-clipping: parameter init must be one of previous|mean|zero, got 'last'");
    assertThatThrownBy(() -> PreAggregatorSpec.parse("clipping:c=-1"))
        .hasMessage("clipping: c must be a finite number >= 0, got -1.0");
    assertThatThrownBy(() -> PreAggregatorSpec.parse("bucketing:s=0")).hasMessage("bucketing: s must be >= 1, got 0");
  }

  @Test
  void weightsAreChecked() {
    float[][] x = TestData.random(4, 3, 1);
    assertThatThrownBy(() -> plan("mean", 0).aggregate(x, new double[] {1, 2, -1, 1}, null, 0))
        .hasMessage("weight of input 2 must be finite and >= 0, got -1.0");
    assertThatThrownBy(() -> plan("mean", 0).aggregate(x, new double[] {1, 2}, null, 0))
        .hasMessage("expected 4 weights, got 2");
    assertThatThrownBy(() -> plan("mean", 0).aggregate(x, new double[4], null, 0))
        .hasMessage("mean needs a positive total weight, got 0.0");
  }

  /** Every rule: a NaN or infinite input is rejected whole and the rest is aggregated. */
  @ParameterizedTest
  @ValueSource(strings = {"mean", "median", "trimmed-mean", "meamed", "geometric-median", "krum",
      "multi-krum", "centered-clipping", "mda", "monna", "smea", "caf", "cge", "bulyan", "dnc"})
  void nonFiniteInputsAreRejectedAndCounted(String rule) {
    int n = 12;
    int f = rule.equals("bulyan") ? 1 : 2; // bulyan: 10 finite inputs need f <= 1
    float[][] x = TestData.outliers(n, f, 40, 5);
    float[][] clean = new float[n - 2][];
    int q = 0;
    for (int i = 0; i < n; i++) {
      if (i != 3 && i != 8) {
        clean[q++] = x[i].clone();
      }
    }
    x[3][17] = Float.NaN;
    x[8][39] = Float.NEGATIVE_INFINITY;
    AggregationPlan p = AggregationPlan.of(RuleSpec.of(rule), f);
    AggregationPlan.Result r = p.aggregateDetailed(x, null, null, 9);
    assertThat(r.solution().rejectedCount()).isEqualTo(2);
    assertThat(r.solution().rejected()[3]).isTrue();
    assertThat(r.solution().rejected()[8]).isTrue();
    float[] expected = p.aggregate(clean, null, null, 9);
    TestData.assertClose(rule, expected, r.vector(), TestData.maxAbs(clean));
    for (float v : r.vector()) {
      assertThat(Float.isFinite(v)).isTrue();
    }
    // Chunked: the NaN sits in one chunk only, the input is still rejected everywhere.
    float[] chunked = TestData.chunked(p, x, null, null, 9, 8);
    TestData.assertClose(rule + " chunked", expected, chunked, TestData.maxAbs(clean));
  }

  /**
   * Phase A for rows validated upstream: the same partial as the scanning one on finite rows, for
   * coordinate-wise and Gram rules alike.
   */
  @ParameterizedTest
  @ValueSource(strings = {"median", "trimmed-mean", "meamed", "krum", "centered-clipping", "dnc"})
  void finiteRowsSkipOnlyTheScan(String rule) {
    float[][] x = TestData.outliers(9, 2, 30, 4);
    AggregationPlan p = AggregationPlan.of(RuleSpec.of(rule), 2);
    float[][] refs = p.referenceCount() > 0 ? TestData.random(p.referenceCount(), 30, 8) : null;
    assertThat(p.partialOfFiniteRows(x, 0, 30, refs, 5).toArray())
        .containsExactly(p.partial(x, 0, 30, refs, 5).toArray());
  }

  /**
   * A coordinate-wise rule given a NaN row despite the promise no longer rejects it (the promise
   * is the caller's) but sorts it to an end, where the median trims it.
   */
  @Test
  void aBrokenFiniteRowsPromiseSortsTheValueToAnEnd() {
    float[][] x = TestData.outliers(9, 2, 30, 4);
    AggregationPlan median = plan("median", 2);
    x[4][7] = Float.NaN;
    assertThat(median.solve(median.partial(x, 0, 30, null, 5), null, 5).rejectedCount()).isEqualTo(1);
    Solution promised = median.solve(median.partialOfFiniteRows(x, 0, 30, null, 5), null, 5);
    assertThat(promised.rejectedCount()).isZero();
    float[] out = new float[30];
    median.combine(promised, x, null, out);
    float[] column = new float[9];
    for (int i = 0; i < 9; i++) {
      column[i] = i == 4 ? Float.POSITIVE_INFINITY : x[i][7]; // NaN (positive) sorts above +inf
    }
    Arrays.sort(column);
    assertThat(out[7]).isEqualTo(column[4]);
  }

  @Test
  void tooManyNonFiniteInputsFailClearly() {
    float[][] x = TestData.random(5, 4, 1);
    x[0][0] = Float.NaN;
    x[1][1] = Float.POSITIVE_INFINITY;
    assertThatThrownBy(() -> plan("krum", 2).aggregate(x, null, null, 0))
        .hasMessage("krum needs n > 2f, got n=3 f=2 (n counts the vectors reaching this step: 5 inputs, "
            + "2 rejected as NaN/infinite)");
    for (float[] row : x) {
      row[2] = Float.NaN;
    }
    assertThatThrownBy(() -> plan("median", 0).aggregate(x, null, null, 0))
        .hasMessage("all 5 inputs hold NaN or infinite values");
  }

  @Test
  void nonFiniteReferenceFails() {
    float[][] x = TestData.random(5, 4, 1);
    float[][] ref = {{0, Float.NaN, 0, 0}};
    assertThatThrownBy(() -> plan("centered-clipping", 1).aggregate(x, null, ref, 0))
        .hasMessage("reference vector 0 has NaN or infinite values");
  }

  @Test
  void hugeFiniteValuesStayFinite() {
    float[][] x = TestData.random(7, 6, 3);
    x[6] = new float[] {Float.MAX_VALUE, -Float.MAX_VALUE, Float.MAX_VALUE, 1, 1, 1};
    for (String rule : RuleRegistry.ruleNames()) {
      float[] out = plan(rule, 1).aggregate(x, null, null, 0);
      for (float v : out) {
        assertThat(Float.isFinite(v)).as(rule).isTrue();
      }
    }
  }

  @Test
  void missingOrDoubleChunksAreDetected() {
    AggregationPlan p = plan("krum", 1);
    float[][] x = TestData.random(5, 10, 1);
    GramPartial a = p.partial(TestData.slice(x, 0, 5), 0, 10, null);
    assertThatThrownBy(() -> p.solve(a, null)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("cover 5 coordinates of a vector of dimension 10");
    assertThatThrownBy(() -> p.solve(a.merge(a).merge(a), null)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> p.partial(TestData.slice(x, 0, 5), 8, 10, null))
        .hasMessage("chunk [8, 13) lies outside the vector of dimension 10");
    GramPartial other = plan("median", 1).partial(TestData.slice(x, 5, 10), 5, 10, null);
    assertThatThrownBy(() -> a.merge(other)).hasMessageContaining("cannot merge partials of different layouts");
  }
}
