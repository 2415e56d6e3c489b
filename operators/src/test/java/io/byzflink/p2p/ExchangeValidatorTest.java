package io.byzflink.p2p;

import static org.assertj.core.api.Assertions.assertThat;

import io.byzflink.operators.UpdateCheck.Verdict;
import io.byzflink.robust.AggregationPlan;
import io.byzflink.robust.RuleSpec;
import io.byzflink.serde.TensorCodec;
import io.byzflink.serde.TensorLayout;
import io.byzflink.serde.avro.RejectReason;
import io.byzflink.serde.avro.TensorChunk;
import io.byzflink.serde.avro.TensorKind;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

/** The exchange-topic check, on the real logreg layout (fc.weight 10 x 784, fc.bias 10), ring(1) of 4, 3 rounds. */
class ExchangeValidatorTest {

    private PeerSettings s;
    private TensorLayout layout;
    private ExchangeValidator v;

    @BeforeEach
    void setUp() {
        s = InMemoryPeers.settings(Protocol.MPLS, "ring(1)", 3, 4, 0, null, AggregationPlan.of(RuleSpec.of("mean"), 0), 1_000);
        layout = s.job().tensorLayout();
        v = new ExchangeValidator(s);
    }

    private float[][] model(float value) {
        float[][] m = layout.newTensors();
        for (float[] l : m) {
            java.util.Arrays.fill(l, value);
        }
        return m;
    }

    private List<TensorChunk> modelChunks(long round, int from, int to, float[][] m) {
        return Messages.model(s, layout, round, from, to, m, null);
    }

    private static RejectReason reason(Verdict verdict) {
        return verdict == null ? null : verdict.reason();
    }

    @Test
    void logregLayout() {
        assertThat(layout.layerCount()).isEqualTo(2);
        assertThat(layout.length(0)).isEqualTo(7840);
        assertThat(layout.length(1)).isEqualTo(10);
    }

    @Test
    void acceptsWellFormedMessagesBetweenNeighbours() {
        List<TensorChunk> chunks = modelChunks(0, 1, 0, model(0.5f));
        assertThat(chunks).hasSize(8 + 1); // 7840 floats in chunks of 1000, then the bias
        for (TensorChunk c : chunks) {
            assertThat(v.check(c)).isNull();
            assertThat(v.isWellFormed(c)).isTrue();
        }
        // Pulled layers only, last round, the other neighbour.
        for (TensorChunk c : Messages.model(s, layout, 2, 3, 0, model(1f), new int[] {1})) {
            assertThat(v.check(c)).isNull();
        }
        assertThat(v.check(Messages.scores(s, layout, 0, 1, 0, new float[0]))).isNull();
        assertThat(v.check(Messages.scores(s, layout, 1, 0, 1, new float[] {3f, 0f}))).isNull();
        assertThat(v.check(Messages.pull(s, layout, 0, 1, 2, new int[0]))).isNull();
        assertThat(v.check(Messages.pull(s, layout, 0, 1, 2, new int[] {1, 0}))).isNull();
        // Only MODEL chunks are "well-formed but maybe non-finite" (delivered despite a NON_FINITE).
        assertThat(v.isWellFormed(Messages.scores(s, layout, 0, 1, 0, new float[0]))).isFalse();
        assertThat(v.isWellFormed(Messages.pull(s, layout, 0, 1, 0, new int[] {0}))).isFalse();
    }

    @Test
    void rejectsSendersThatAreNotNeighbours() {
        // ring(1) of 4: 0-1, 1-2, 2-3, 3-0. Node 2 is not a neighbour of node 0.
        TensorChunk c = modelChunks(0, 2, 0, model(0f)).get(0);
        assertThat(reason(v.check(c))).isEqualTo(RejectReason.UNKNOWN_SENDER);
        assertThat(v.isWellFormed(c)).isFalse();
        assertThat(reason(v.check(Messages.pull(s, layout, 0, 0, 2, new int[] {0})))).isEqualTo(RejectReason.UNKNOWN_SENDER);
        assertThat(reason(v.check(Messages.scores(s, layout, 0, 1, 3, new float[0])))).isEqualTo(RejectReason.UNKNOWN_SENDER);
        // Out of range or self.
        assertThat(reason(v.check(Messages.scores(s, layout, 0, 4, 0, new float[0])))).isEqualTo(RejectReason.UNKNOWN_SENDER);
        assertThat(reason(v.check(Messages.scores(s, layout, 0, -1, 0, new float[0])))).isEqualTo(RejectReason.UNKNOWN_SENDER);
        assertThat(reason(v.check(Messages.scores(s, layout, 0, 1, 7, new float[0])))).isEqualTo(RejectReason.UNKNOWN_SENDER);
        assertThat(reason(v.check(Messages.scores(s, layout, 0, 1, 1, new float[0])))).isEqualTo(RejectReason.UNKNOWN_SENDER);
    }

