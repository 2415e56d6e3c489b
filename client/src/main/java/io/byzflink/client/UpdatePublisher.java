package io.byzflink.client;

import io.byzflink.serde.TensorCodec;
import io.byzflink.serde.TensorCodec.ChunkHeader;
import io.byzflink.serde.TensorLayout;
import io.byzflink.serde.avro.TensorChunk;
import io.byzflink.serde.avro.TensorKind;
import io.byzflink.serde.security.ChunkSigner;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/**
 * Sends a client's update for one model version to {@code <experiment>.updates}: cut into
 * {@code DELTA} chunks ({@link TensorCodec#splitAll}), each signed with the client's HMAC key
 * ({@link ChunkSigner#signed}), single-object encoded ({@link ChunkWire}), keyed by the client id
 * as a decimal string (so all of a client's chunks land in one partition, in order).
 *
 * <p>The producer runs with {@code acks=all} and idempotence, whatever the pass-through
 * properties say: the server counts an update only when every chunk is there, and a retried send
 * must neither duplicate nor reorder chunks. {@link #publish} returns only once every chunk is
 * acknowledged, so a returned round is really delivered.
 *
 * <p>Not thread-safe.
 */
public final class UpdatePublisher implements AutoCloseable {

    private final KafkaProducer<byte[], byte[]> producer;
    private final String topic;
    private final String experiment;
    private final int clientId;
    private final byte[] key;
    private final byte[] recordKey;
    private final TensorLayout layout;
    private final int chunkSize;

    /** What one {@link #publish} sent: chunk records and their value bytes. */
    public record Sent(long version, int chunks, long bytes) {}

    /**
     * @param producerProperties byte[] producer properties, e.g. {@link ClientKafka#producerProperties}
     * @param topic the updates topic, {@code <experiment>.updates}
     * @param experiment the chunks' experiment field
     * @param clientId the chunks' sender and the record key
     * @param key this client's HMAC key (copied)
     * @param layout the model's layers
     * @param chunkSize floats per chunk, the server's
     */
    public UpdatePublisher(Properties producerProperties, String topic, String experiment, int clientId, byte[] key,
            TensorLayout layout, int chunkSize) {
        Properties p = new Properties();
        p.putAll(producerProperties);
        p.setProperty(ProducerConfig.ACKS_CONFIG, "all");
        p.setProperty(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        this.producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
        this.topic = topic;
        this.experiment = experiment;
        this.clientId = clientId;
        this.key = key.clone();
        this.recordKey = Integer.toString(clientId).getBytes(StandardCharsets.UTF_8);
        this.layout = layout;
        this.chunkSize = chunkSize;
    }

    /** A publisher to the settings' updates topic with the settings' id and key. */
    public static UpdatePublisher open(ClientSettings s) {
        return new UpdatePublisher(ClientKafka.producerProperties(s.kafka()), s.topics().updates(),
                s.experiment(), s.clientId(), s.key(), s.tensorLayout(), s.chunkSize());
    }

    /**
     * The signed chunks of an update (what {@link #publish} sends): header {@code (experiment,
     * round = version, sender = client id, destination -1, DELTA, weight, createdAtMs = now)}.
     */
    public List<TensorChunk> signedChunks(long version, float[][] update, double weight) {
        ChunkHeader header = new ChunkHeader(experiment, version, clientId, -1, TensorKind.DELTA, weight,
                System.currentTimeMillis());
        List<TensorChunk> chunks = TensorCodec.splitAll(header, layout, update, chunkSize);
        List<TensorChunk> signed = new ArrayList<>(chunks.size());
        for (TensorChunk c : chunks) {
            signed.add(ChunkSigner.signed(c, key));
        }
        return signed;
    }

    /**
     * Sends the update computed from model {@code version} and waits until every chunk is
     * acknowledged.
     *
     * @param update one array per layer in layout order
     * @param weight aggregation weight, the number of training samples
     * @throws IllegalStateException when Kafka refused a chunk (the message says which and why)
     */
    public Sent publish(long version, float[][] update, double weight) throws InterruptedException {
        List<TensorChunk> chunks = signedChunks(version, update, weight);
        List<Future<RecordMetadata>> acks = new ArrayList<>(chunks.size());
        long bytes = 0;
        for (TensorChunk c : chunks) {
            byte[] value = ChunkWire.encode(c);
            bytes += value.length;
            acks.add(producer.send(new ProducerRecord<>(topic, recordKey, value)));
        }
        producer.flush();
        for (int i = 0; i < acks.size(); i++) {
            try {
                acks.get(i).get();
            } catch (ExecutionException e) {
                TensorChunk c = chunks.get(i);
                throw new IllegalStateException("Kafka refused chunk " + c.getChunkIndex() + " of layer " + c.getLayer()
                        + " of the update for model version " + version + " on " + topic + ": " + e.getCause()
                        + ". Check that the topic exists and this client may write to it (kafka.properties.*)",
                        e.getCause());
            }
        }
        return new Sent(version, chunks.size(), bytes);
    }

    @Override
    public void close() {
        producer.close(java.time.Duration.ofSeconds(10));
    }
}
