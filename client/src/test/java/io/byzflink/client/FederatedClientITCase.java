package io.byzflink.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.byzflink.connectors.kafka.EmbeddedKafka;
import io.byzflink.connectors.kafka.ExperimentTopics;
import io.byzflink.data.LabeledImages;
import io.byzflink.data.Partitioners;
import io.byzflink.data.TestData;
import io.byzflink.serde.TensorCodec;
import io.byzflink.serde.TensorCodec.ChunkHeader;
import io.byzflink.serde.TensorLayout;
import io.byzflink.serde.TensorSetAssembler;
import io.byzflink.serde.avro.TensorChunk;
import io.byzflink.serde.avro.TensorKind;
import io.byzflink.serde.security.ChunkSigner;
import io.byzflink.training.LocalModel;
import io.byzflink.training.ModelKind;
import io.byzflink.training.ModelSpec;
import io.byzflink.training.TrainConfig;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Real clients against a real (embedded) Kafka broker, training with DJL on the committed
 * Fashion-MNIST subset: what lands on the updates topic is signed, decodes, has the layout's
 * sizes and equals {@code w_v - train(w_v)} computed independently with the same seed and shard.
 */
class FederatedClientITCase {

    static final String KEY_HEX = "8f1e0c2a4b6d8e0f1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f7081";
    static final String OTHER_KEY_HEX = "0f1e0c2a4b6d8e0f1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f7081";
    static final int CHUNK_SIZE = 1000;   // fc.weight (10x784) travels as 8 chunks, fc.bias as 1
    static final int SHARDS = 4;
    static final long SEED = 42;
    static final ModelSpec SPEC = ModelSpec.fashionMnist(ModelKind.LOGREG, 0);
    static final TensorLayout LAYOUT = ClientSettings.tensorLayout(SPEC.layout());
    static final TrainConfig TRAIN = TrainConfig.steps(5, 32, 0.05f).withMomentum(0.9f);

    static EmbeddedKafka kafka;

    @BeforeAll
    static void startKafka() {
        kafka = EmbeddedKafka.start();
    }

    @AfterAll
    static void stopKafka() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void honestClientPublishesTheSignedDeltaOfItsShard() throws Exception {
        String experiment = "client-honest";
        float[][] w0 = prepare(experiment);
        ClientSettings settings = ClientSettings.of(config(experiment, 1, "honest"));
        List<RoundResult> results;
        try (FederatedClient client = new FederatedClient(settings)) {
            results = client.participate(1, r -> { });
            assertThat(client.lastVersion()).isZero();
        }
        LabeledImages shard = referenceShard(1);
        assertThat(results).singleElement().satisfies(r -> {
            assertThat(r.round()).isEqualTo(1);
            assertThat(r.modelVersion()).isZero();
            assertThat(r.samples()).isEqualTo(5 * 32);
            assertThat(r.weight()).isEqualTo(shard.count());
            assertThat(r.chunks()).isEqualTo(LAYOUT.totalChunks(CHUNK_SIZE));
            assertThat(r.meanLoss()).isFinite().isPositive();
        });

        List<ConsumerRecord<byte[], byte[]>> records = readUpdates(experiment, LAYOUT.totalChunks(CHUNK_SIZE));
        byte[] key = HexFormat.of().parseHex(KEY_HEX);
        byte[] otherKey = HexFormat.of().parseHex(OTHER_KEY_HEX);
        TensorSetAssembler update = new TensorSetAssembler(LAYOUT, CHUNK_SIZE);
        for (ConsumerRecord<byte[], byte[]> record : records) {
            assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo("1");
            assertThat(record.value()[0]).isEqualTo((byte) 0xC3);
            TensorChunk c = ChunkWire.decode(record.value());
            assertThat(c.getExperiment()).isEqualTo(experiment);
            assertThat(c.getRound()).isZero();
            assertThat(c.getSender()).isEqualTo(1);
            assertThat(c.getDestination()).isEqualTo(-1);
            assertThat(c.getKind()).isEqualTo(TensorKind.DELTA);
            assertThat(c.getWeight()).isEqualTo(shard.count());
            assertThat(c.getCreatedAtMs()).isPositive();
            assertThat(c.getSignature()).isNotNull();
            assertThat(ChunkSigner.verify(c, key)).isTrue();
            assertThat(ChunkSigner.verify(c, otherKey)).isFalse();
            assertThat(update.add(c)).isTrue();
        }
        assertThat(update.isComplete()).isTrue();
        float[][] received = update.tensors();
        for (int l = 0; l < LAYOUT.layerCount(); l++) {
            assertThat(received[l]).hasSize(LAYOUT.length(l));
        }
        float[][] expected = referenceDeltas(w0, null, 1, shard).get(0);
        assertBitExact(received, expected);
        assertThat(maxAbs(received)).isPositive();
    }

