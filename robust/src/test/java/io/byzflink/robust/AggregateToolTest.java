package io.byzflink.robust;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.byzflink.robust.io.Npy;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AggregateToolTest {
  @TempDir
  Path dir;

  @Test
  void aggregatesAFileLikeTheCommand() throws Exception {
    float[][] x = TestData.outliers(9, 2, 20, 3);
    Path in = dir.resolve("in.npy");
    Path out = dir.resolve("out.npy");
    Npy.writeFloat32(in, x);
    AggregateTool.FileResult r = AggregateTool.aggregateFile(in, out, "trimmed-mean", 2, Map.of(),
        List.of("clipping:c=50", "nnm"), 0);
    assertThat(r.n()).isEqualTo(9);
    assertThat(r.d()).isEqualTo(20);
    Npy.Header h = Npy.header(out);
    assertThat(h.descr()).isEqualTo("<f8");
    assertThat(h.shape()).containsExactly(20);
    ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(out)).order(ByteOrder.LITTLE_ENDIAN);
    float[] expected = AggregationPlan.of(List.of(PreAggregatorSpec.parse("clipping:c=50"),
        PreAggregatorSpec.of("nnm")), RuleSpec.of("trimmed-mean"), 2).aggregate(x, null, null, 0);
    for (int j = 0; j < 20; j++) {
      assertThat(b.getDouble((int) h.dataOffset() + 8 * j)).isEqualTo((double) expected[j]);
    }
  }

  @Test
  void float64InputsAreRoundedToFloat32() throws Exception {
    double[][] x = {{0.1, 1}, {0.2, 2}, {0.3, 3}};
    Path in = dir.resolve("in64.npy");
    Npy.writeFloat64(in, x);
    Path out = dir.resolve("o.npy");
    AggregateTool.FileResult r = AggregateTool.aggregateFile(in, out, "median", 0, Map.of(), List.of(), 0);
    assertThat(r.inputDtype()).isEqualTo("<f8");
    ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(out)).order(ByteOrder.LITTLE_ENDIAN);
    assertThat(b.getDouble((int) Npy.header(out).dataOffset())).isEqualTo((double) 0.2f);
  }

  @Test
  void parsesParamsAndPreAggregators() {
    assertThat(AggregateTool.parseParams(List.of("tau=2.5", "L=3")))
        .containsExactly(Map.entry("tau", "2.5"), Map.entry("L", "3"));
    assertThat(AggregateTool.parsePre(List.of("bucketing:s=3", "nnm")).toString())
        .isEqualTo("[bucketing:s=3, nnm]");
    assertThatThrownBy(() -> AggregateTool.parsePre(List.of("bucketing:size=3")))
        .hasMessage("unknown parameter 'size' for bucketing; allowed: s");
    assertThatThrownBy(() -> AggregateTool.parseParams(List.of("tau")))
        .hasMessageContaining("expected key=value");
    assertThatThrownBy(() -> AggregateTool.plan("kurm", 1, Map.of(), List.of()))
        .hasMessageStartingWith("unknown aggregation rule 'kurm'; rules: mean, median, trimmed-mean");
    assertThatThrownBy(() -> AggregateTool.plan("nnm", 1, Map.of(), List.of()))
        .hasMessageContaining("('nnm' is a pre-aggregator)");
    assertThatThrownBy(() -> AggregateTool.plan("krum", 1, Map.of("m", "3"), List.of()))
        .hasMessage("unknown parameter 'm' for krum; it takes no parameters");
  }

  @Test
  void benchPrintsOneJsonLinePerRule() {
    List<AggregateTool.BenchRecord> recs = AggregateTool.bench(12, 2, 2000,
        List.of("median", "krum", "nnm", "centered-clipping"), 1, 0);
    assertThat(recs).extracting(AggregateTool.BenchRecord::rule)
        .containsExactly("median", "krum", "nnm", "centered-clipping");
    for (AggregateTool.BenchRecord r : recs) {
      assertThat(r.error()).isNull();
      assertThat(r.medianMs()).isPositive();
      assertThat(r.readPassMs()).isPositive();
      assertThat(r.gramMs()).isPositive();
      assertThat(r.toJson()).matches("\\{\"rule\":\"[a-z-]+\",\"median_ms\":[0-9.]+,"
          + "\"read_pass_ms\":[0-9.]+,\"gram_ms\":[0-9.]+,\"kernels\":\"[a-z0-9 +,()-]+\"\\}");
    }
    AggregateTool.BenchRecord bad = AggregateTool.bench(5, 2, 100, List.of("bulyan"), 1, 0).get(0);
    assertThat(bad.error()).contains("bulyan needs n >= 4f + 3");
    assertThat(bad.toJson()).contains("\"median_ms\":null").contains("\"error\":\"bulyan needs");
  }

  @Test
  void listingNamesEveryRuleAndParameter() {
    String l = AggregateTool.listing();
    for (String name : AggregateTool.allNames()) {
      assertThat(l).contains("  " + name + " ");
    }
    assertThat(l).contains("nu").contains("default 0.1").contains("previous|mean|zero")
        .contains("pivot").contains("n-f");
  }
}
