package io.byzflink.connectors.kafka;

import io.byzflink.serde.AvroEventSchema;
import io.byzflink.serde.InboundChunk;
import io.byzflink.serde.avro.Rejected;
import io.byzflink.serde.avro.RoundReport;
import io.byzflink.serde.avro.TensorChunk;

import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import java.util.function.Function;

/**
 * Builds the Flink Kafka sources and sinks of an experiment's topics from one place, so every
 * endpoint shares the bootstrap servers and the pass-through client properties (SSL, SASL, ...).
 *
 * <p>Latency matters more than throughput on the feedback loop: producers send at once
 * ({@code linger.ms=0}) and consumers return as soon as one record is there.
 *
 * <pre>{@code
 * KafkaEndpoints kafka = new KafkaEndpoints(KafkaProperties.of("127.0.0.1:9092").with("security.protocol", "SSL"));
 * env.fromSource(kafka.chunkSource("exp.updates", "exp-aggregator"), WatermarkStrategy.noWatermarks(), "updates");
 * }</pre>
 */
public final class KafkaEndpoints implements Serializable {

    private static final long serialVersionUID = 1L;

    private final KafkaProperties kafka;

    /** @param kafka bootstrap servers and pass-through client properties of the cluster */
    public KafkaEndpoints(KafkaProperties kafka) {
        this.kafka = kafka;
    }

    public KafkaProperties properties() {
        return kafka;
    }

    /**
     * A source of chunk records that never fails on bad bytes (see {@link ChunkRecordDeserializer}).
     * Starts from the group's committed offsets, else from the earliest record.
     */
    public KafkaSource<InboundChunk> chunkSource(String topic, String groupId, String experiment) {
        return chunkSource(topic, groupId, experiment, ChunkRecordDeserializer.DEFAULT_MAX_BYTES);
    }

    /** As above; records over {@code maxRecordBytes} become OVERSIZED dead letters unread. */
    public KafkaSource<InboundChunk> chunkSource(String topic, String groupId, String experiment, int maxRecordBytes) {
        return KafkaSource.<InboundChunk>builder()
                .setBootstrapServers(kafka.bootstrapServers())
                .setProperties(consumerProperties())
                .setTopics(topic)
                .setGroupId(groupId)
                .setClientIdPrefix(groupId + "-" + topic)
                .setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
                .setDeserializer(new ChunkRecordDeserializer(experiment, maxRecordBytes))
                .build();
    }

    /** A sink of chunks keyed by {@code key} (e.g. layer/chunk on the compacted model topic). */
    public KafkaSink<TensorChunk> chunkSink(String topic, SerializableKey<TensorChunk> key) {
        return sink(topic, TensorChunk.class, key);
    }

    public KafkaSink<RoundReport> reportSink(String topic) {
        return sink(topic, RoundReport.class, r -> r.getExperiment() + "/" + r.getRound());
    }

    public KafkaSink<Rejected> deadLetterSink(String topic) {
        return sink(topic, Rejected.class, r -> r.getReason().name());
    }

    private <T extends SpecificRecord> KafkaSink<T> sink(String topic, Class<T> type, SerializableKey<T> key) {
        AvroEventSchema<T> values = AvroEventSchema.of(type);
        KafkaRecordSerializationSchema<T> records = KafkaRecordSerializationSchema.<T>builder()
                .setTopic(topic)
                .setKeySerializationSchema(element -> key.apply(element).getBytes(StandardCharsets.UTF_8))
                .setValueSerializationSchema(values)
                .build();
        return KafkaSink.<T>builder()
                .setBootstrapServers(kafka.bootstrapServers())
                .setKafkaProducerConfig(producerProperties())
                .setRecordSerializer(records)
                .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
                .build();
    }

    /** Producer properties: {@link KafkaProperties#producer()} with room for the largest chunk. */
    public Properties producerProperties() {
        Properties p = kafka.producer();
        p.putIfAbsent("max.request.size", String.valueOf(ChunkRecordDeserializer.DEFAULT_MAX_BYTES));
        return p;
    }

    /** Consumer properties (no group): returns as soon as one record is there, fetches the largest chunk. */
    public Properties consumerProperties() {
        Properties p = kafka.consumer(null);
        p.putIfAbsent("fetch.min.bytes", "1");
        p.putIfAbsent("max.partition.fetch.bytes", String.valueOf(ChunkRecordDeserializer.DEFAULT_MAX_BYTES));
        return p;
    }

    /** A serializable record-key function. */
    @FunctionalInterface
    public interface SerializableKey<T> extends Function<T, String>, Serializable {}
}
