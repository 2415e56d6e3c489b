package io.byzflink.operators;

import static io.byzflink.operators.TestChunks.IDS;
import static io.byzflink.operators.TestChunks.update;
import static io.byzflink.operators.TestChunks.values;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.byzflink.robust.AggregationPlan;
import io.byzflink.robust.RuleRegistry;
import io.byzflink.serde.avro.TensorChunk;
import io.byzflink.serde.avro.TensorKind;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

class RoundAggregatorTest {

    private static final int SENDERS = 3;

    private static TestChunks.Metered<Long> harness(String rule) throws Exception {
        AggregationPlan plan = AggregationPlan.of(RuleRegistry.rule(rule, Map.of()), 0);
        return new TestChunks.Metered<>(new RoundAggregator(plan, SENDERS, IDS, 7L),
                c -> ChunkIds.roundChunkKey(c.getRound(), IDS.id(c)), Types.LONG);
    }

    /** Plain sample-weighted mean, coordinate by coordinate. */
    private static float[] weightedMean(List<TensorChunk> chunks) {
        int d = values(chunks.get(0)).length;
        double[] sum = new double[d];
        double total = 0;
        for (TensorChunk c : chunks) {
            float[] v = values(c);
            for (int j = 0; j < d; j++) {
                sum[j] += c.getWeight() * v[j];
            }
            total += c.getWeight();
        }
        float[] out = new float[d];
        for (int j = 0; j < d; j++) {
            out[j] = (float) (sum[j] / total);
        }
        return out;
    }

    @Test
    void meanOfThreeSendersIsTheSampleWeightedMeanInOneChunk() throws Exception {
        List<TensorChunk> in = List.of(
                update(4, 0, 1, 1f, 2f),
                update(4, 1, 2, 4f, -2f),
                update(4, 2, 5, 0.5f, 10f));
        try (TestChunks.Metered<Long> t = harness("mean")) {
            for (TensorChunk c : in) {
                t.harness.processElement(c, 0L);
            }
            List<TensorChunk> out = t.harness.extractOutputValues();
            assertThat(out).hasSize(1);
            // (1*1 + 2*4 + 5*0.5) / 8 = 11.5 / 8; (1*2 + 2*(-2) + 5*10) / 8 = 48 / 8
            assertThat(values(out.get(0))).containsExactly(new float[] {1.4375f, 6f}, within(1e-6f));
            assertThat(values(out.get(0))).containsExactly(weightedMean(in), within(1e-6f));
            assertThat(t.count("acceptedChunks")).isEqualTo(3);
        }
    }

    @Test
    void aggregatedChunkKeepsRoundLayerAndPositionAndComesFromTheServerAsDelta() throws Exception {
        try (TestChunks.Metered<Long> t = harness("mean")) {
            t.harness.processElement(update(4, 2, 5, 0.5f, 10f), 0L);
            t.harness.processElement(update(4, 0, 1, 1f, 2f), 0L);
            t.harness.processElement(update(4, 1, 2, 4f, -2f), 0L);
            TensorChunk out = t.harness.extractOutputValues().get(0);
            assertThat(out.getExperiment()).isEqualTo("exp");
            assertThat(out.getRound()).isEqualTo(4L);
            assertThat(out.getLayer()).isEqualTo("w");
            assertThat(out.getLayerIndex()).isEqualTo(0);
            assertThat(out.getLayerCount()).isEqualTo(2);
            assertThat(out.getChunkIndex()).isEqualTo(1);
            assertThat(out.getChunkCount()).isEqualTo(2);
            assertThat(out.getOffset()).isEqualTo(3);
            assertThat(out.getLayerLength()).isEqualTo(5);
            assertThat(out.getSender()).isEqualTo(-1);
            assertThat(out.getKind()).isEqualTo(TensorKind.DELTA);
            assertThat(out.getWeight()).isEqualTo(8.0); // 5 + 1 + 2 samples
            assertThat(out.getSignature()).isNull();
        }
    }

    @Test
    void emitsNothingUntilTheLastExpectedSenderArrives() throws Exception {
        try (TestChunks.Metered<Long> t = harness("mean")) {
            t.harness.processElement(update(0, 0, 1, 1f, 1f), 0L);
            assertThat(t.harness.extractOutputValues()).isEmpty();
            t.harness.processElement(update(0, 2, 1, 3f, 3f), 0L);
            assertThat(t.harness.extractOutputValues()).isEmpty();
            assertThat(t.harness.getSideOutput(RoundAggregator.STATS)).isNull();
            t.harness.processElement(update(0, 1, 1, 5f, 8f), 0L);
            assertThat(t.harness.extractOutputValues()).hasSize(1);
            assertThat(values(t.harness.extractOutputValues().get(0))).containsExactly(3f, 4f);
        }
    }

    @Test
    void medianIgnoresWeightsAndTakesTheMiddleValuePerCoordinate() throws Exception {
        // chunk 0 of layer w: three floats. A weight-respecting median would pick sender 2 (weight 100).
        List<TensorChunk> in = List.of(
                TestChunks.chunk(1, 0, TensorKind.DELTA, 1, 0, 0, 1f, 100f, -3f),
                TestChunks.chunk(1, 1, TensorKind.DELTA, 1, 0, 0, 2f, 0f, 7f),
                TestChunks.chunk(1, 2, TensorKind.DELTA, 100, 0, 0, 50f, 1f, 5f));
        try (TestChunks.Metered<Long> t = harness("median")) {
            for (TensorChunk c : in) {
                t.harness.processElement(c, 0L);
            }
            List<TensorChunk> out = t.harness.extractOutputValues();
            assertThat(out).hasSize(1);
            assertThat(values(out.get(0))).containsExactly(2f, 1f, 5f);
            assertThat(out.get(0).getChunkIndex()).isEqualTo(0);
            assertThat(out.get(0).getOffset()).isEqualTo(0);
        }
    }

