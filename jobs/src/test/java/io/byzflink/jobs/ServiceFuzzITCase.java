package io.byzflink.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.byzflink.client.ClientKafka;
import io.byzflink.client.GlobalModel;
import io.byzflink.client.ModelFetcher;
import io.byzflink.connectors.kafka.EmbeddedKafka;
import io.byzflink.connectors.kafka.ExperimentTopics;
import io.byzflink.connectors.kafka.KafkaProperties;
import io.byzflink.data.TestData;
import io.byzflink.jobs.config.ExperimentConfig;
import io.byzflink.jobs.run.ExperimentRunner;
import io.byzflink.serde.AvroEventSchema;
import io.byzflink.serde.TensorCodec;
import io.byzflink.serde.TensorCodec.ChunkHeader;
import io.byzflink.serde.TensorLayout;
import io.byzflink.serde.avro.RejectReason;
import io.byzflink.serde.avro.Rejected;
import io.byzflink.serde.avro.RoundReport;
import io.byzflink.serde.avro.TensorChunk;
import io.byzflink.serde.avro.TensorKind;
import io.byzflink.serde.security.ChunkSigner;

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
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Hostile input against the aggregation service: in each of 3 rounds, three registered clients'
 * valid signed updates go out shuffled among hundreds of bad events: random bytes, bytes with an
 * unknown schema fingerprint, truncated records, oversized records, unsigned chunks, chunks signed
 * with another client's key or changed after signing, unregistered senders, another experiment,
 * out-of-range rounds, wrong layer sizes, non-finite values, and replays of valid chunks. The job
 * must stay up, every bad event must land in the dead-letter topic exactly once with its reason,
 * and each round's model must be exactly the server step on the mean of the valid updates.
 */
class ServiceFuzzITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(2)
            .build());

    private static final String EXP = "service-fuzz";
    private static final int CLIENTS = 3;
    private static final int ROUNDS = 3;
    private static final int CHUNK = 4000;
    private static final int BAD_PER_KIND = 40;
    private static final AvroEventSchema<TensorChunk> SCHEMA = AvroEventSchema.of(TensorChunk.class);

    private static byte[] key(int client) {
        byte[] k = new byte[32];
        for (int i = 0; i < k.length; i++) {
            k[i] = (byte) (client * 37 + i * 11 + 5);
        }
        return k;
    }

    @Test
    void badEventsAreDeadLetteredWithTheirReasonAndEveryValidUpdateIsAggregated(@InjectClusterRESTAddress URI rest,
            @TempDir Path out) throws Exception {
        try (EmbeddedKafka broker = EmbeddedKafka.start()) {
            StringBuilder keys = new StringBuilder();
            for (int c = 0; c < CLIENTS; c++) {
                keys.append(c == 0 ? "" : ";").append(c).append(':').append(HexFormat.of().formatHex(key(c)));
            }
            ExperimentConfig config = ExperimentConfig.load(null, List.of(
                    "experiment=" + EXP, "mode=service", "rounds=" + ROUNDS, "nodes.honest=" + CLIENTS, "clients.keys=" + keys,
                    "aggregation.rule=mean", "server.lr=1.0", "kafka.bootstrap=" + broker.bootstrapServers(),
                    "parallelism=2", "data.path=" + TestData.fashionMnistSubsetDir(), "model.name=logreg",
                    "chunk-size=" + CHUNK, "checkpoint.interval-ms=0"));
            TensorLayout layout = config.jobSettings().tensorLayout();
            ExecutorService pool = Executors.newSingleThreadExecutor();
            KafkaProperties kafka = new KafkaProperties(broker.bootstrapServers(), Map.of());
            try (ModelFetcher models = new ModelFetcher(ClientKafka.consumerProperties(kafka), EXP + ".model", EXP, layout, CHUNK);
                    KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(fuzzProducer(kafka),
                            new ByteArraySerializer(), new ByteArraySerializer())) {
                Future<ExperimentRunner.Result> service = pool.submit(() -> ExperimentRunner.run(config,
                        new ExperimentRunner.Options(out, new PrintStream(new ByteArrayOutputStream(), true), rest.getPort(),
                                Duration.ofMinutes(5)), StreamExecutionEnvironment::getExecutionEnvironment));
                Map<RejectReason, Integer> expected = new EnumMap<>(RejectReason.class);
                int replays = 0;
                Random random = new Random(7);
                List<TensorChunk> previousValid = List.of();
                float[][] expectedModel = null;
                for (int r = 0; r < ROUNDS; r++) {
                    GlobalModel v = models.await(r, Duration.ofMinutes(2));
                    assertThat(v.version()).isEqualTo(r);
                    if (expectedModel != null) {
                        assertModel(v.parameters(), expectedModel);
                    }
                    float[][][] deltas = new float[CLIENTS][][];
                    List<TensorChunk> valid = new ArrayList<>();
                    for (int c = 0; c < CLIENTS; c++) {
                        deltas[c] = randomDelta(layout, random);
                        for (TensorChunk ch : TensorCodec.splitAll(new ChunkHeader(EXP, r, c, -1, TensorKind.DELTA, 1.0, 1L),
                                layout, deltas[c], CHUNK)) {
                            valid.add(ChunkSigner.signed(ch, key(c)));
                        }
                    }
                    List<ProducerRecord<byte[], byte[]>> batch = new ArrayList<>();
                    for (TensorChunk c : valid) {
                        batch.add(record(c.getSender(), SCHEMA.serialize(c)));
                    }
                    Fuzz fuzz = new Fuzz(valid, previousValid, layout, r, random);
                    for (Fuzz.Bad bad : fuzz.all(BAD_PER_KIND)) {
                        batch.add(bad.record());
                        if (bad.reason() == null) {
                            replays++;
                        } else {
                            expected.merge(bad.reason(), 1, Integer::sum);
                        }
                    }
                    java.util.Collections.shuffle(batch, random);
                    for (ProducerRecord<byte[], byte[]> rec : batch) {
                        producer.send(rec);
                    }
                    producer.flush();
                    expectedModel = step(v.parameters(), deltas);
                    previousValid = valid;
                }
                ExperimentRunner.Result result = service.get(5, TimeUnit.MINUTES);
                assertThat(result.reports()).extracting(RoundReport::getAccepted).containsOnly(CLIENTS);
                assertModel(models.await(ROUNDS, Duration.ofMinutes(1)).parameters(), expectedModel);

                Map<RejectReason, Integer> seen = deadLetterCounts(kafka);
                int duplicatesOrLate = seen.getOrDefault(RejectReason.DUPLICATE, 0) + seen.getOrDefault(RejectReason.LATE, 0);
                assertThat(duplicatesOrLate).as("replays of valid chunks (duplicate in an open round, late after)").isEqualTo(replays);
                seen.remove(RejectReason.DUPLICATE);
                seen.remove(RejectReason.LATE);
                assertThat(seen).isEqualTo(expected);
                assertThat(expected.values().stream().mapToInt(Integer::intValue).sum() + replays).as("bad events sent")
                        .isGreaterThanOrEqualTo(1_000);
            } finally {
                pool.shutdownNow();
            }
        }
    }

    /** w_{r+1} = w_r - mean of the deltas (server lr 1, no momentum, equal weights). */
    private static float[][] step(float[][] w, float[][][] deltas) {
        float[][] next = new float[w.length][];
        for (int l = 0; l < w.length; l++) {
            next[l] = new float[w[l].length];
            for (int i = 0; i < w[l].length; i++) {
                double sum = 0;
                for (float[][] d : deltas) {
                    sum += d[l][i];
                }
                next[l][i] = (float) (w[l][i] - sum / deltas.length);
            }
        }
        return next;
    }

    private static void assertModel(float[][] actual, float[][] expected) {
        for (int l = 0; l < expected.length; l++) {
            for (int i = 0; i < expected[l].length; i++) {
                assertThat(actual[l][i]).as("layer %d value %d", l, i).isCloseTo(expected[l][i], org.assertj.core.data.Offset.offset(1e-5f));
            }
        }
    }

    private static float[][] randomDelta(TensorLayout layout, Random random) {
        float[][] d = layout.newTensors();
        for (float[] l : d) {
            for (int i = 0; i < l.length; i++) {
                l[i] = (float) (random.nextGaussian() * 0.01);
            }
        }
        return d;
    }

    static ProducerRecord<byte[], byte[]> record(int sender, byte[] value) {
        return new ProducerRecord<>(EXP + ".updates", String.valueOf(sender).getBytes(StandardCharsets.UTF_8), value);
    }

    private static java.util.Properties fuzzProducer(KafkaProperties kafka) {
        java.util.Properties p = ClientKafka.producerProperties(kafka);
        p.setProperty("enable.idempotence", "false"); // see the client's notes: fresh topics and idempotence
        p.setProperty("max.in.flight.requests.per.connection", "1"); // keeps per-key order without idempotence
        return p;
    }

    private static Map<RejectReason, Integer> deadLetterCounts(KafkaProperties kafka) throws Exception {
        AvroEventSchema<Rejected> schema = AvroEventSchema.of(Rejected.class);
        Map<RejectReason, Integer> counts = new EnumMap<>(RejectReason.class);
        String topic = new ExperimentTopics(EXP).deadLetter();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(ClientKafka.consumerProperties(kafka),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = consumer.partitionsFor(topic).stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            Map<TopicPartition, Long> end = consumer.endOffsets(parts);
            while (parts.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    counts.merge(schema.deserialize(r.value()).getReason(), 1, Integer::sum);
                }
            }
        }
        return counts;
    }

    /** The bad events of one round, each with the reason the service must give (null: a replay). */
    private record Fuzz(List<TensorChunk> valid, List<TensorChunk> previous, TensorLayout layout, long round, Random random) {

        record Bad(ProducerRecord<byte[], byte[]> record, RejectReason reason) {}

        List<Bad> all(int perKind) {
            List<Bad> out = new ArrayList<>();
            for (int i = 0; i < perKind; i++) {
                TensorChunk base = valid.get(random.nextInt(valid.size()));
                int sender = base.getSender();
                byte[] good = SCHEMA.serialize(base);
                byte[] noise = new byte[1 + random.nextInt(300)];
                random.nextBytes(noise);
                noise[0] = (byte) (noise[0] == (byte) 0xC3 ? 0 : noise[0]);
                out.add(new Bad(record(sender, noise), RejectReason.MALFORMED));
                byte[] unknownSchema = good.clone();
                unknownSchema[2] ^= (byte) 0x5A; // the fingerprint of no schema we know
                out.add(new Bad(record(sender, unknownSchema), RejectReason.WRONG_SCHEMA));
                out.add(new Bad(record(sender, java.util.Arrays.copyOf(good, 10 + random.nextInt(good.length / 2))),
                        RejectReason.MALFORMED));
                byte[] huge = new byte[4 * CHUNK + 64 * 1024 + 1 + random.nextInt(1000)];
                System.arraycopy(good, 0, huge, 0, good.length);
                out.add(new Bad(record(sender, huge), RejectReason.OVERSIZED));
                out.add(bad(TensorChunk.newBuilder(base).setSignature(null).build(), RejectReason.UNSIGNED));
                out.add(bad(ChunkSigner.signed(base, key((sender + 1) % CLIENTS)), RejectReason.BAD_SIGNATURE));
                TensorChunk tampered = TensorChunk.newBuilder(base).setWeight(base.getWeight() * 2).build();
                out.add(bad(tampered, RejectReason.BAD_SIGNATURE));
                out.add(bad(ChunkSigner.signed(TensorChunk.newBuilder(base).setSender(CLIENTS + 5).build(), key(0)),
                        RejectReason.UNKNOWN_SENDER));
                out.add(signedBad(TensorChunk.newBuilder(base).setExperiment("someone-else"), RejectReason.WRONG_SCHEMA));
                out.add(signedBad(TensorChunk.newBuilder(base).setRound(ROUNDS + random.nextInt(5)), RejectReason.WRONG_ROUND));
                out.add(signedBad(TensorChunk.newBuilder(base).setRound(-1 - random.nextInt(3)), RejectReason.WRONG_ROUND));
                out.add(signedBad(TensorChunk.newBuilder(base).setLayerLength(base.getLayerLength() + 1), RejectReason.WRONG_SIZE));
                float[] values = TensorCodec.decode(base.getValues());
                values[random.nextInt(values.length)] = random.nextBoolean() ? Float.NaN : Float.NEGATIVE_INFINITY;
                out.add(signedBad(TensorChunk.newBuilder(base).setValues(TensorCodec.encode(values)), RejectReason.NON_FINITE));
                out.add(new Bad(record(sender, good), null)); // a replay of a valid chunk
                if (!previous.isEmpty()) {
                    TensorChunk old = previous.get(random.nextInt(previous.size()));
                    out.add(new Bad(record(old.getSender(), SCHEMA.serialize(old)), null)); // last round's, late
                }
            }
            return out;
        }

        private Bad bad(TensorChunk c, RejectReason reason) {
            return new Bad(record(c.getSender(), SCHEMA.serialize(c)), reason);
        }

        private Bad signedBad(TensorChunk.Builder b, RejectReason reason) {
            TensorChunk c = b.setSignature(null).build();
            return bad(ChunkSigner.signed(c, key(c.getSender())), reason);
        }
    }
}
