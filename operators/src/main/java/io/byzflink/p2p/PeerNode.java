package io.byzflink.p2p;

import io.byzflink.operators.FlinkGpu;
import io.byzflink.operators.WorkerShards;
import io.byzflink.serde.TensorLayout;
import io.byzflink.serde.avro.TensorChunk;
import io.byzflink.serde.avro.TensorKind;
import io.byzflink.training.Evaluation;
import io.byzflink.training.LocalModel;
import io.byzflink.training.TrainResult;
import io.byzflink.data.LabeledImages;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * A decentralized node per key (node id): the Flink adapter of {@link PeerNodeLogic}. Input is the
 * node's start signal and the exchange-topic messages addressed to it; output is the messages it
 * sends (to the exchange topic, keyed by destination) and, on {@link #REPORTS}, one
 * {@link NodeReport} per round. The node's state ({@link NodeState}) lives in keyed state, so
 * many nodes share a subtask and a restart resumes from the checkpoint; one DJL model per subtask
 * trains every node's parameters in turn. Counters: {@code lateMessages}, {@code bytesSent}.
 */
public class PeerNode extends KeyedProcessFunction<Integer, TensorChunk, TensorChunk> {

    public static final OutputTag<NodeReport> REPORTS = new OutputTag<>("node-reports", TypeInformation.of(NodeReport.class));

    private final PeerSettings settings;
    private transient TensorLayout layout;
    private transient LocalModel model;
    private transient ValueState<NodeState> state;
    private transient Counter bytesSent;

    public PeerNode(PeerSettings settings) {
        this.settings = settings;
    }

    /** The signal that starts node {@code node}: a SCORES chunk from sender -1. */
    public static TensorChunk startSignal(String experiment, int node) {
        return TensorChunk.newBuilder().setExperiment(experiment).setRound(-1).setSender(-1).setDestination(node)
                .setKind(TensorKind.SCORES).setLayer("start").setLayerIndex(0).setLayerCount(0).setChunkIndex(0)
                .setChunkCount(1).setOffset(0).setLayerLength(0).setValues(java.nio.ByteBuffer.allocate(0)).build();
    }

    @Override
    public void open(OpenContext openContext) {
        layout = settings.job().tensorLayout();
        model = FlinkGpu.subtaskModel(getRuntimeContext(), settings.job());
        state = getRuntimeContext().getState(new ValueStateDescriptor<>("node", TypeInformation.of(NodeState.class)));
        bytesSent = getRuntimeContext().getMetricGroup().counter("bytesSent");
    }

    @Override
    public void processElement(TensorChunk c, Context ctx, Collector<TensorChunk> out) throws Exception {
        NodeState st = state.value() != null ? state.value() : new NodeState();
        PeerNodeLogic logic = new PeerNodeLogic(settings, layout, host(ctx, out), ctx.getCurrentKey(), st);
        if (c.getSender() < 0) {
            logic.onStart(model.initialParameters(settings.initSeed(ctx.getCurrentKey())));
        } else {
            logic.onChunk(c);
        }
        state.update(st);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<TensorChunk> out) throws Exception {
        NodeState st = state.value();
        if (st != null) {
            new PeerNodeLogic(settings, layout, host(ctx, out), ctx.getCurrentKey(), st).onTimeout(timestamp);
            state.update(st);
        }
    }

    private NodeHost host(Context ctx, Collector<TensorChunk> out) {
        return new NodeHost() {
            @Override
            public TrainResult train(int node, long round, float[][] params, float[][] velocity) {
                LabeledImages shard = WorkerShards.shard(settings.job(), node);
                boolean flip = settings.isByzantine(node) && settings.job().labelFlipping();
                return model.train(params, velocity, shard, settings.job().trainConfig().withFlipLabels(flip),
                        settings.job().seed() * 1_000_003L + node * 7919L + round);
            }

            @Override
            public Evaluation evaluate(long version, float[][] params) {
                return settings.job().evaluates(version) ? model.evaluate(params, WorkerShards.testSet(settings.job())) : null;
            }

            @Override
            public long[] labelCounts(int node) {
                LabeledImages shard = WorkerShards.shard(settings.job(), node);
                long[] counts = new long[shard.numClasses()];
                for (int i = 0; i < shard.count(); i++) {
                    counts[shard.labels()[i]]++;
                }
                return counts;
            }

            @Override
            public void send(TensorChunk chunk) {
                bytesSent.inc(chunk.getValues().remaining());
                out.collect(chunk);
            }

            @Override
            public void report(NodeReport report) {
                ctx.output(REPORTS, report);
            }

            @Override
            public void wakeAt(long deadlineMs) {
                ctx.timerService().registerProcessingTimeTimer(deadlineMs);
            }

            @Override
            public long now() {
                return ctx.timerService().currentProcessingTime();
            }
        };
    }

    @Override
    public void close() {
        if (model != null) {
            model.close();
        }
    }
}
