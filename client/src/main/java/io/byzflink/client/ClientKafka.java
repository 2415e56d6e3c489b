package io.byzflink.client;

import io.byzflink.connectors.kafka.ChunkRecordDeserializer;
import io.byzflink.connectors.kafka.KafkaProperties;

import java.util.Properties;

/**
 * Kafka client properties of a federation member: the same settings as the server's
 * {@code KafkaEndpoints.producerProperties()} and {@code consumerProperties()}.
 *
 * <p>Why not call {@code KafkaEndpoints}: it builds Flink sources and sinks, so loading the class
 * needs flink-core, which this client library does not have on its class path. Only the
 * compile-time constant {@link ChunkRecordDeserializer#DEFAULT_MAX_BYTES} is taken from there
 * (javac inlines it; the Flink-based class is never loaded), so both sides stay in step.
 */
public final class ClientKafka {

    /** Largest record the client sends or fetches: the server's limit for a chunk record. */
    public static final int MAX_RECORD_BYTES = ChunkRecordDeserializer.DEFAULT_MAX_BYTES;

    private ClientKafka() {}

    /**
     * {@link KafkaProperties#producer()} (byte[] keys and values, {@code acks=all}, idempotent,
     * no lingering) with room for the largest chunk.
     */
    public static Properties producerProperties(KafkaProperties kafka) {
        Properties p = kafka.producer();
        p.putIfAbsent("max.request.size", String.valueOf(MAX_RECORD_BYTES));
        return p;
    }

    /**
     * {@link KafkaProperties#consumer(String)} without a group (for {@code assign()}), returning
     * as soon as one record is there and able to fetch the largest chunk.
     */
    public static Properties consumerProperties(KafkaProperties kafka) {
        Properties p = kafka.consumer(null);
        p.putIfAbsent("fetch.min.bytes", "1");
        p.putIfAbsent("max.partition.fetch.bytes", String.valueOf(MAX_RECORD_BYTES));
        return p;
    }
}
