package io.byzflink.operators;

import io.byzflink.robust.AggregationPlan;
import io.byzflink.robust.GramPartial;
import io.byzflink.serde.avro.TensorChunk;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Phase A of a round (key = {@link ChunkIds#roundChunkKey}): once a chunk has arrived from every
 * sender (and the previous aggregate's chunk, when the rule needs it as a reference), computes
 * the chunk's partial Gram matrix and sends it to {@link GramPhaseB}. Chunks are independent, so
 * phase A spreads over all subtasks; the rows themselves go to {@link GramPhaseC} on a separate
 * edge, which keeps the graph acyclic.
 *
 * <p>Input 1: validated update chunks (every value finite, which phase A relies on). Input 2: the
 * previous round's aggregate, keyed to the next round (round 0 uses zeros, as ByzFL's first call
 * does).
 */
public class GramPhaseA extends KeyedCoProcessFunction<Long, TensorChunk, TensorChunk, GramPartialEvent> {

    private final AggregationPlan plan;
    private final int expectedSenders;
    private final ChunkIds ids;
    private final long seed;
    private final boolean gated;
    private transient ChunkWindow window;

    public GramPhaseA(AggregationPlan plan, int expectedSenders, ChunkIds ids, long seed) {
        this(plan, expectedSenders, ids, seed, false);
    }

    /** @param gated windows close on the round gate's {@link RoundClose} markers (aggregation service) */
    public GramPhaseA(AggregationPlan plan, int expectedSenders, ChunkIds ids, long seed, boolean gated) {
        this.gated = gated;
        this.plan = plan;
        this.expectedSenders = expectedSenders;
        this.ids = ids;
        this.seed = seed;
    }

    @Override
    public void open(OpenContext openContext) {
        window = new ChunkWindow(getRuntimeContext(), expectedSenders, gated);
    }

    @Override
    public void processElement1(TensorChunk chunk, Context ctx, Collector<GramPartialEvent> out) throws Exception {
        if (window.offer(chunk) == ChunkWindow.Offer.ADDED) {
            emitWhenReady(out);
        }
    }

    @Override
    public void processElement2(TensorChunk previousAggregate, Context ctx, Collector<GramPartialEvent> out) throws Exception {
        if (plan.referenceCount() > 0 && !window.isClosed()) {
            window.setReference(previousAggregate);
            emitWhenReady(out);
        }
    }

    private void emitWhenReady(Collector<GramPartialEvent> out) throws Exception {
        if (!window.rowsComplete()) {
            return;
        }
        TensorChunk any = window.anyRow();
        long round = any.getRound();
        if (plan.referenceCount() > 0 && round > 0 && window.reference() == null) {
            return; // the previous aggregate is still on its way through the model topic
        }
        RoundRows rows = window.rows();
        float[][] refs = RoundRows.references(plan.referenceCount(), window.reference(), rows.rows()[0].length);
        // The rows passed ValidateUpdates (finite values only), so phase A skips its finiteness scan.
        GramPartial partial = plan.partialOfFiniteRows(rows.rows(), ids.globalOffset(any), ids.dimension(), refs,
                RoundSeeds.of(seed, round));
        out.collect(new GramPartialEvent(round, ids.id(any), partial.toArray(), rows.weights()));
        window.close();
    }
}
