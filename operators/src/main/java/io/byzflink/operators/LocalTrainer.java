package io.byzflink.operators;

import io.byzflink.serde.TensorCodec;
import io.byzflink.serde.TensorCodec.ChunkHeader;
import io.byzflink.serde.TensorLayout;
import io.byzflink.serde.TensorSetAssembler;
import io.byzflink.serde.avro.TensorChunk;
import io.byzflink.serde.avro.TensorKind;
import io.byzflink.data.LabeledImages;
import io.byzflink.training.LocalModel;
import io.byzflink.training.TrainResult;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * One simulated worker per key: assembles each new model version from its chunks, trains on the
 * worker's shard with DJL and emits the pseudo-gradient {@code global - local} as chunks.
 *
 * <p>One DJL model serves every key of the subtask; a key's own state (its optimizer momentum)
 * lives in Flink keyed state and is swapped in per round, so thousands of workers share a few
 * subtasks and recover from checkpoints.
 */
public class LocalTrainer extends KeyedProcessFunction<Integer, Tuple2<Integer, TensorChunk>, TensorChunk> {

    public static final OutputTag<RoundStat> STATS = new OutputTag<>("train-stats", TypeInformation.of(RoundStat.class));

    private final JobSettings settings;
    private transient LocalModel model;
    private transient TensorLayout layout;
    private transient ChunkIds ids;
    private transient MapState<Long, TensorChunk> pending; // key: roundChunkKey(version, chunk id)
    private transient MapState<Long, Integer> received; // version -> chunks in
    private transient ValueState<Long> lastTrained;
    private transient ValueState<float[][]> momentum;
    private transient Counter steps;
    private transient volatile long lastTrainMs;

    public LocalTrainer(JobSettings settings) {
        this.settings = settings;
    }

    @Override
    public void open(OpenContext openContext) {
        model = FlinkGpu.subtaskModel(getRuntimeContext(), settings);
        layout = settings.tensorLayout();
        ids = new ChunkIds(layout, settings.chunkSize());
        pending = getRuntimeContext().getMapState(new MapStateDescriptor<>("pending-chunks", Types.LONG,
                TypeInformation.of(TensorChunk.class)));
        received = getRuntimeContext().getMapState(new MapStateDescriptor<>("received-chunks", Types.LONG, Types.INT));
        lastTrained = getRuntimeContext().getState(new ValueStateDescriptor<>("last-trained", Types.LONG));
        momentum = getRuntimeContext().getState(new ValueStateDescriptor<>("momentum",
                TypeInformation.of(float[][].class)));
        steps = getRuntimeContext().getMetricGroup().counter("localSteps");
        getRuntimeContext().getMetricGroup().<Long, org.apache.flink.metrics.Gauge<Long>>gauge("lastTrainMs", () -> lastTrainMs);
    }

    @Override
    public void processElement(Tuple2<Integer, TensorChunk> in, Context ctx, Collector<TensorChunk> out) throws Exception {
        TensorChunk chunk = in.f1;
        long version = chunk.getRound();
        Long trained = lastTrained.value();
        if (trained != null && version <= trained) {
            return; // a version already trained (replay after recovery)
        }
        long key = ChunkIds.roundChunkKey(version, ids.id(chunk));
        if (pending.contains(key)) {
            return; // duplicate delivery
        }
        pending.put(key, chunk);
        Integer have = received.get(version);
        received.put(version, have == null ? 1 : have + 1);
        trainReadyVersions(ctx.getCurrentKey(), ctx, out);
    }

    /**
     * Trains every complete version in order. A worker trains each version once and in sequence,
     * even when a newer version's chunks arrive first: after a restore the model topic is replayed
     * from two partitions whose records interleave, and skipping the older version would train the
     * next round from the wrong momentum (a different update than the failure-free run).
     */
    private void trainReadyVersions(int worker, Context ctx, Collector<TensorChunk> out) throws Exception {
        while (true) {
            Long trained = lastTrained.value();
            long next = trained != null ? trained + 1 : lowestPendingVersion();
            Integer have = received.get(next);
            if (have == null || have < ids.total()) {
                return;
            }
            trainAndEmit(worker, next, ctx, out);
        }
    }

    private long lowestPendingVersion() throws Exception {
        long lowest = Long.MAX_VALUE;
        for (Long v : received.keys()) {
            lowest = Math.min(lowest, v);
        }
        return lowest;
    }

    private void trainAndEmit(int worker, long round, Context ctx, Collector<TensorChunk> out) throws Exception {
        TensorSetAssembler assembler = new TensorSetAssembler(layout, settings.chunkSize());
        long modelCreatedAt = Long.MAX_VALUE;
        for (int id = 0; id < ids.total(); id++) {
            TensorChunk c = pending.get(ChunkIds.roundChunkKey(round, id));
            pending.remove(ChunkIds.roundChunkKey(round, id));
            assembler.add(c);
            modelCreatedAt = Math.min(modelCreatedAt, c.getCreatedAtMs());
        }
        float[][] global = assembler.tensors();
        float[][] local = copy(global);
        float[][] velocity = momentum.value() != null ? momentum.value() : layout.newTensors();
        LabeledImages shard = WorkerShards.shard(settings, worker);
        long startedAt = System.currentTimeMillis();
        TrainResult result = model.train(local, velocity, shard,
                settings.trainConfig().withFlipLabels(settings.isByzantine(worker)),
                settings.seed() * 1_000_003L + worker * 7919L + round);
        subtractInto(global, local); // global now holds the pseudo-gradient global - local
        ChunkHeader header = new ChunkHeader(settings.experiment(), round, worker, -1, TensorKind.DELTA,
                shard.count(), System.currentTimeMillis());
        RoundStat stat = RoundStat.of(RoundStat.Kind.TRAIN, round, worker, result.elapsedNanos());
        stat.loss = result.meanLoss();
        stat.count = result.samples();
        stat.modelCreatedAtMs = modelCreatedAt;
        stat.startedAtMs = startedAt;
        stat.endedAtMs = System.currentTimeMillis();
        ctx.output(STATS, stat);
        for (TensorChunk c : TensorCodec.splitAll(header, layout, global, settings.chunkSize())) {
            out.collect(c);
        }
        momentum.update(velocity);
        lastTrained.update(round);
        received.remove(round);
        steps.inc(result.steps());
        lastTrainMs = result.elapsedNanos() / 1_000_000;
    }

    private static float[][] copy(float[][] src) {
        float[][] out = new float[src.length][];
        for (int i = 0; i < src.length; i++) {
            out[i] = src[i].clone();
        }
        return out;
    }

    private static void subtractInto(float[][] a, float[][] b) {
        for (int l = 0; l < a.length; l++) {
            float[] x = a[l];
            float[] y = b[l];
            for (int i = 0; i < x.length; i++) {
                x[i] -= y[i];
            }
        }
    }

    @Override
    public void close() {
        if (model != null) {
            model.close();
        }
    }
}
