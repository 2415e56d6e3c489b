package io.byzflink.operators;

import io.byzflink.serde.TensorLayout;
import io.byzflink.serde.TensorSetAssembler;
import io.byzflink.serde.avro.RoundReport;
import io.byzflink.serde.avro.TensorChunk;
import io.byzflink.training.Evaluation;
import io.byzflink.training.LocalModel;
import io.byzflink.service.FlinkStoreFiles;
import io.byzflink.training.store.ModelStore;
import io.byzflink.training.store.ModelVersion;

import java.nio.file.FileAlreadyExistsException;
import java.time.Instant;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Watches the experiment's rounds (one key: the experiment): assembles each new model version,
 * evaluates it on the test set when due, and emits a {@link RoundReport} with the round's counts
 * and where its time went. Registers the dashboard metrics {@code round}, {@code testAccuracy},
 * {@code testLoss}, {@code lastRoundMs}, {@code acceptedUpdates} and (simulations)
 * {@code byzantineWeight}.
 *
 * <p>It sits beside the loop, not in it: evaluation never delays the next round. With a model
 * store folder it also saves every version (DJL parameter file + JSON metadata with the round,
 * rule, accuracy and content hash).
 */
public class RoundTracker extends KeyedCoProcessFunction<String, TensorChunk, RoundStat, RoundReport> {

    private final JobSettings settings;
    private final String modelStoreDir;
    private transient ModelStore store;
    private transient TensorLayout layout;
    private transient ChunkIds ids;
    private transient LocalModel model;
    private transient MapState<Long, TensorChunk> chunks; // key: roundChunkKey(version, chunk id)
    private transient MapState<Long, Integer> chunkCounts; // version -> chunks received
    private transient MapState<Long, RoundFigures> figures; // round -> totals
    private transient volatile long round = -1;
    private transient volatile double accuracy = Double.NaN;
    private transient volatile double loss = Double.NaN;
    private transient volatile long lastRoundMs;
    private transient volatile long acceptedUpdates;
    private transient volatile double byzantineWeight = Double.NaN;

    public RoundTracker(JobSettings settings) {
        this(settings, null);
    }

    /** @param modelStoreDir folder where every model version is also stored ({@link ModelStore}), or null */
    public RoundTracker(JobSettings settings, String modelStoreDir) {
        this.settings = settings;
        this.modelStoreDir = modelStoreDir;
    }

    @Override
    public void open(OpenContext openContext) throws Exception {
        // Field initializers of transient fields do not run when Flink deserializes the function
        // on a task manager: without this the dashboard would show accuracy 0 instead of NaN.
        round = -1;
        accuracy = Double.NaN;
        loss = Double.NaN;
        byzantineWeight = Double.NaN;
        store = modelStoreDir == null ? null : FlinkStoreFiles.open(modelStoreDir);
        layout = settings.tensorLayout();
        ids = new ChunkIds(layout, settings.chunkSize());
        model = FlinkGpu.subtaskModel(getRuntimeContext(), settings);
        chunks = getRuntimeContext().getMapState(new MapStateDescriptor<>("chunks", Types.LONG, TypeInformation.of(TensorChunk.class)));
        chunkCounts = getRuntimeContext().getMapState(new MapStateDescriptor<>("chunk-counts", Types.LONG, Types.INT));
        figures = getRuntimeContext().getMapState(new MapStateDescriptor<>("figures", Types.LONG, TypeInformation.of(RoundFigures.class)));
        MetricGroup metrics = getRuntimeContext().getMetricGroup();
        metrics.<Long, Gauge<Long>>gauge("round", () -> round);
        metrics.<Double, Gauge<Double>>gauge("testAccuracy", () -> accuracy);
        metrics.<Double, Gauge<Double>>gauge("testLoss", () -> loss);
        metrics.<Long, Gauge<Long>>gauge("lastRoundMs", () -> lastRoundMs);
        metrics.<Long, Gauge<Long>>gauge("acceptedUpdates", () -> acceptedUpdates);
        metrics.<Double, Gauge<Double>>gauge("byzantineWeight", () -> byzantineWeight);
    }