    @Test
    void rejectsRoundsOutsideTheRun() {
        assertThat(reason(v.check(modelChunks(3, 1, 0, model(0f)).get(0)))).isEqualTo(RejectReason.WRONG_ROUND);
        assertThat(reason(v.check(Messages.scores(s, layout, -1, 1, 0, new float[0])))).isEqualTo(RejectReason.WRONG_ROUND);
        assertThat(reason(v.check(Messages.pull(s, layout, 99, 1, 0, new int[] {0})))).isEqualTo(RejectReason.WRONG_ROUND);
    }

    @Test
    void rejectsAnotherExperiment() {
        TensorChunk c = modelChunks(0, 1, 0, model(0f)).get(0);
        c.setExperiment("other");
        assertThat(reason(v.check(c))).isEqualTo(RejectReason.WRONG_SCHEMA);
    }

    @Test
    void rejectsScoresOfTheWrongLengthOrNegativeOrNonFinite() {
        assertThat(reason(v.check(Messages.scores(s, layout, 0, 1, 0, new float[] {1f})))).isEqualTo(RejectReason.WRONG_SIZE);
        assertThat(reason(v.check(Messages.scores(s, layout, 0, 1, 0, new float[] {1f, 2f, 3f})))).isEqualTo(RejectReason.WRONG_SIZE);
        assertThat(reason(v.check(Messages.scores(s, layout, 0, 1, 0, new float[] {1f, -2f})))).isEqualTo(RejectReason.NON_FINITE);
        assertThat(reason(v.check(Messages.scores(s, layout, 0, 1, 0, new float[] {Float.NaN, 0f})))).isEqualTo(RejectReason.NON_FINITE);
        assertThat(reason(v.check(Messages.scores(s, layout, 0, 1, 0, new float[] {0f, Float.POSITIVE_INFINITY}))))
                .isEqualTo(RejectReason.NON_FINITE);
    }

    /** A PULL whose body is these raw floats (a forged one: the node never writes such lists). */
    private TensorChunk rawPull(float... values) {
        TensorChunk c = Messages.pull(s, layout, 0, 1, 0, new int[0]);
        c.setValues(TensorCodec.encode(values));
        return c;
    }

    @Test
    void rejectsPullListsWithDuplicateOrOutOfRangeIndices() {
        assertThat(reason(v.check(Messages.pull(s, layout, 0, 1, 0, new int[] {1, 1})))).isEqualTo(RejectReason.MALFORMED);
        assertThat(reason(v.check(Messages.pull(s, layout, 0, 1, 0, new int[] {0, 1, 0})))).isEqualTo(RejectReason.MALFORMED);
        assertThat(reason(v.check(Messages.pull(s, layout, 0, 1, 0, new int[] {2})))).isEqualTo(RejectReason.MALFORMED);
        assertThat(reason(v.check(Messages.pull(s, layout, 0, 1, 0, new int[] {-1})))).isEqualTo(RejectReason.MALFORMED);
        assertThat(reason(v.check(rawPull(0.5f)))).isEqualTo(RejectReason.MALFORMED);
        assertThat(reason(v.check(rawPull(Float.NaN)))).isEqualTo(RejectReason.MALFORMED);
        assertThat(reason(v.check(rawPull(1f, 0f)))).isNull();
    }

    @Test
    void nonFiniteModelChunkIsRejectedButWellFormed() {
        float[][] m = model(0.25f);
        m[0][1500] = Float.NaN;
        m[1][9] = Float.NEGATIVE_INFINITY;
        List<TensorChunk> chunks = modelChunks(1, 3, 0, m);
        for (int i = 0; i < chunks.size(); i++) {
            TensorChunk c = chunks.get(i);
            boolean bad = i == 1 || i == chunks.size() - 1; // [1000, 2000) of fc.weight, and fc.bias
            assertThat(reason(v.check(c))).as("chunk %d", i).isEqualTo(bad ? RejectReason.NON_FINITE : null);
            assertThat(v.isWellFormed(c)).as("chunk %d", i).isTrue();
        }
    }

    @Test
    void rejectsModelChunksThatDoNotFitTheLayout() {
        // The small test layout's chunks do not fit logreg.
        TensorChunk foreign = Messages.model(s, InMemoryPeers.LAYOUT, 0, 1, 0, InMemoryPeers.sharedInit(), null).get(0);
        assertThat(reason(v.check(foreign))).isEqualTo(RejectReason.WRONG_SIZE);
        assertThat(v.isWellFormed(foreign)).isFalse();
        TensorChunk shortChunk = modelChunks(0, 1, 0, model(0f)).get(0);
        shortChunk.setValues(TensorCodec.encode(new float[999]));
        assertThat(reason(v.check(shortChunk))).isEqualTo(RejectReason.WRONG_SIZE);
        TensorChunk moved = modelChunks(0, 1, 0, model(0f)).get(2);
        moved.setOffset(1000);
        assertThat(reason(v.check(moved))).isEqualTo(RejectReason.WRONG_SIZE);
    }

    @Test
    void rejectsKindsThatAreNotDecentralizedMessages() {
        TensorChunk c = modelChunks(0, 1, 0, model(0f)).get(0);
        c.setKind(TensorKind.DELTA);
        assertThat(reason(v.check(c))).isEqualTo(RejectReason.WRONG_SCHEMA);
        assertThat(v.isWellFormed(c)).isFalse();
    }
}
