package io.byzflink.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.byzflink.client.FederatedClient;
import io.byzflink.client.RoundResult;
import io.byzflink.client.ClientSettings;
import io.byzflink.connectors.kafka.EmbeddedKafka;
import io.byzflink.connectors.kafka.ExperimentTopics;
import io.byzflink.connectors.kafka.KafkaEndpoints;
import io.byzflink.connectors.kafka.KafkaProperties;
import io.byzflink.data.TestData;
import io.byzflink.jobs.config.ExperimentConfig;
import io.byzflink.jobs.run.ExperimentRunner;
import io.byzflink.serde.AvroEventSchema;
import io.byzflink.serde.TensorCodec;
import io.byzflink.serde.TensorCodec.ChunkHeader;
import io.byzflink.serde.avro.RejectReason;
import io.byzflink.serde.avro.Rejected;
import io.byzflink.serde.avro.RoundReport;
import io.byzflink.serde.avro.TensorChunk;
import io.byzflink.serde.avro.TensorKind;
import io.byzflink.serde.security.ChunkSigner;
import io.byzflink.training.store.ModelStore;
import io.byzflink.training.store.ModelVersionInfo;

import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectClusterRESTAddress;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * The aggregation service as a real federation's server, on a MiniCluster and an embedded
 * broker: 8 Java clients (clients 6 and 7 Byzantine, sending -4 x their update) train on their
 * shards of the committed subset and publish signed updates; the service aggregates 10 rounds
 * robustly, publishes each version and stores it. Meanwhile forged events arrive: a chunk signed
 * with another client's key, an unsigned one, one from an unregistered sender and a replay;
 * each lands in the dead-letter topic with its reason and none changes a round.
 */
class AggregationServiceITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(2)
            .build());

    private static final int CLIENTS = 8;
    private static final int ROUNDS = 10;
    private static final String EXP = "service-itcase";

    private static String key(int client) {
        byte[] k = new byte[32];
        for (int i = 0; i < k.length; i++) {
            k[i] = (byte) (31 * client + 7 * i + 1);
        }
        return HexFormat.of().formatHex(k);
    }

    @Test
    void eightSignedClientsTrainThroughTheServiceAndForgeriesAreDeadLettered(@InjectClusterRESTAddress URI rest,
            @TempDir Path out) throws Exception {
        try (EmbeddedKafka broker = EmbeddedKafka.start()) {
            StringBuilder keys = new StringBuilder();
            for (int c = 0; c < CLIENTS; c++) {
                keys.append(c == 0 ? "" : ";").append(c).append(':').append(key(c));
            }
            Path store = out.resolve("models");
            ExperimentConfig config = ExperimentConfig.load(null, List.of(
                    "experiment=" + EXP, "mode=service", "rounds=" + ROUNDS, "nodes.honest=6", "nodes.byzantine=2",
                    "clients.keys=" + keys, "aggregation.rule=trimmed-mean", "aggregation.f=2",
                    "round.timeout-ms=60000", "model-store.dir=" + store, "kafka.bootstrap=" + broker.bootstrapServers(),
                    "parallelism=2", "data.path=" + TestData.fashionMnistSubsetDir(), "model.name=mlp",
                    "chunk-size=16384", "checkpoint.interval-ms=0"));
            ExecutorService pool = Executors.newFixedThreadPool(CLIENTS + 1);
            try {
                Future<ExperimentRunner.Result> service = pool.submit(() -> ExperimentRunner.run(config,
                        new ExperimentRunner.Options(out, new PrintStream(new ByteArrayOutputStream(), true), rest.getPort(),
                                Duration.ofMinutes(5)), StreamExecutionEnvironment::getExecutionEnvironment));
                List<Future<List<RoundResult>>> clients = new ArrayList<>();
                for (int c = 0; c < CLIENTS; c++) {
                    ClientSettings settings = clientSettings(c, broker.bootstrapServers());
                    clients.add(pool.submit(() -> {
                        try (FederatedClient client = new FederatedClient(settings)) {
                            return client.participate(ROUNDS, r -> {});
                        }
                    }));
                }
                KafkaEndpoints kafka = new KafkaEndpoints(new KafkaProperties(broker.bootstrapServers(), Map.of()));
                // As soon as client 0's first update is on the topic (rounds take well under a second
                // here, so a fixed wait could miss the whole run), the forgeries.
                List<String> forged = sendForgeries(kafka);

                ExperimentRunner.Result result = service.get(5, TimeUnit.MINUTES);
                for (Future<List<RoundResult>> c : clients) {
                    assertThat(c.get(1, TimeUnit.MINUTES)).hasSize(ROUNDS);
                }
                List<RoundReport> reports = result.reports();
                assertThat(reports).extracting(RoundReport::getRound).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);
                assertThat(reports).allSatisfy(r -> {
                    assertThat(r.getAccepted()).as("every client took part").isEqualTo(CLIENTS);
                    assertThat(r.getByzantineWeight()).as("share of the aggregate from clients 6 and 7").isBetween(0.0, 0.2);
                });
                assertThat(result.finalAccuracy()).as("accuracy after 10 rounds").isGreaterThan(0.65)
                        .isGreaterThan(reports.get(0).getAccuracy());

                List<ModelVersionInfo> versions = ModelStore.local(store).list();
                assertThat(versions).extracting(ModelVersionInfo::version).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L);
                assertThat(versions.get(10).accuracy()).isEqualTo(result.finalAccuracy());

                Map<String, RejectReason> deadLetters = deadLetters(kafka);
                assertThat(deadLetters).containsAllEntriesOf(Map.of(
                        forged.get(0), RejectReason.BAD_SIGNATURE,
                        forged.get(1), RejectReason.UNSIGNED,
                        forged.get(2), RejectReason.UNKNOWN_SENDER));
                assertThat(deadLetters.get(forged.get(3))).as("a replayed valid chunk").isIn(RejectReason.DUPLICATE, RejectReason.LATE);
            } finally {
                pool.shutdownNow();
            }
        }
    }

    private static ClientSettings clientSettings(int c, String bootstrap) {
        Map<String, String> s = new TreeMap<>(Map.of(
                "experiment", EXP, "kafka.bootstrap", bootstrap, "client.id", String.valueOf(c), "client.key", key(c),
                "client.rounds", String.valueOf(ROUNDS), "client.timeout-ms", "120000",
                "data.path", TestData.fashionMnistSubsetDir().toString(), "partition.clients", String.valueOf(CLIENTS),
                "partition.index", String.valueOf(c), "model.name", "mlp"));
        s.put("chunk-size", "16384");
        s.put("train.local-epochs", "2");
        s.put("train.batch-size", "32");
        if (c >= 6) {
            s.put("client.behaviour", "scaled");
            s.put("client.tau", "4");
        }
        return ClientSettings.of(s);
    }

    /**
     * Four events that must not count: client 0's chunk signed with client 1's key, an unsigned
     * chunk, a chunk from unregistered sender 42 (signed with a key of its own), and a replay of a
     * valid chunk client 0 sent earlier. Returns their detail keys (sender/round/chunk/marker).
     */
    private static List<String> sendForgeries(KafkaEndpoints kafka) throws Exception {
        AvroEventSchema<TensorChunk> schema = AvroEventSchema.of(TensorChunk.class);
        TensorChunk valid = firstUpdateOf(kafka, 0);
        TensorChunk body = TensorCodec.split(new ChunkHeader(EXP, valid.getRound(), 0, -1, TensorKind.DELTA, 1.0, 1L),
                valid.getLayer(), valid.getLayerIndex(), valid.getLayerCount(), valid.getShape(),
                new float[valid.getLayerLength()], 16384).get(0);
        TensorChunk otherKey = ChunkSigner.signed(body, HexFormat.of().parseHex(key(1)));
        TensorChunk unsigned = TensorChunk.newBuilder(body).setSender(1).build();
        TensorChunk stranger = ChunkSigner.signed(TensorChunk.newBuilder(body).setSender(42).build(), HexFormat.of().parseHex(key(5)));
        List<TensorChunk> forged = List.of(otherKey, unsigned, stranger, valid);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(kafka.producerProperties(), new ByteArraySerializer(),
                new ByteArraySerializer())) {
            for (TensorChunk c : forged) {
                producer.send(new ProducerRecord<>(new ExperimentTopics(EXP).updates(),
                        String.valueOf(c.getSender()).getBytes(StandardCharsets.UTF_8), schema.serialize(c))).get();
            }
        }
        List<String> ids = new ArrayList<>();
        for (TensorChunk c : forged) {
            ids.add(c.getSender() + "/" + c.getRound() + "/" + (c.getSignature() == null ? "-" : HexFormat.of().formatHex(c.getSignature().array())));
        }
        return ids;
    }

    private static TensorChunk firstUpdateOf(KafkaEndpoints kafka, int sender) throws Exception {
        AvroEventSchema<TensorChunk> schema = AvroEventSchema.of(TensorChunk.class);
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (System.nanoTime() < deadline) {
            if (topicExists(kafka, new ExperimentTopics(EXP).updates())) {
                for (ConsumerRecord<byte[], byte[]> r : readAll(kafka, new ExperimentTopics(EXP).updates())) {
                    TensorChunk c = schema.deserialize(r.value());
                    if (c.getSender() == sender) {
                        return c;
                    }
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("client " + sender + " sent nothing in 3 minutes");
    }

    private static boolean topicExists(KafkaEndpoints kafka, String topic) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(kafka.consumerProperties(), new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            return consumer.listTopics(Duration.ofSeconds(5)).containsKey(topic);
        }
    }

    /** Dead letters by the same key as {@link #sendForgeries} gives, decoded from their raw bytes. */
    private static Map<String, RejectReason> deadLetters(KafkaEndpoints kafka) throws Exception {
        AvroEventSchema<Rejected> rejected = AvroEventSchema.of(Rejected.class);
        AvroEventSchema<TensorChunk> chunks = AvroEventSchema.of(TensorChunk.class);
        Map<String, RejectReason> out = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> r : readAll(kafka, new ExperimentTopics(EXP).deadLetter())) {
            Rejected d = rejected.deserialize(r.value());
            TensorChunk c = chunks.deserialize(d.getRaw().array());
            out.put(c.getSender() + "/" + c.getRound() + "/"
                    + (c.getSignature() == null ? "-" : HexFormat.of().formatHex(c.getSignature().array())), d.getReason());
        }
        return out;
    }

    private static List<ConsumerRecord<byte[], byte[]>> readAll(KafkaEndpoints kafka, String topic) {
        List<ConsumerRecord<byte[], byte[]>> all = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(kafka.consumerProperties(), new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> parts = consumer.partitionsFor(topic).stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            Map<TopicPartition, Long> end = consumer.endOffsets(parts);
            while (parts.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                consumer.poll(Duration.ofMillis(200)).forEach(all::add);
            }
        }
        return all;
    }
}
