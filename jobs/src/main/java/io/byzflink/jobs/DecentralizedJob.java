package io.byzflink.jobs;

import io.byzflink.connectors.kafka.ExperimentTopics;
import io.byzflink.connectors.kafka.KafkaEndpoints;
import io.byzflink.jobs.config.ExperimentConfig;
import io.byzflink.jobs.config.ExperimentOptions;
import io.byzflink.operators.ValidateUpdates;
import io.byzflink.p2p.ExchangeValidator;
import io.byzflink.p2p.PeerNode;
import io.byzflink.p2p.PeerSettings;
import io.byzflink.p2p.PeerTracker;
import io.byzflink.serde.avro.RoundReport;
import io.byzflink.serde.avro.TensorChunk;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;


/**
 * The decentralized job: no server; nodes keyed by id train locally and exchange models with
 * their neighbours through the exchange topic, which is the feedback loop (Flink 2 has no
 * iterations):
 *
 * <pre>
 *  start signals ─┐
 *  exchange topic ─> ValidateUpdates ─┴─> PeerNode (key: node) ─> exchange topic (key: destination)
 *                          │                   └─> NodeReport ─> PeerTracker ─> reports topic
 *                          └─> dead-letter topic
 * </pre>
 *
 * <p>{@link ExperimentJob} selects it ({@code mode: decentralized}) for {@code flink run}; locally
 * {@code bin/byzflink run} wraps it with an embedded broker and a MiniCluster.
 */
public final class DecentralizedJob {

    private DecentralizedJob() {}

    /** Adds the whole decentralized graph to {@code env}. */
    public static void build(StreamExecutionEnvironment env, ExperimentConfig config, KafkaEndpoints kafka) {
        PeerSettings s = config.peerSettings();
        String exp = s.job().experiment();
        ExperimentTopics topics = new ExperimentTopics(exp);
        env.setBufferTimeout(0); // each exchange hop would otherwise wait for a buffer to fill
        env.setParallelism(config.get(ExperimentOptions.PARALLELISM));
        Checkpointing.apply(env, config);
        SingleOutputStreamOperator<TensorChunk> messages = env
                .fromSource(kafka.chunkSource(topics.exchange(), exp + "-nodes", exp), WatermarkStrategy.noWatermarks(), "exchange topic")
                .uid("exchange-source")
                .process(new ValidateUpdates(new ExchangeValidator(s))).name("ValidateExchange").uid("validate-exchange");
        messages.getSideOutput(ValidateUpdates.REJECTED).sinkTo(kafka.deadLetterSink(topics.deadLetter()))
                .name("dead-letter topic").uid("dead-letter-sink");
        DataStream<TensorChunk> starts = env.fromSequence(0, s.nodes() - 1).name("start signals").uid("start-signals")
                .map(node -> PeerNode.startSignal(exp, node.intValue()), TypeInformation.of(TensorChunk.class))
                .name("start").uid("start");
        SingleOutputStreamOperator<TensorChunk> sent = messages.union(starts)
                .keyBy(TensorChunk::getDestination, Types.INT)
                .process(new PeerNode(s)).name("PeerNode").uid("peer-node");
        sent.sinkTo(kafka.chunkSink(topics.exchange(), c -> String.valueOf(c.getDestination())))
                .name("exchange topic").uid("exchange-sink");
        SingleOutputStreamOperator<RoundReport> reports = sent.getSideOutput(PeerNode.REPORTS)
                .keyBy(r -> exp, Types.STRING)
                .process(new PeerTracker(s)).name("PeerTracker").uid("peer-tracker").setParallelism(1);
        reports.sinkTo(kafka.reportSink(topics.reports())).name("reports topic").uid("reports-sink").setParallelism(1);
    }
}
