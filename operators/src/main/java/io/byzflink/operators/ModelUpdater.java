package io.byzflink.operators;

import io.byzflink.serde.TensorCodec;
import io.byzflink.serde.avro.TensorChunk;
import io.byzflink.serde.avro.TensorKind;
import io.byzflink.server.ServerOptimizer;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * The server optimizer for one chunk of the model (key = chunk id): applies round r's aggregated
 * update to model version r and emits version r + 1, which the job writes to the model topic,
 * closing the feedback loop.
 *
 * <p>Input is the union of the model topic (MODEL chunks: the source of truth, so a fresh
 * subtask learns the current version from Kafka) and the aggregator (DELTA chunks). Versions only
 * go up: an update for a version already superseded is a replay and is ignored, and one that
 * arrives before its model version is held until the version does.
 */
public class ModelUpdater extends KeyedProcessFunction<Integer, TensorChunk, TensorChunk> {

    public static final OutputTag<RoundStat> STATS = new OutputTag<>("update-stats", TypeInformation.of(RoundStat.class));

    /** Experiments whose injected failure already happened in this JVM: it fires once, not after every restart. */
    private static final java.util.Set<String> FAILED_ONCE = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private final ServerOptimizer optimizer;
    private final String experiment;
    private final long failOnceAtRound;
    private transient ValueState<Long> version;
    private transient ValueState<float[]> weights;
    private transient ValueState<float[]> momentum;
    private transient MapState<Long, TensorChunk> waiting; // round -> its aggregate, until version round exists

    public ModelUpdater(ServerOptimizer optimizer) {
        this(optimizer, "", -1);
    }

    /**
     * @param failOnceAtRound throw once (per JVM and experiment) when about to apply this round, to
     *     exercise recovery from a checkpoint ({@code failure.inject-at-round}); -1 never
     */
    public ModelUpdater(ServerOptimizer optimizer, String experiment, long failOnceAtRound) {
        this.optimizer = optimizer;
        this.experiment = experiment;
        this.failOnceAtRound = failOnceAtRound;
    }

    @Override
    public void open(OpenContext openContext) {
        version = getRuntimeContext().getState(new ValueStateDescriptor<>("version", Types.LONG));
        weights = getRuntimeContext().getState(new ValueStateDescriptor<>("weights",
                TypeInformation.of(float[].class)));
        momentum = getRuntimeContext().getState(new ValueStateDescriptor<>("momentum",
                TypeInformation.of(float[].class)));
        waiting = getRuntimeContext().getMapState(new MapStateDescriptor<>("waiting-aggregates", Types.LONG,
                TypeInformation.of(TensorChunk.class)));
    }

    @Override
    public void processElement(TensorChunk chunk, Context ctx, Collector<TensorChunk> out) throws Exception {
        long current = version.value() == null ? -1 : version.value();
        if (chunk.getKind() == TensorKind.MODEL) {
            if (chunk.getRound() > current) {
                version.update(chunk.getRound());
                weights.update(TensorCodec.decode(chunk.getValues()));
                applyWaiting(ctx, out);
            }
            return;
        }
        if (chunk.getRound() == current) {
            apply(chunk, ctx, out);
            applyWaiting(ctx, out);
        } else if (chunk.getRound() > current) {
            // Its model version is still on its way through Kafka. After a restore several rounds'
            // aggregates may arrive before the versions they apply to: keep each.
            waiting.put(chunk.getRound(), chunk);
        }
    }

    /** Applies held aggregates while one matches the current version; drops those already superseded. */
    private void applyWaiting(Context ctx, Collector<TensorChunk> out) throws Exception {
        while (true) {
            long current = version.value();
            java.util.List<Long> stale = new java.util.ArrayList<>();
            for (Long r : waiting.keys()) {
                if (r < current) {
                    stale.add(r);
                }
            }
            for (Long r : stale) {
                waiting.remove(r);
            }
            TensorChunk held = waiting.get(current);
            if (held == null) {
                return;
            }
            waiting.remove(current);
            apply(held, ctx, out);
        }
    }

    private void apply(TensorChunk update, Context ctx, Collector<TensorChunk> out) throws Exception {
        if (update.getRound() == failOnceAtRound && FAILED_ONCE.add(experiment)) {
            throw new IllegalStateException("failure injected at round " + failOnceAtRound + " (failure.inject-at-round)");
        }
        long start = System.nanoTime();
        float[] w = weights.value();
        float[] m = null;
        if (optimizer.usesMomentum()) {
            m = momentum.value() != null ? momentum.value() : new float[w.length];
        }
        if (update.getWeight() > 0) {
            optimizer.step(w, m, TensorCodec.decode(update.getValues()), update.getRound());
        } // weight 0: a failed round (no quorum in time); the next version repeats this one
        long next = update.getRound() + 1;
        version.update(next);
        weights.update(w);
        if (m != null) {
            momentum.update(m);
        }
        out.collect(TensorChunk.newBuilder(update)
                .setRound(next)
                .setSender(-1)
                .setKind(TensorKind.MODEL)
                .setValues(TensorCodec.encode(w))
                .setWeight(1.0)
                .setCreatedAtMs(System.currentTimeMillis())
                .build());
        ctx.output(STATS, RoundStat.of(RoundStat.Kind.UPDATE, update.getRound(), ctx.getCurrentKey(),
                System.nanoTime() - start));
    }
}
