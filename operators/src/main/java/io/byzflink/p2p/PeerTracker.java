package io.byzflink.p2p;

import io.byzflink.serde.avro.RoundReport;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

import java.util.HashMap;
import java.util.Map;

/**
 * Folds the honest nodes' reports of each round into one {@link RoundReport} (one key: the
 * experiment): mean and worst test accuracy, consensus distance (mean squared distance of the
 * honest models to their average), bytes of the round's exchange ({@link NodeReport#bytesExchanged}), missing and late messages. The
 * report's {@code accuracy} is the mean honest accuracy; the figures also go to {@code metrics}
 * as {@code mean_accuracy}, {@code min_accuracy}, {@code consensus_distance},
 * {@code bytes_exchanged} and {@code bytes_total}, and to the dashboard as gauges.
 */
public class PeerTracker extends KeyedProcessFunction<String, NodeReport, RoundReport> {

    private final PeerSettings settings;
    private transient MapState<Long, HonestRound> rounds;
    private transient ValueState<Long> bytesTotal;
    private transient volatile long round = -1;
    private transient volatile double meanAccuracy = Double.NaN;
    private transient volatile double minAccuracy = Double.NaN;
    private transient volatile double consensusDistance = Double.NaN;
    private transient volatile long bytesExchanged;

    public PeerTracker(PeerSettings settings) {
        this.settings = settings;
    }

    @Override
    public void open(OpenContext openContext) {
        // Transient field initializers do not run after deserialization on a task manager.
        round = -1;
        meanAccuracy = Double.NaN;
        minAccuracy = Double.NaN;
        consensusDistance = Double.NaN;
        rounds = getRuntimeContext().getMapState(new MapStateDescriptor<>("rounds", Types.LONG, TypeInformation.of(HonestRound.class)));
        bytesTotal = getRuntimeContext().getState(new ValueStateDescriptor<>("bytes-total", Types.LONG));
        MetricGroup m = getRuntimeContext().getMetricGroup();
        m.<Long, Gauge<Long>>gauge("round", () -> round);
        m.<Double, Gauge<Double>>gauge("meanAccuracy", () -> meanAccuracy);
        m.<Double, Gauge<Double>>gauge("minAccuracy", () -> minAccuracy);
        m.<Double, Gauge<Double>>gauge("consensusDistance", () -> consensusDistance);
        m.<Long, Gauge<Long>>gauge("bytesExchanged", () -> bytesExchanged);
    }

    @Override
    public void processElement(NodeReport r, Context ctx, Collector<RoundReport> out) throws Exception {
        HonestRound acc = rounds.get(r.round);
        acc = acc == null ? new HonestRound() : acc;
        acc.add(r);
        if (acc.reports < settings.job().honest()) {
            rounds.put(r.round, acc);
            return;
        }
        rounds.remove(r.round);
        long total = (bytesTotal.value() == null ? 0 : bytesTotal.value()) + acc.bytes;
        bytesTotal.update(total);
        out.collect(report(r.round, acc, total));
    }

    private RoundReport report(long r, HonestRound acc, long total) {
        Map<String, Double> metrics = new HashMap<>();
        Double mean = acc.meanAccuracy();
        if (mean != null) {
            metrics.put("mean_accuracy", mean);
            metrics.put("min_accuracy", acc.minAccuracy);
            meanAccuracy = mean;
            minAccuracy = acc.minAccuracy;
        }
        consensusDistance = acc.consensus.value();
        metrics.put("consensus_distance", consensusDistance);
        metrics.put("bytes_exchanged", (double) acc.bytes);
        metrics.put("bytes_total", (double) total);
        metrics.put("missing", (double) acc.missing);
        metrics.put("late", (double) acc.late);
        if (settings.protocol().pulls()) {
            metrics.put("pulls", (double) acc.pulls);
        }
        round = r;
        bytesExchanged = acc.bytes;
        long roundMs = System.currentTimeMillis() - acc.firstStartMs;
        return RoundReport.newBuilder()
                .setExperiment(settings.job().experiment())
                .setRound(r)
                .setAccuracy(mean)
                .setLoss(acc.meanLoss())
                .setTrainLoss(acc.meanTrainLoss())
                .setAccepted(acc.received)
                .setRejected(acc.missing + acc.late)
                .setRoundMs(roundMs)
                .setTrainMs(acc.maxTrainMs)
                .setAggregateMs(acc.maxAggregateMs)
                .setTransportMs(Math.max(0, roundMs - acc.maxTrainMs - acc.maxAggregateMs - acc.maxEvalMs))
                .setEvalMs(acc.maxEvalMs)
                .setRule(settings.describe())
                .setAttack(settings.job().attackLabel() + (settings.dissensus() ? " (dissensus)" : ""))
                .setMetrics(new HashMap<>(metrics))
                .setTimestampMs(System.currentTimeMillis())
                .build();
    }
}
