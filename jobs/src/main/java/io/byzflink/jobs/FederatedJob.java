package io.byzflink.jobs;

import io.byzflink.connectors.kafka.ExperimentTopics;
import io.byzflink.connectors.kafka.KafkaEndpoints;
import io.byzflink.jobs.config.ExperimentConfig;
import io.byzflink.jobs.config.ExperimentOptions;
import io.byzflink.operators.AggregationGraph;
import io.byzflink.operators.AttackGraph;
import io.byzflink.operators.ChunkIds;
import io.byzflink.operators.ChunkValidator;
import io.byzflink.operators.JobSettings;
import io.byzflink.operators.LocalTrainer;
import io.byzflink.operators.ModelFanOut;
import io.byzflink.operators.ModelUpdater;
import io.byzflink.operators.RoundStat;
import io.byzflink.operators.RoundTracker;
import io.byzflink.operators.ValidateUpdates;
import io.byzflink.serde.avro.Rejected;
import io.byzflink.service.RoundGate;
import io.byzflink.service.SignedUpdateCheck;
import io.byzflink.service.VersionSignals;
import io.byzflink.serde.InboundChunk;
import io.byzflink.serde.avro.RoundReport;
import io.byzflink.serde.avro.TensorChunk;
import io.byzflink.serde.avro.TensorKind;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;


/**
 * The parameter-server job. Kafka is the feedback loop (Flink 2 has no iterations):
 *
 * <pre>
 *  model topic ─┬─> fan-out ─> LocalTrainer (key: worker) ─┬─────────────────> updates topic
 *               │                      (simulation) AttackGraph: Byzantine ─┘
 *               │                                                │
 *               │      updates topic ─> ValidateUpdates ─> RoundAggregator (key: round, chunk)
 *               │                               │                  or Gram phases A -> B -> C
 *               │                               └─> dead-letter topic      │
 *               └──────────────────────────────> ModelUpdater (key: chunk) <┘
 *                                                    ├─> model topic (version r + 1)
 *                                                    └─> RoundTracker ─> reports topic
 * </pre>
 *
 * <p>{@link ExperimentJob} selects it ({@code mode: parameter-server}) for {@code flink run};
 * locally, {@code bin/byzflink run} wraps it with an embedded broker and a MiniCluster.
 */
public final class FederatedJob {

    private FederatedJob() {}

    /** Adds the whole parameter-server graph to {@code env}. */
    public static void build(StreamExecutionEnvironment env, ExperimentConfig config, KafkaEndpoints kafka) {
        JobSettings s = config.jobSettings();
        ExperimentTopics topics = new ExperimentTopics(s.experiment());
        ChunkIds ids = new ChunkIds(s.tensorLayout(), s.chunkSize());
        DataStream<TensorChunk> fromModelTopic = modelTopic(env, config, kafka, s, topics);
        DataStream<TensorChunk> models = modelVersions(fromModelTopic);
        SingleOutputStreamOperator<TensorChunk> updates = addWorkers(models, s, ids, kafka, topics);
        addServer(env, config, fromModelTopic, models, updates.getSideOutput(LocalTrainer.STATS), s, ids, kafka, topics, null);
    }

    /** The job-wide settings and the model topic, the loop's source of truth. */
    static DataStream<TensorChunk> modelTopic(StreamExecutionEnvironment env, ExperimentConfig config, KafkaEndpoints kafka,
            JobSettings s, ExperimentTopics topics) {
        // Every hop of the loop would otherwise wait for a network buffer to fill (~100 ms).
        env.setBufferTimeout(0);
        env.setParallelism(config.get(ExperimentOptions.PARALLELISM));
        Checkpointing.apply(env, config);
        return env.fromSource(kafka.chunkSource(topics.model(), s.experiment() + "-server", s.experiment()),
                        WatermarkStrategy.noWatermarks(), "model topic")
                .uid("model-source").setParallelism(1)
                .filter(InboundChunk::isValid).name("decoded").setParallelism(1)
                .map(in -> in.chunk, TypeInformation.of(TensorChunk.class)).name("chunks").setParallelism(1);
    }

    static DataStream<TensorChunk> modelVersions(DataStream<TensorChunk> fromModelTopic) {
        return fromModelTopic.filter(c -> c.getKind() == TensorKind.MODEL).name("model versions").setParallelism(1);
    }

    /**
     * The server: updates topic, validation, robust aggregation, server optimizer, model topic and
     * tracker. With {@code service} (real clients) the updates are checked against the client
     * registry and a round gate decides each round's participants.
     */
    static void addServer(StreamExecutionEnvironment env, ExperimentConfig config, DataStream<TensorChunk> fromModelTopic,
            DataStream<TensorChunk> models, DataStream<RoundStat> workerStats, JobSettings s, ChunkIds ids, KafkaEndpoints kafka,
            ExperimentTopics topics, ServiceSettings service) {
        long failOnceAtRound = config.get(ExperimentOptions.FAILURE_ROUND);
        AggregationGraph.Result aggregation = addAggregation(env, fromModelTopic, models, s, ids, kafka, topics, service);
        DataStream<TensorChunk> toUpdater = models.union(aggregation.aggregated());
        DataStream<RoundStat> stats = aggregation.stats();
        if (service != null) {
            toUpdater = toUpdater.union(aggregation.failedRounds());
        }
        SingleOutputStreamOperator<TensorChunk> next = toUpdater
                .keyBy(ids::id, Types.INT)
                .process(new ModelUpdater(s.serverOptimizer(), s.experiment(), failOnceAtRound)).name("ModelUpdater").uid("model-updater");
        next.sinkTo(kafka.chunkSink(topics.model(), c -> c.getLayerIndex() + "/" + c.getChunkIndex()))
                .name("model topic").uid("model-sink");
        stats = stats.union(next.getSideOutput(ModelUpdater.STATS));
        if (workerStats != null) {
            stats = stats.union(workerStats);
        }
        // The tracker reads versions back from the model topic, not from the updater: after a
        // restore, an updater key may adopt a version its pre-failure self already published
        // (and not emit it again), so only the topic holds every chunk of every version.
        addTracker(models, stats, s, kafka, topics, config.get(ExperimentOptions.MODEL_STORE));
    }

