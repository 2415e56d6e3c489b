package io.byzflink.jobs;

import io.byzflink.connectors.kafka.ExperimentTopics;
import io.byzflink.connectors.kafka.KafkaEndpoints;
import io.byzflink.jobs.config.ExperimentConfig;
import io.byzflink.operators.ChunkIds;
import io.byzflink.operators.JobSettings;
import io.byzflink.serde.avro.TensorChunk;

import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The server of a real federation ({@code mode: service}): clients elsewhere, in any language,
 * publish signed updates for model version r to {@code <exp>.updates}; this job checks each chunk
 * (content, registered sender, HMAC), lets a round gate decide the round's participants (all
 * registered clients, or a quorum at the timeout, or a failed round past the maximum wait),
 * aggregates them robustly, applies the server optimizer and publishes version r + 1 to the
 * compacted {@code <exp>.model} topic, with a report per round and every version in the model
 * store.
 *
 * <pre>
 *  updates topic ─> ValidateUpdates (registry, HMAC) ─> RoundGate (key: round) ─> robust aggregation
 *                          └─> dead-letter topic <─ duplicates, late ┘                  │
 *  model topic ──> version signals ─┘                        ModelUpdater (key: chunk) <┘
 *       ▲                                                        ├─> model topic (version r + 1)
 *       └────────────────────────────────────────────────────────┘─> RoundTracker ─> reports, model store
 * </pre>
 */
public final class AggregationServiceJob {

    private AggregationServiceJob() {}

    public static void build(StreamExecutionEnvironment env, ExperimentConfig config, KafkaEndpoints kafka) {
        JobSettings s = config.jobSettings();
        ServiceSettings service = config.serviceSettings();
        ExperimentTopics topics = new ExperimentTopics(s.experiment());
        ChunkIds ids = new ChunkIds(s.tensorLayout(), s.chunkSize());
        DataStream<TensorChunk> fromModelTopic = FederatedJob.modelTopic(env, config, kafka, s, topics);
        DataStream<TensorChunk> models = FederatedJob.modelVersions(fromModelTopic);
        FederatedJob.addServer(env, config, fromModelTopic, models, null, s, ids, kafka, topics, service);
    }
}
