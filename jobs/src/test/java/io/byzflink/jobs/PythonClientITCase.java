package io.byzflink.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.assertj.core.api.Assertions.within;

import io.byzflink.connectors.kafka.EmbeddedKafka;
import io.byzflink.connectors.kafka.ExperimentTopics;
import io.byzflink.connectors.kafka.KafkaEndpoints;
import io.byzflink.connectors.kafka.KafkaProperties;
import io.byzflink.data.TestData;
import io.byzflink.jobs.config.ExperimentConfig;
import io.byzflink.serde.AvroEventSchema;
import io.byzflink.serde.TensorCodec;
import io.byzflink.serde.TensorLayout;
import io.byzflink.serde.TensorSetAssembler;
import io.byzflink.serde.avro.TensorChunk;
import io.byzflink.serde.avro.TensorKind;
import io.byzflink.serde.security.ChunkSigner;

import io.byzflink.jobs.run.ExperimentRunner;
import io.byzflink.serde.avro.RoundReport;

import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Python example client ({@code examples/python/byzflink_client.py}) speaks ByzFlink's wire
 * format: its hand-written Avro encoder, schema fingerprint and HMAC signatures equal Java's byte
 * for byte, and against a real embedded Kafka broker it reads model version 0 published by
 * {@link ModelBootstrap}, trains logreg on the committed Fashion-MNIST subset and sends a signed
 * DELTA update that Java decodes, fits to the model layout and verifies; two clients train
 * through the {@code mode: service} job on a MiniCluster for three rounds.
 *
 * <p>Needs Debian's {@code /usr/bin/python3} with {@code python3-numpy} and
 * {@code python3-confluent-kafka} ({@code .ci/run} installs them); without them the tests are
 * skipped with a message naming the install command. The selftest needs numpy only.
 */
class PythonClientITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(2)
            .build());

    /** Debian's interpreter (sees the python3-* packages); {@code -Dbyzflink.python=...} replaces it. */
    private static final String PYTHON = System.getProperty("byzflink.python", "/usr/bin/python3");
    private static final String CLIENT = "examples/python/byzflink_client.py";
    private static final HexFormat HEX = HexFormat.of();
    private static final AvroEventSchema<TensorChunk> SCHEMA = AvroEventSchema.of(TensorChunk.class);

    @Test
    void selftestEncodingEqualsJavaBytes() throws Exception {
        assumePython("numpy");
        Path avsc = repoRoot().resolve("serde/src/main/avro/TensorChunk.avsc");
        byte[] key = new byte[32];
        for (int i = 0; i < key.length; i++) {
            key[i] = (byte) i;
        }
        Output run = python(Duration.ofSeconds(60), "--selftest-encode", "--key", HEX.formatHex(key),
                "--schema", avsc.toString());
        assertThat(run.exit).as("selftest exit code; output:%n%s", run.text).isZero();
        Map<String, String> py = new LinkedHashMap<>();
        for (String line : run.text.split("\\R")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                py.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }

        Schema schema = TensorChunk.getClassSchema();
        String pcf = SchemaNormalization.toParsingForm(schema);
        long fingerprint = SchemaNormalization.parsingFingerprint64(schema);
        assertThat(py.get("pcf")).as("embedded parsing canonical form").isEqualTo(pcf);
        assertThat(py.get("pcf_file")).as("canonical form Python derives from TensorChunk.avsc").isEqualTo(pcf);
        assertThat(py.get("fingerprint")).isEqualTo(String.format("%016x", fingerprint));
        byte[] header = ByteBuffer.allocate(10).order(ByteOrder.LITTLE_ENDIAN)
                .put((byte) 0xC3).put((byte) 0x01).putLong(fingerprint).array();
        assertThat(py.get("header")).isEqualTo(HEX.formatHex(header));

        float[] values = new float[300];
        for (int i = 0; i < values.length; i++) {
            values[i] = ((i * 37) % 101 - 50) / 8f;
        }
        TensorChunk chunk = TensorChunk.newBuilder()
                .setExperiment("selftest-\u00e9\u03c0").setRound(7).setSender(3).setDestination(-1)
                .setKind(TensorKind.DELTA).setLayer("fc.weight").setLayerIndex(0).setLayerCount(2)
                .setShape(List.of(10, 784)).setChunkIndex(1).setChunkCount(27).setOffset(300).setLayerLength(7840)
                .setValues(TensorCodec.encode(values)).setWeight(1234.5)
                .setCreatedAtMs(1_700_000_000_123L).setSignature(null).build();
        assertThat(py.get("unsigned")).as("unsigned chunk").isEqualTo(HEX.formatHex(SCHEMA.serialize(chunk)));
        assertThat(py.get("canonical")).isEqualTo(HEX.formatHex(ChunkSigner.canonicalBytes(chunk)));
        assertThat(py.get("signature")).isEqualTo(HEX.formatHex(ChunkSigner.sign(chunk, key)));
        TensorChunk signed = ChunkSigner.signed(chunk, key);
        assertThat(py.get("signed")).as("signed chunk").isEqualTo(HEX.formatHex(SCHEMA.serialize(signed)));
        assertThat(py.get("roundtrip")).isEqualTo("ok");

        TensorChunk decoded = SCHEMA.deserialize(HEX.parseHex(py.get("signed")));
        assertThat(decoded).isEqualTo(signed);
        assertThat(ChunkSigner.verify(decoded, key)).isTrue();
    }

    @Test
    void clientTrainsOnModelVersionZeroAndSendsASignedDelta(@TempDir Path tmp) throws Exception {
        assumePython("confluent_kafka, numpy");
        String experiment = "pyclient-itcase";
        int clientId = 3;
        int chunkSize = 4000;
        byte[] key = HEX.parseHex("8f3a1c5e7b2d4f6a9c0e1b3d5f7a9c2e4b6d8f0a1c3e5b7d9f1a3c5e7b9d0f2a");
        byte[] otherKey = key.clone();
        otherKey[0] ^= 1;
        Path data = TestData.fashionMnistSubsetDir();

        try (EmbeddedKafka broker = EmbeddedKafka.start()) {
            String bootstrap = broker.bootstrapServers();
            ExperimentConfig config = ExperimentConfig.load(null, List.of(
                    "experiment=" + experiment, "model.name=logreg", "kafka.bootstrap=" + bootstrap,
                    "chunk-size=" + chunkSize, "data.path=" + data));
            KafkaEndpoints kafka = new KafkaEndpoints(KafkaProperties.of(bootstrap));
            assertThat(ModelBootstrap.prepare(config, kafka)).as("model version 0 published").isTrue();
            TensorLayout layout = config.jobSettings().tensorLayout();
            assertThat(layout.layerCount()).isEqualTo(2);

            Output run = python(Duration.ofMinutes(4), "--bootstrap", bootstrap, "--experiment", experiment,
                    "--client-id", Integer.toString(clientId), "--key", HEX.formatHex(key), "--rounds", "1",
                    "--data", data.toString(), "--shard", "1/4", "--chunk-size", Integer.toString(chunkSize),
                    "--epochs", "1", "--batch-size", "32", "--lr", "0.05", "--timeout", "120");
            System.out.print(run.text);
            assertThat(run.exit).as("client exit code; output:%n%s", run.text).isZero();
            Matcher round = Pattern.compile("(?m)^round 1/1  model v0  samples (\\d+) ").matcher(run.text);
            assertThat(round.find()).as("a round line in the client output:%n%s", run.text).isTrue();
            int samples = Integer.parseInt(round.group(1));
            assertThat(samples).as("iid shard 1 of 4 of the 2,000 training images").isEqualTo(500);

            List<ConsumerRecord<byte[], byte[]>> records =
                    readAll(kafka, new ExperimentTopics(experiment).updates());
            assertThat(records).hasSize(layout.totalChunks(chunkSize));

            TensorSetAssembler assembler = new TensorSetAssembler(layout, chunkSize);
            for (ConsumerRecord<byte[], byte[]> record : records) {
                assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo(Integer.toString(clientId));
                TensorChunk c = SCHEMA.deserialize(record.value());
                assertThat(c.getExperiment()).isEqualTo(experiment);
                assertThat(c.getSender()).isEqualTo(clientId);
                assertThat(c.getRound()).isZero();
                assertThat(c.getKind()).isEqualTo(TensorKind.DELTA);
                assertThat(c.getDestination()).isEqualTo(-1);
                assertThat(c.getLayer()).isEqualTo(layout.name(c.getLayerIndex()));
                assertThat(c.getShape()).isEqualTo(layout.shape(c.getLayerIndex()));
                assertThat(c.getWeight()).as("weight = shard size").isEqualTo((double) samples);
                assertThat(c.getCreatedAtMs()).isCloseTo(System.currentTimeMillis(), within(600_000L));
                assertThat(TensorSetAssembler.mismatch(layout, chunkSize, c)).as("fits the logreg layout").isNull();
                assertThat(ChunkSigner.verify(c, key)).as("signature of %s", c.getLayer()).isTrue();
                assertThat(ChunkSigner.verify(c, otherKey)).as("verifies with another key").isFalse();
                assertThat(assembler.add(c)).as("no duplicate chunk").isTrue();
            }
            assertThat(assembler.isComplete()).isTrue();
            double squares = 0;
            for (float[] layer : assembler.tensors()) {
                for (float v : layer) {
                    assertThat(Float.isFinite(v)).isTrue();
                    squares += (double) v * v;
                }
            }
            assertThat(squares).as("squared norm of the update").isGreaterThan(0);
        }
    }

    /**
     * The real server: {@code mode: service} on a MiniCluster with two registered Python clients,
     * each on half of the subset, for three rounds. Every round aggregates both clients' signed
     * updates and the model gets better.
     */
    @Test
    void twoPythonClientsTrainThroughTheAggregationService(@TempDir Path out) throws Exception {
        assumePython("confluent_kafka, numpy");
        String experiment = "pyclient-service";
        int rounds = 3;
        String[] keys = {
            "3b9f2c7e1a5d4f8b0c6e2a9d7f1b3e5c8a0d2f4b6e8c1a3d5f7b9e0c2a4d6f8b",
            "c1e3a5f7b9d0e2c4a6f8b1d3e5c7a9f0b2d4e6c8a1f3b5d7e9c0a2f4b6d8e1c3"};
        Path data = TestData.fashionMnistSubsetDir();
        try (EmbeddedKafka broker = EmbeddedKafka.start()) {
            String bootstrap = broker.bootstrapServers();
            ExperimentConfig config = ExperimentConfig.load(null, List.of(
                    "experiment=" + experiment, "mode=service", "model.name=logreg", "nodes.honest=2",
                    "rounds=" + rounds, "parallelism=2", "chunk-size=4000", "checkpoint.interval-ms=0",
                    "data.path=" + data, "kafka.bootstrap=" + bootstrap,
                    "clients.keys=0:" + keys[0] + ";1:" + keys[1]));
            List<Process> clients = new ArrayList<>();
            List<Path> logs = new ArrayList<>();
            try {
                for (int id = 0; id < 2; id++) {
                    Path log = out.resolve("client-" + id + ".log");
                    logs.add(log);
                    clients.add(start(log, "--bootstrap", bootstrap, "--experiment", experiment,
                            "--client-id", Integer.toString(id), "--key", keys[id], "--rounds", Integer.toString(rounds),
                            "--data", data.toString(), "--shard", id + "/2", "--chunk-size", "4000",
                            "--batch-size", "32", "--lr", "0.1", "--timeout", "180"));
                }
                ExperimentRunner.Options options = new ExperimentRunner.Options(out, System.out, 0, Duration.ofMinutes(3));
                List<RoundReport> reports = ExperimentRunner.run(config, options,
                        StreamExecutionEnvironment::getExecutionEnvironment).reports();
                for (int id = 0; id < 2; id++) {
                    assertThat(clients.get(id).waitFor(60, TimeUnit.SECONDS)).as("client %d finished", id).isTrue();
                    String text = Files.readString(logs.get(id));
                    System.out.print(text);
                    assertThat(clients.get(id).exitValue()).as("client %d exit code; output:%n%s", id, text).isZero();
                    assertThat(text).contains("round 1/3  model v0 ", "round 2/3  model v1 ", "round 3/3  model v2 ");
                }
                assertThat(reports).extracting(RoundReport::getRound).containsExactly(0L, 1L, 2L);
                assertThat(reports).allSatisfy(r -> {
                    assertThat(r.getAccepted()).as("clients aggregated in round %d", r.getRound()).isEqualTo(2);
                    assertThat(r.getAccuracy()).isNotNull();
                });
                assertThat(reports.get(rounds - 1).getAccuracy()).as("test accuracy after %d rounds", rounds)
                        .isGreaterThan(0.6).isGreaterThan(reports.get(0).getAccuracy() - 0.05);
            } finally {
                clients.forEach(Process::destroyForcibly);
            }
        }
    }

    // ---------------------------------------------------------------- helpers

    private static Process start(Path log, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(PYTHON, repoRoot().resolve(CLIENT).toString()));
        command.addAll(Arrays.asList(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("PYTHONUNBUFFERED", "1");
        return pb.start();
    }

    private static List<ConsumerRecord<byte[], byte[]>> readAll(KafkaEndpoints kafka, String topic) {
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(kafka.properties().consumer(null))) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            // Read up to the end offsets seen now: everything the client flushed before it exited.
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                if (System.nanoTime() > deadline) {
                    fail("read " + out.size() + " of " + end + " records of " + topic + " in 30 s");
                }
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }

    /** Skips the test unless Debian's python3 can import {@code modules}. */
    private static void assumePython(String modules) {
        boolean ok;
        String detail;
        try {
            Process p = new ProcessBuilder(PYTHON, "-c", "import " + modules).redirectErrorStream(true).start();
            boolean done = p.waitFor(60, TimeUnit.SECONDS);
            detail = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!done) {
                p.destroyForcibly();
            }
            ok = done && p.exitValue() == 0;
        } catch (IOException e) {
            ok = false;
            detail = e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            ok = false;
            detail = "interrupted";
        }
        Assumptions.assumeTrue(ok, "skipped: " + PYTHON + " cannot import " + modules + " (" + detail
                + "); install them with: apt-get install -y python3-confluent-kafka python3-numpy");
    }

    private record Output(int exit, String text) {}

    /** Runs the client script with {@code args}; output (stdout and stderr) in a temporary file. */
    private static Output python(Duration timeout, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(PYTHON, repoRoot().resolve(CLIENT).toString()));
        command.addAll(Arrays.asList(args));
        Path log = Files.createTempFile("byzflink-pyclient", ".log");
        try {
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            pb.environment().put("PYTHONUNBUFFERED", "1");
            Process p = pb.start();
            if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                fail("the Python client did not finish within " + timeout + "; output:\n" + Files.readString(log));
            }
            return new Output(p.exitValue(), Files.readString(log));
        } finally {
            Files.deleteIfExists(log);
        }
    }

    /** The repository root: the first folder upwards from the working directory holding the client. */
    private static Path repoRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve(CLIENT))) {
                return dir;
            }
        }
        throw new IllegalStateException(CLIENT + " not found above " + Path.of("").toAbsolutePath());
    }
}
