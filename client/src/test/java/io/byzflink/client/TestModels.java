package io.byzflink.client;

import io.byzflink.connectors.kafka.KafkaProperties;
import io.byzflink.serde.TensorCodec;
import io.byzflink.serde.TensorCodec.ChunkHeader;
import io.byzflink.serde.TensorLayout;
import io.byzflink.serde.avro.TensorChunk;
import io.byzflink.serde.avro.TensorKind;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Future;

/**
 * Publishes model versions to a model topic the way the jobs module's {@code ModelBootstrap} and
 * the server's model updater do (MODEL chunks, sender -1, round = version, record key
 * {@code layerIndex/chunkIndex}), since the client module must not depend on jobs.
 */
final class TestModels {

    private TestModels() {}

    /** Publishes {@code params} as model {@code version} and waits for the acknowledgements. */
    static void publish(KafkaProperties kafka, String topic, String experiment, TensorLayout layout, int chunkSize,
            long version, float[][] params) {
        try (KafkaProducer<byte[], byte[]> producer = producer(kafka)) {
            List<Future<RecordMetadata>> acks = new ArrayList<>();
            for (TensorChunk c : TensorCodec.splitAll(ChunkHeader.of(experiment, version, -1, TensorKind.MODEL, 1.0),
                    layout, params, chunkSize)) {
                byte[] key = (c.getLayerIndex() + "/" + c.getChunkIndex()).getBytes(StandardCharsets.UTF_8);
                acks.add(producer.send(new ProducerRecord<>(topic, key, ChunkWire.encode(c))));
            }
            producer.flush();
            for (Future<RecordMetadata> ack : acks) {
                ack.get();
            }
        } catch (Exception e) {
            throw new IllegalStateException("could not publish model version " + version + " to " + topic, e);
        }
    }

    /** Writes raw {@code value} bytes under {@code key} (noise the client must skip). */
    static void publishRaw(KafkaProperties kafka, String topic, String key, byte[] value) {
        try (KafkaProducer<byte[], byte[]> producer = producer(kafka)) {
            producer.send(new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), value)).get();
        } catch (Exception e) {
            throw new IllegalStateException("could not write to " + topic, e);
        }
    }

    /**
     * Not idempotent, unlike the client's: a write right after the topics were created can meet a
     * partition whose leader is not ready yet (NOT_LEADER_OR_FOLLOWER), after which the embedded
     * broker answers an idempotent producer's retries with OUT_OF_ORDER_SEQUENCE_NUMBER until the
     * delivery timeout. A plain producer simply retries. (The client writes long after creation.)
     */
    private static KafkaProducer<byte[], byte[]> producer(KafkaProperties kafka) {
        Properties p = ClientKafka.producerProperties(kafka);
        p.setProperty(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false");
        p.setProperty(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }
}