    /** The workers: honest trainers (and label flippers), plus the forged Byzantine updates of a simulation. */
    private static SingleOutputStreamOperator<TensorChunk> addWorkers(DataStream<TensorChunk> models, JobSettings s,
            ChunkIds ids, KafkaEndpoints kafka, ExperimentTopics topics) {
        SingleOutputStreamOperator<TensorChunk> updates = models
                .flatMap(new ModelFanOut(s.trainers(), s.rounds())).name("fan out to workers")
                .keyBy(t -> t.f0, Types.INT)
                .process(new LocalTrainer(s)).name("LocalTrainer").uid("local-trainer");
        DataStream<TensorChunk> all = updates;
        if (s.forgesUpdates()) {
            all = updates.union(AttackGraph.forge(updates, s.attack(), s.honest(), s.byzantine(), ids, s.seed()));
        }
        all.sinkTo(kafka.chunkSink(topics.updates(), c -> String.valueOf(c.getSender())))
                .name("updates topic").uid("updates-sink");
        return updates;
    }

    /** The server side up to the aggregate: the updates topic, validation and dead letters, the round gate, the robust rule. */
    private static AggregationGraph.Result addAggregation(StreamExecutionEnvironment env, DataStream<TensorChunk> fromModelTopic,
            DataStream<TensorChunk> models, JobSettings s, ChunkIds ids, KafkaEndpoints kafka, ExperimentTopics topics,
            ServiceSettings service) {
        String exp = s.experiment();
        ChunkValidator content = new ChunkValidator(exp, s.senders(), s.rounds(), s.tensorLayout(), s.chunkSize());
        // A chunk holds at most chunk-size floats; the rest of a record is its header (names, shape,
        // signature): anything much larger is refused unread.
        int maxRecordBytes = 4 * s.chunkSize() + 64 * 1024;
        SingleOutputStreamOperator<TensorChunk> valid = env
                .fromSource(kafka.chunkSource(topics.updates(), exp + "-aggregator", exp, maxRecordBytes),
                        WatermarkStrategy.noWatermarks(), "updates topic")
                .uid("updates-source")
                .process(service == null ? new ValidateUpdates(content)
                        : new ValidateUpdates(new SignedUpdateCheck(content, service.clients()), false))
                .name("ValidateUpdates").uid("validate-updates");
        DataStream<Rejected> rejected = valid.getSideOutput(ValidateUpdates.REJECTED);
        DataStream<TensorChunk> toWindows = valid;
        SingleOutputStreamOperator<TensorChunk> gate = null;
        if (service != null) {
            gate = valid.keyBy(TensorChunk::getRound, Types.LONG)
                    .connect(models.flatMap(new VersionSignals(service.maxAhead())).name("version signals").setParallelism(1)
                            .keyBy(v -> v.f0, Types.LONG))
                    .process(new RoundGate(exp, topics.updates(), s.tensorLayout(), s.chunkSize(), service.policy(),
                            service.maxAhead()))
                    .name("RoundGate").uid("round-gate");
            rejected = rejected.union(gate.getSideOutput(RoundGate.REJECTED));
            toWindows = gate;
        }
        rejected.sinkTo(kafka.deadLetterSink(topics.deadLetter())).name("dead-letter topic").uid("dead-letter-sink");
        // The previous aggregate, for rules that start from it (centered clipping), comes back
        // through the model topic: feeding the aggregate to phase A directly would be a cycle.
        DataStream<TensorChunk> previous = fromModelTopic
                .filter(c -> c.getKind() == TensorKind.DELTA && c.getSender() < 0).name("previous aggregates").setParallelism(1);
        AggregationGraph.Result aggregation = AggregationGraph.build(toWindows, previous, s.aggregation(), s.senders(), s.honest(),
                ids, s.seed(), "", service != null);
        if (s.aggregation().referenceCount() > 0) {
            aggregation.aggregated()
                    .sinkTo(kafka.chunkSink(topics.model(), c -> "aggregate/" + c.getLayerIndex() + "/" + c.getChunkIndex()))
                    .name("aggregates to model topic").uid("aggregate-sink");
        }
        if (gate != null) {
            aggregation = aggregation.withGate(gate.getSideOutput(RoundGate.FAILED), gate.getSideOutput(RoundGate.STATS));
        }
        return aggregation;
    }

    /** Beside the loop: evaluation and one report per round. */
    private static void addTracker(DataStream<TensorChunk> next, DataStream<RoundStat> stats, JobSettings s,
            KafkaEndpoints kafka, ExperimentTopics topics, String modelStoreDir) {
        String exp = s.experiment();
        SingleOutputStreamOperator<RoundReport> reports = next.keyBy(c -> exp, Types.STRING)
                .connect(stats.keyBy(st -> exp, Types.STRING))
                .process(new RoundTracker(s, modelStoreDir)).name("RoundTracker").uid("round-tracker").setParallelism(1);
        reports.sinkTo(kafka.reportSink(topics.reports())).name("reports topic").uid("reports-sink").setParallelism(1);
    }
}
