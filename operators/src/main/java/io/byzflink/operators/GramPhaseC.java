package io.byzflink.operators;

import io.byzflink.robust.AggregationPlan;
import io.byzflink.serde.avro.TensorChunk;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Phase C of a round (key = {@link ChunkIds#roundChunkKey}): holds one chunk's rows from every
 * sender (and the previous aggregate's chunk as reference) until {@link GramPhaseB}'s solution
 * for the round arrives, then forms the aggregated chunk: {@code c^T X} for linear rules, or
 * the mixing matrix followed by the coordinate-wise rule. Emits the same DELTA chunk as
 * {@link RoundAggregator}, so the model updater does not care which path produced it.
 *
 * <p>Input 1: validated update chunks and reference chunks (sender -1). Input 2: solutions.
 */
public class GramPhaseC extends KeyedCoProcessFunction<Long, TensorChunk, SolutionEvent, TensorChunk> {

    private final AggregationPlan plan;
    private final int expectedSenders;
    private final int honest;
    private final ChunkIds ids;
    private final boolean gated;
    private transient ChunkWindow window;
    private transient ValueState<SolutionEvent> solution;

    /** @param honest senders below this id are honest (see {@link RoundAggregator}) */
    public GramPhaseC(AggregationPlan plan, int expectedSenders, int honest, ChunkIds ids) {
        this(plan, expectedSenders, honest, ids, false);
    }

    /** @param gated windows close on the round gate's {@link RoundClose} markers (aggregation service) */
    public GramPhaseC(AggregationPlan plan, int expectedSenders, int honest, ChunkIds ids, boolean gated) {
        this.gated = gated;
        this.plan = plan;
        this.expectedSenders = expectedSenders;
        this.honest = honest;
        this.ids = ids;
    }

    @Override
    public void open(OpenContext openContext) {
        window = new ChunkWindow(getRuntimeContext(), expectedSenders, gated);
        solution = getRuntimeContext().getState(new ValueStateDescriptor<>("solution", TypeInformation.of(SolutionEvent.class)));
    }

    @Override
    public void processElement1(TensorChunk chunk, Context ctx, Collector<TensorChunk> out) throws Exception {
        if (chunk.getSender() < 0) {
            if (plan.referenceCount() > 0 && !window.isClosed()) {
                window.setReference(chunk);
            }
        } else if (window.offer(chunk) != ChunkWindow.Offer.ADDED) {
            return;
        }
        emitWhenReady(ctx, out);
    }

    @Override
    public void processElement2(SolutionEvent event, Context ctx, Collector<TensorChunk> out) throws Exception {
        if (!window.isClosed()) {
            solution.update(event);
            emitWhenReady(ctx, out);
        }
    }

    private void emitWhenReady(Context ctx, Collector<TensorChunk> out) throws Exception {
        SolutionEvent solved = solution.value();
        if (solved == null || !window.rowsComplete()) {
            return;
        }
        if (plan.referenceCount() > 0 && solved.round > 0 && window.reference() == null) {
            return;
        }
        long start = System.nanoTime();
        RoundRows rows = window.rows();
        float[] result = new float[rows.rows()[0].length];
        double[] attribution = honest < expectedSenders ? new double[rows.rows().length] : null;
        if (solved.solution.length > 0) { // an empty solution: the round could not be solved, no update
            plan.combine(solved.solution(), rows.rows(),
                    RoundRows.references(plan.referenceCount(), window.reference(), result.length), result, attribution);
        }
        TensorChunk any = window.anyRow();
        out.collect(AggregatedChunks.of(any, result, rows.totalWeight()));
        RoundStat stat = RoundStat.of(RoundStat.Kind.AGGREGATE, any.getRound(), ids.id(any), System.nanoTime() - start);
        if (attribution != null) {
            stat.byzantineMass = rows.byzantineMass(attribution, honest);
            stat.coordinates = result.length;
        }
        stat.count = rows.rows().length;
        stat.refused = window.duplicatesSeen();
        ctx.output(RoundAggregator.STATS, stat);
        window.close();
        solution.clear();
    }
}