    @Override
    public void processElement2(RoundStat stat, Context ctx, Collector<RoundReport> out) throws Exception {
        RoundFigures f = figures.get(stat.round);
        f = f == null ? new RoundFigures() : f;
        f.add(stat);
        figures.put(stat.round, f);
    }

    @Override
    public void processElement1(TensorChunk chunk, Context ctx, Collector<RoundReport> out) throws Exception {
        long version = chunk.getRound();
        if (version == 0) {
            return; // the initial model: no round produced it
        }
        long key = ChunkIds.roundChunkKey(version, ids.id(chunk));
        if (chunks.contains(key)) {
            return;
        }
        chunks.put(key, chunk);
        Integer have = chunkCounts.get(version);
        int now = have == null ? 1 : have + 1;
        chunkCounts.put(version, now);
        if (now == ids.total()) {
            completeVersion(version, out);
        }
    }

    private void completeVersion(long version, Collector<RoundReport> out) throws Exception {
        long completedAt = System.currentTimeMillis();
        TensorSetAssembler assembler = new TensorSetAssembler(layout, settings.chunkSize());
        for (int id = 0; id < ids.total(); id++) {
            long key = ChunkIds.roundChunkKey(version, id);
            assembler.add(chunks.get(key));
            chunks.remove(key);
        }
        chunkCounts.remove(version);
        long r = version - 1;
        RoundFigures f = figures.get(r);
        f = f == null ? new RoundFigures() : f;
        figures.remove(r);
        RoundReport.Builder report = RoundReport.newBuilder()
                .setExperiment(settings.experiment())
                .setRound(r)
                .setTrainLoss(f.meanTrainLoss())
                .setAccepted(f.acceptedSenders())
                .setRejected((int) f.refused)
                .setRule(settings.rule())
                .setAttack(settings.attackLabel())
                .setTimestampMs(completedAt);
        long roundMs = f.modelCreatedAtMs == Long.MAX_VALUE ? 0 : completedAt - f.modelCreatedAtMs;
        long trainMs = f.trainSpanMs();
        long aggMs = f.aggregateNanos / 1_000_000;
        long updMs = f.updateNanos / 1_000_000;
        report.setRoundMs(roundMs).setTrainMs(trainMs).setAggregateMs(aggMs).setUpdateMs(updMs)
                .setTransportMs(Math.max(0, roundMs - trainMs - aggMs - updMs));
        if (settings.evaluates(version)) {
            long start = System.nanoTime();
            Evaluation e = model.evaluate(assembler.tensors(), WorkerShards.testSet(settings));
            report.setAccuracy(e.accuracy()).setLoss(e.meanLoss()).setEvalMs((System.nanoTime() - start) / 1_000_000);
            accuracy = e.accuracy();
            loss = e.meanLoss();
        }
        Double share = f.byzantineShare();
        if (settings.byzantine() > 0 && share != null) {
            report.setByzantineWeight(share);
            byzantineWeight = share;
        }
        if (store != null) {
            archive(version, r, assembler.tensors(), report.getAccuracy(), report.getLoss());
        }
        if (f.failed) {
            report.setMetrics(new java.util.HashMap<>(java.util.Map.of("failed_round", 1.0)));
        }
        round = r;
        lastRoundMs = roundMs;
        acceptedUpdates = f.acceptedSenders();
        out.collect(report.build());
    }

    /** Stores the version; after a recovery it may already be there (identical: versions are deterministic). */
    private void archive(long version, long round, float[][] params, Double accuracy, Double loss) throws Exception {
        try {
            store.save(new ModelVersion(version, round, settings.rule(), settings.attackLabel(), accuracy, loss,
                    Instant.now(), settings.modelSpec(), params));
        } catch (FileAlreadyExistsException replayed) {
            // stored before the restart
        }
    }

    @Override
    public void close() {
        if (model != null) {
            model.close();
        }
    }
}