    @Test
    void signFlipClientSendsExactlyTheNegatedDelta() throws Exception {
        String experiment = "client-sign-flip";
        float[][] w0 = prepare(experiment);
        try (FederatedClient client = new FederatedClient(ClientSettings.of(config(experiment, 2, "sign-flip")))) {
            client.participate(1, r -> { });
        }
        float[][] received = assemble(readUpdates(experiment, LAYOUT.totalChunks(CHUNK_SIZE)));
        float[][] honest = referenceDeltas(w0, null, 2, referenceShard(2)).get(0);
        for (float[] layer : honest) {
            for (int i = 0; i < layer.length; i++) {
                layer[i] = -layer[i];
            }
        }
        assertBitExact(received, honest);
    }

    @Test
    void secondRoundWaitsForTheNextVersionAndKeepsMomentum() throws Exception {
        String experiment = "client-two-rounds";
        float[][] w0 = prepare(experiment);
        int total = LAYOUT.totalChunks(CHUNK_SIZE);
        List<RoundResult> progress = new java.util.concurrent.CopyOnWriteArrayList<>();
        float[][] w1;
        List<RoundResult> results;
        try (FederatedClient client = new FederatedClient(ClientSettings.of(config(experiment, 0, "honest")))) {
            CompletableFuture<List<RoundResult>> run = CompletableFuture.supplyAsync(() -> {
                try {
                    return client.participate(2, progress::add);
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            float[][] delta0 = assemble(readUpdates(experiment, total));
            Thread.sleep(300);
            assertThat(run).isNotDone(); // waiting for version 1, not re-using version 0
            assertThat(progress).hasSize(1);

            // Noise the client must skip: the server's aggregate (DELTA, sender -1), garbage bytes.
            TensorChunk aggregate = TensorCodec.splitAll(ChunkHeader.of(experiment, 0, -1, TensorKind.DELTA, 1.0),
                    LAYOUT, delta0, CHUNK_SIZE).get(0);
            ExperimentTopics topics = new ExperimentTopics(experiment);
            TestModels.publishRaw(kafka.clientProperties(), topics.model(), "aggregate/0", ChunkWire.encode(aggregate));
            TestModels.publishRaw(kafka.clientProperties(), topics.model(), "junk", new byte[] {1, 2, 3});

            w1 = new float[w0.length][];
            for (int l = 0; l < w0.length; l++) {
                w1[l] = new float[w0[l].length];
                for (int i = 0; i < w1[l].length; i++) {
                    w1[l][i] = w0[l][i] - delta0[l][i];
                }
            }
            TestModels.publish(kafka.clientProperties(), topics.model(), experiment, LAYOUT, CHUNK_SIZE, 1, w1);
            results = run.get(120, TimeUnit.SECONDS);
        }
        assertThat(results).extracting(RoundResult::modelVersion).containsExactly(0L, 1L);
        assertThat(progress).isEqualTo(results);

        List<ConsumerRecord<byte[], byte[]>> both = readUpdates(experiment, 2 * total);
        List<TensorChunk> second = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : both) {
            TensorChunk c = ChunkWire.decode(r.value());
            if (c.getRound() == 1) {
                second.add(c);
            }
        }
        assertThat(second).hasSize(total);
        TensorSetAssembler assembler = new TensorSetAssembler(LAYOUT, CHUNK_SIZE);
        second.forEach(assembler::add);
        List<float[][]> expected = referenceDeltas(w0, w1, 0, referenceShard(0));
        assertBitExact(assembler.tensors(), expected.get(1));
    }

    @Test
    void stopEndsTheWaitAndMissingModelsTimeOutWithAClearMessage() throws Exception {
        String experiment = "client-stop";
        prepare(experiment);
        try (FederatedClient client = new FederatedClient(ClientSettings.of(config(experiment, 3, "honest")))) {
            CompletableFuture<List<RoundResult>> run = CompletableFuture.supplyAsync(() -> {
                try {
                    return client.participate(5, r -> { });
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            readUpdates(experiment, LAYOUT.totalChunks(CHUNK_SIZE));
            Thread.sleep(200);
            client.stop();
            assertThat(run.get(30, TimeUnit.SECONDS)).hasSize(1);
            assertThat(client.stopped()).isTrue();
        }

        String empty = "client-empty";
        kafka.createTopics(new ExperimentTopics(empty).specs(2));
        try (ModelFetcher fetcher = new ModelFetcher(ClientKafka.consumerProperties(kafka.clientProperties()),
                empty + ".model", empty, LAYOUT, CHUNK_SIZE)) {
            assertThatThrownBy(() -> fetcher.await(0, Duration.ofMillis(1500)))
                    .isInstanceOf(TimeoutException.class)
                    .hasMessageContaining("no complete model version >= 0 on client-empty.model")
                    .hasMessageContaining("holds no model chunk yet");
        }
        try (ModelFetcher fetcher = new ModelFetcher(ClientKafka.consumerProperties(kafka.clientProperties()),
                "client-nowhere.model", "client-nowhere", LAYOUT, CHUNK_SIZE)) {
            assertThatThrownBy(() -> fetcher.await(0, Duration.ofMillis(1500)))
                    .isInstanceOf(TimeoutException.class)
                    .hasMessageContaining("model topic client-nowhere.model does not exist");
        }
        // A client whose model differs from the server's fails at once instead of waiting.
        try (ModelFetcher fetcher = new ModelFetcher(ClientKafka.consumerProperties(kafka.clientProperties()),
                experiment + ".model", experiment, LAYOUT, 500)) {
            assertThatThrownBy(() -> fetcher.await(0, Duration.ofSeconds(10)))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("does not fit this client's model")
                    .hasMessageContaining("chunk-size");
        }
    }

    // ---------------------------------------------------------------- helpers

    /** Creates the experiment's topics and publishes model version 0; returns it. */
    private static float[][] prepare(String experiment) {
        ExperimentTopics topics = new ExperimentTopics(experiment);
        kafka.createTopics(topics.specs(2));
        float[][] w0 = SPEC.layout().initialParameters(SEED);
        TestModels.publish(kafka.clientProperties(), topics.model(), experiment, LAYOUT, CHUNK_SIZE, 0, w0);
        return w0;
    }

    private static Map<String, String> config(String experiment, int id, String behaviour) {
        Map<String, String> m = new HashMap<>();
        m.put("experiment", experiment);
        m.put("kafka.bootstrap", kafka.bootstrapServers());
        m.put("client.id", Integer.toString(id));
        m.put("client.key", KEY_HEX);
        m.put("client.behaviour", behaviour);
        m.put("client.timeout-ms", "60000");
        m.put("data.path", TestData.fashionMnistSubsetDir().toString());
        m.put("partition.kind", "iid");
        m.put("partition.clients", Integer.toString(SHARDS));
        m.put("seed", Long.toString(SEED));
        m.put("model.name", "logreg");
        m.put("train.local-epochs", "0");
        m.put("train.local-steps", "5");
        m.put("train.batch-size", "32");
        m.put("train.lr", "0.05");
        m.put("train.momentum", "0.9");
        m.put("chunk-size", Integer.toString(CHUNK_SIZE));
        return m;
    }

    /** Shard {@code index} derived here, independently of the client's code. */
    private static LabeledImages referenceShard(int index) {
        LabeledImages train = TestData.fashionMnistSubset().train();
        int[][] parts = Partitioners.create("iid", 0.5, SEED).split(train.labels(), train.numClasses(), SHARDS);
        return train.select(parts[index]);
    }

    /**
     * {@code w_v - train(w_v)} for version 0 (from {@code w0}) and, when {@code w1} is given,
     * version 1 with the momentum carried over, by an independent LocalModel.
     */
    private static List<float[][]> referenceDeltas(float[][] w0, float[][] w1, int clientId, LabeledImages shard) {
        List<float[][]> out = new ArrayList<>();
        try (LocalModel model = new LocalModel(SPEC, null)) {
            float[][] momentum = SPEC.layout().zeros();
            float[][][] versions = w1 == null ? new float[][][] {w0} : new float[][][] {w0, w1};
            for (int v = 0; v < versions.length; v++) {
                float[][] local = SPEC.layout().copy(versions[v]);
                model.train(local, momentum, shard, TRAIN, SEED * 1_000_003L + clientId * 7919L + v);
                float[][] delta = SPEC.layout().copy(versions[v]);
                for (int l = 0; l < delta.length; l++) {
                    for (int i = 0; i < delta[l].length; i++) {
                        delta[l][i] -= local[l][i];
                    }
                }
                out.add(delta);
            }
        }
        return out;
    }

    private static float[][] assemble(List<ConsumerRecord<byte[], byte[]>> records) throws Exception {
        TensorSetAssembler assembler = new TensorSetAssembler(LAYOUT, CHUNK_SIZE);
        for (ConsumerRecord<byte[], byte[]> r : records) {
            assembler.add(ChunkWire.decode(r.value()));
        }
        assertThat(assembler.isComplete()).isTrue();
        return assembler.tensors();
    }

    /** Reads the first {@code count} records of the experiment's updates topic (all partitions). */
    private static List<ConsumerRecord<byte[], byte[]>> readUpdates(String experiment, int count) {
        String topic = new ExperimentTopics(experiment).updates();
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
                ClientKafka.consumerProperties(kafka.clientProperties()), new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (out.size() < count && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        assertThat(out).as("records on " + topic).hasSize(count);
        return out;
    }

    private static void assertBitExact(float[][] actual, float[][] expected) {
        assertThat(actual.length).isEqualTo(expected.length);
        for (int l = 0; l < expected.length; l++) {
            assertThat(actual[l]).as("layer " + l).containsExactly(expected[l]);
        }
    }

    private static float maxAbs(float[][] a) {
        float m = 0;
        for (float[] layer : a) {
            for (float x : layer) {
                m = Math.max(m, Math.abs(x));
            }
        }
        return m;
    }
}
