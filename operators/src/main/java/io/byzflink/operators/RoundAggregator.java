package io.byzflink.operators;

import io.byzflink.robust.AggregationPlan;
import io.byzflink.robust.Solution;
import io.byzflink.robust.kernel.FusedSortGuard;
import io.byzflink.robust.kernel.NativeCoordinateWise;
import io.byzflink.serde.avro.TensorChunk;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * The per-round window of one chunk (key = {@link ChunkIds#roundChunkKey}) for rules that work on
 * each chunk alone (the weighted mean and the coordinate-wise rules): collects that chunk from
 * every expected sender, aggregates the rows and emits the aggregated chunk at once, with no
 * round-wide barrier. Duplicates (same round, sender, chunk) are counted and ignored; chunks of a
 * window already closed are counted as late and dropped.
 *
 * <p>Rules that need the Gram matrix of whole vectors run through {@link GramPhaseA},
 * {@link GramPhaseB} and {@link GramPhaseC} instead.
 */
public class RoundAggregator extends KeyedProcessFunction<Long, TensorChunk, TensorChunk> {

    public static final OutputTag<RoundStat> STATS = new OutputTag<>("aggregate-stats", TypeInformation.of(RoundStat.class));

    private final AggregationPlan plan;
    private final int expectedSenders;
    private final int honest;
    private final ChunkIds ids;
    private final long seed;
    private final boolean gated;
    private transient ChunkWindow window;
    private transient Counter unsolvable;

    public RoundAggregator(AggregationPlan plan, int expectedSenders, ChunkIds ids, long seed) {
        this(plan, expectedSenders, expectedSenders, ids, seed);
    }

    /**
     * @param honest senders below this id are honest; when some are not (a simulation), each
     *     chunk also measures how much of its aggregate came from the Byzantine ones
     */
    public RoundAggregator(AggregationPlan plan, int expectedSenders, int honest, ChunkIds ids, long seed) {
        this(plan, expectedSenders, honest, ids, seed, false);
    }

    /** @param gated windows close on the round gate's {@link RoundClose} markers (aggregation service) */
    public RoundAggregator(AggregationPlan plan, int expectedSenders, int honest, ChunkIds ids, long seed, boolean gated) {
        if (!isChunkLocal(plan)) {
            throw new IllegalArgumentException("rule " + plan.describe() + " needs whole-vector Gram phases, not a chunk-local window");
        }
        this.plan = plan;
        this.expectedSenders = expectedSenders;
        this.honest = honest;
        this.ids = ids;
        this.seed = seed;
        this.gated = gated;
    }

    /** True when every chunk can be aggregated alone, with no round-wide solve. */
    public static boolean isChunkLocal(AggregationPlan plan) {
        return !plan.needsGram() && plan.referenceCount() == 0 && !plan.usesSeed();
    }

    @Override
    public void open(OpenContext openContext) {
        window = new ChunkWindow(getRuntimeContext(), expectedSenders, gated);
        unsolvable = getRuntimeContext().getMetricGroup().counter("unsolvableChunks");
        // JVM-wide: 0 once FusedSortGuard has switched this task manager to the unfused sort.
        getRuntimeContext().getMetricGroup().<Integer, Gauge<Integer>>gauge("fusedSort", () -> FusedSortGuard.fusedAllowed() ? 1 : 0);
        // 1 when the coordinate-wise rules run the native AVX-512 kernel on this task manager.
        getRuntimeContext().getMetricGroup().<Integer, Gauge<Integer>>gauge("nativeKernel", () -> NativeCoordinateWise.available() ? 1 : 0);
    }

    @Override
    public void processElement(TensorChunk chunk, Context ctx, Collector<TensorChunk> out) throws Exception {
        if (window.offer(chunk) != ChunkWindow.Offer.ADDED || !window.rowsComplete()) {
            return;
        }
        long start = System.nanoTime();
        RoundRows rows = window.rows();
        long roundSeed = RoundSeeds.of(seed, chunk.getRound());
        int length = rows.rows()[0].length;
        double[] attribution = honest < expectedSenders ? new double[rows.rows().length] : null;
        AggregationPlan.Result onePass = attribution == null ? plan.aggregateOnePass(rows.rows(), rows.weights(), roundSeed) : null;
        float[] result = onePass != null ? onePass.vector() : new float[length];
        if (onePass == null) {
            Solution solution = Unsolvable.solveOrNull(plan, plan.partial(rows.rows(), 0, length, null, roundSeed),
                    rows.weights(), roundSeed, chunk.getRound(), unsolvable);
            if (solution != null) {
                plan.combine(solution, rows.rows(), null, result, attribution);
            }
        }
        long nanos = System.nanoTime() - start;
        out.collect(AggregatedChunks.of(chunk, result, rows.totalWeight()));
        RoundStat stat = RoundStat.of(RoundStat.Kind.AGGREGATE, chunk.getRound(), ids.id(chunk), nanos);
        if (attribution != null) {
            stat.byzantineMass = rows.byzantineMass(attribution, honest);
            stat.coordinates = length;
        }
        stat.count = rows.rows().length;
        stat.refused = window.duplicatesSeen();
        ctx.output(STATS, stat);
        window.close();
    }
}