    @Test
    void duplicateFromTheSameSenderIsCountedAndIgnored() throws Exception {
        try (TestChunks.Metered<Long> t = harness("mean")) {
            t.harness.processElement(update(2, 0, 1, 1f, 1f), 0L);
            t.harness.processElement(update(2, 0, 1, 1000f, 1000f), 0L); // redelivery with other content
            t.harness.processElement(update(2, 1, 1, 2f, 2f), 0L);
            // the duplicate does not count as the third sender
            assertThat(t.harness.extractOutputValues()).isEmpty();
            t.harness.processElement(update(2, 2, 1, 6f, 0f), 0L);
            List<TensorChunk> out = t.harness.extractOutputValues();
            assertThat(out).hasSize(1);
            assertThat(values(out.get(0))).containsExactly(3f, 1f); // (1+2+6)/3, (1+2+0)/3: the first copy counts
            assertThat(t.count("duplicateChunks")).isEqualTo(1);
            assertThat(t.count("acceptedChunks")).isEqualTo(3);
        }
    }

    @Test
    void chunkArrivingAfterTheWindowClosedIsCountedAsLateAndDropped() throws Exception {
        try (TestChunks.Metered<Long> t = harness("mean")) {
            for (int s = 0; s < SENDERS; s++) {
                t.harness.processElement(update(3, s, 1, s, s), 0L);
            }
            t.harness.processElement(update(3, 1, 1, 9f, 9f), 0L); // a resend after close
            t.harness.processElement(update(3, 0, 1, 9f, 9f), 0L);
            assertThat(t.harness.extractOutputValues()).hasSize(1);
            assertThat(t.count("lateChunks")).isEqualTo(2);
            assertThat(t.count("duplicateChunks")).isZero();
        }
    }

    @Test
    void windowsOfDifferentRoundsAndChunksAreIndependent() throws Exception {
        try (TestChunks.Metered<Long> t = harness("mean")) {
            // round 5, chunk w/1 and round 6, chunk w/1 and round 5, chunk b/0, interleaved
            for (int s = 0; s < SENDERS; s++) {
                t.harness.processElement(update(5, s, 1, s, 0f), 0L);
                t.harness.processElement(update(6, s, 1, 10f * s, 0f), 0L);
                t.harness.processElement(TestChunks.chunk(5, s, TensorKind.DELTA, 1, 1, 0, 0f, -s), 0L);
            }
            List<TensorChunk> out = t.harness.extractOutputValues();
            assertThat(out).hasSize(3);
            assertThat(out).extracting(TensorChunk::getRound).containsExactly(5L, 6L, 5L);
            assertThat(out).extracting(TensorChunk::getLayer).containsExactly("w", "w", "b");
            assertThat(values(out.get(0))).containsExactly(1f, 0f);
            assertThat(values(out.get(1))).containsExactly(10f, 0f);
            assertThat(values(out.get(2))).containsExactly(0f, -1f);
        }
    }

    @Test
    void reportsOneAggregateStatPerClosedWindow() throws Exception {
        try (TestChunks.Metered<Long> t = harness("mean")) {
            for (int s = 0; s < SENDERS; s++) {
                t.harness.processElement(update(9, s, 1, 1f, 1f), 0L);
            }
            List<RoundStat> stats = t.harness.getSideOutput(RoundAggregator.STATS).stream()
                    .map(StreamRecord::getValue).toList();
            assertThat(stats).hasSize(1);
            assertThat(stats.get(0).kind).isEqualTo(RoundStat.Kind.AGGREGATE);
            assertThat(stats.get(0).round).isEqualTo(9L);
            assertThat(stats.get(0).source).isEqualTo(1); // chunk id of w/1
            assertThat(stats.get(0).count).isEqualTo(3L);
        }
    }

    @Test
    void refusesARuleThatNeedsWholeVectorGramPhases() {
        AggregationPlan krum = AggregationPlan.of(RuleRegistry.rule("krum", Map.of()), 0);
        assertThatThrownBy(() -> new RoundAggregator(krum, SENDERS, IDS, 0L))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("krum");
    }

    @Test
    void gatedWindowAggregatesExactlyTheParticipantsTheGateNamed() throws Exception {
        AggregationPlan plan = AggregationPlan.of(RuleRegistry.rule("median", Map.of()), 0);
        TensorChunk a = update(2, 0, 1, 1f, 10f);
        TensorChunk b = update(2, 1, 1, 100f, 100f); // sent, but not complete when the gate closed
        TensorChunk c = update(2, 2, 1, 3f, 30f);
        try (TestChunks.Metered<Long> t = new TestChunks.Metered<>(new RoundAggregator(plan, SENDERS, SENDERS, IDS, 7L, true),
                ch -> ChunkIds.roundChunkKey(ch.getRound(), IDS.id(ch)), Types.LONG)) {
            t.harness.processElement(a, 0L);
            t.harness.processElement(b, 0L);
            t.harness.processElement(c, 0L);
            assertThat(t.harness.extractOutputValues()).as("all three senders in, but no gate decision yet").isEmpty();
            t.harness.processElement(RoundClose.marker(a, new int[] {0, 2}), 0L);
            List<TensorChunk> out = t.harness.extractOutputValues();
            assertThat(out).hasSize(1);
            // median of two values = their mean: sender 1's 100s are left out
            assertThat(values(out.get(0))).containsExactly(2f, 20f);
            assertThat(t.count("lateChunks")).isEqualTo(1);
            t.harness.processElement(update(2, 1, 1, 7f, 7f), 0L);
            assertThat(t.harness.extractOutputValues()).hasSize(1);
        }
    }
}
