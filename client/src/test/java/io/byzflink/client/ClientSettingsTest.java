package io.byzflink.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.byzflink.training.ModelKind;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

class ClientSettingsTest {

    static final String KEY_HEX = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

    private static Map<String, String> minimal() {
        Map<String, String> m = new HashMap<>();
        m.put("experiment", "fl-test");
        m.put("kafka.bootstrap", "127.0.0.1:9092");
        m.put("client.id", "3");
        m.put("client.key", KEY_HEX);
        return m;
    }

    private static ClientSettings with(String key, String value) {
        Map<String, String> m = minimal();
        m.put(key, value);
        return ClientSettings.of(m);
    }

    @Test
    void defaultsMirrorTheServersExperimentConfig() {
        ClientSettings s = ClientSettings.of(minimal());
        assertThat(s.clientId()).isEqualTo(3);
        assertThat(s.partitionIndex()).isEqualTo(3);
        assertThat(s.partitionClients()).isEqualTo(10);
        assertThat(s.behaviour()).isEqualTo(Behaviour.HONEST);
        assertThat(s.modelSpec().kind()).isEqualTo(ModelKind.MLP);
        assertThat(s.trainConfig().localEpochs()).isEqualTo(1);
        assertThat(s.trainConfig().momentum()).isEqualTo(0.9f);
        assertThat(s.chunkSize()).isEqualTo(65_536);
        assertThat(s.seed()).isEqualTo(42L);
        assertThat(s.key()).isEqualTo(HexFormat.of().parseHex(KEY_HEX));
        assertThat(s.topics().model()).isEqualTo("fl-test.model");
        assertThat(s.toString()).doesNotContain(KEY_HEX).doesNotContain("0011");
    }

    @Test
    void unknownKeyIsNamedWithASuggestion() {
        assertThatThrownBy(() -> with("train.learning-rate", "0.1"))
                .isInstanceOf(ClientConfigException.class)
                .hasMessageContaining("unknown config key 'train.learning-rate'")
                .hasMessageContaining("known keys:");
        assertThatThrownBy(() -> with("client.behavior", "honest"))
                .hasMessageContaining("did you mean 'client.behaviour'?");
    }

    @Test
    void badValuesNameTheKeyAndWhatIsAllowed() {
        assertThatThrownBy(() -> with("client.behaviour", "evil"))
                .isInstanceOf(ClientConfigException.class)
                .hasMessage("config key 'client.behaviour': 'evil' is not allowed; use one of honest, sign-flip, scaled,"
                        + " gaussian, label-flip");
        assertThatThrownBy(() -> with("train.momentum", "1.5"))
                .hasMessage("config key 'train.momentum': '1.5' is not allowed; use a number in [0.0, 0.999]");
        assertThatThrownBy(() -> with("client.id", "abc"))
                .hasMessage("config key 'client.id': 'abc' is not allowed; use an integer >= 0");
        assertThatThrownBy(() -> with("client.tau", "NaN"))
                .hasMessageContaining("config key 'client.tau'").hasMessageContaining("a finite number >= 0.0");
        assertThatThrownBy(() -> with("partition.kind", "random"))
                .hasMessageContaining("config key 'partition.kind'").hasMessageContaining("iid, dirichlet");
        assertThatThrownBy(() -> with("model.name", "resnet"))
                .hasMessageContaining("config key 'model.name'").hasMessageContaining("logreg, mlp, cnn");
        assertThatThrownBy(() -> with("kafka.bootstrap", "localhost"))
                .hasMessageContaining("config key 'kafka.bootstrap'").hasMessageContaining("host:port");
        assertThatThrownBy(() -> with("experiment", "a b"))
                .hasMessageContaining("config key 'experiment'");
        assertThatThrownBy(() -> with("partition.index", "10"))
                .hasMessageContaining("config key 'partition.index' is 10").hasMessageContaining("0..9");
        Map<String, String> bothZero = minimal();
        bothZero.put("train.local-epochs", "0");
        assertThatThrownBy(() -> ClientSettings.of(bothZero)).hasMessageContaining("train.local-steps");
    }

    @Test
    void requiredKeysAndKeyMaterialProblemsAreExplainedWithoutShowingTheKey() {
        Map<String, String> noBootstrap = minimal();
        noBootstrap.remove("kafka.bootstrap");
        assertThatThrownBy(() -> ClientSettings.of(noBootstrap)).hasMessageContaining("'kafka.bootstrap' is required");
        Map<String, String> noKey = minimal();
        noKey.remove("client.key");
        assertThatThrownBy(() -> ClientSettings.of(noKey)).hasMessageContaining("'client.key' (or 'client.key-file') is required");
        assertThatThrownBy(() -> with("client.key", "0011"))
                .hasMessageContaining("config key 'client.key'").hasMessageContaining("at least 16 bytes")
                .hasMessageNotContaining("0011");
        assertThatThrownBy(() -> with("client.key", "zz" + KEY_HEX.substring(2)))
                .hasMessageContaining("neither an even number of hex digits").hasMessageNotContaining(KEY_HEX.substring(2));
        assertThatThrownBy(() -> with("client.key-file", "/nonexistent/key"))
                .hasMessageContaining("both set");
    }

    @Test
    void loadsNestedYamlKeepsHexKeysAsWrittenAndAppliesOverrides(@TempDir Path dir) throws Exception {
        Path keyFile = dir.resolve("keys");
        Files.writeString(keyFile, "# registry\n2=base64:" + java.util.Base64.getEncoder().encodeToString(new byte[20])
                + "\n3=0x" + KEY_HEX + "\n");
        Path yaml = dir.resolve("client.yaml");
        // An all-digit hex key with leading zeros: YAML would read it as a number if not kept as text.
        String digits = "0012345678901234567890123456789012";
        Files.writeString(yaml, String.join("\n",
                "experiment: fl-yaml",
                "kafka:",
                "  bootstrap: 127.0.0.1:19092",
                "  properties:",
                "    security.protocol: PLAINTEXT",
                "client:",
                "  id: 3",
                "  key: " + digits,
                "  behaviour: scaled",
                "  tau: 2.5",
                "train:",
                "  lr: 1e-2",
                "data:",
                "  path:",
                ""));
        ClientSettings s = ClientSettings.load(yaml, List.of("client.rounds=4", "partition.clients=5"));
        assertThat(s.key()).isEqualTo(HexFormat.of().parseHex(digits));
        assertThat(s.behaviour()).isEqualTo(Behaviour.SCALED);
        assertThat(s.tau()).isEqualTo(2.5);
        assertThat(s.trainConfig().learningRate()).isEqualTo(0.01f);
        assertThat(s.rounds()).isEqualTo(4);
        assertThat(s.partitionClients()).isEqualTo(5);
        assertThat(s.dataPath()).isNull();
        assertThat(s.kafka().extra()).containsEntry("security.protocol", "PLAINTEXT");

        ClientSettings fromFile = ClientSettings.load(yaml, List.of("client.key=", "client.key-file=" + keyFile));
        assertThat(fromFile.key()).isEqualTo(HexFormat.of().parseHex(KEY_HEX));
        assertThatThrownBy(() -> ClientSettings.load(yaml, List.of("client.key=", "client.key-file=" + keyFile,
                "client.id=4", "partition.index=0"))).hasMessageContaining("no line for client.id 4");
        assertThatThrownBy(() -> ClientSettings.load(yaml, List.of("rounds")))
                .hasMessageContaining("--set expects key=value");
        assertThatThrownBy(() -> ClientSettings.load(dir.resolve("missing.yaml"), List.of()))
                .hasMessageContaining("does not exist");
    }

    @Test
    void theDocumentedExampleLoads() {
        ClientSettings s = ClientSettings.load(Path.of("..", "examples", "client.yaml"), List.of());
        assertThat(s.experiment()).isEqualTo("fmnist-fedavg");
        assertThat(s.clientId()).isZero();
        assertThat(s.key()).hasSize(32);
        assertThat(s.rounds()).isEqualTo(30);
    }

    @Test
    void behavioursForgeAsDocumented() {
        float[][] delta = {{1f, -2f}, {0.5f}};
        assertThat(Behaviour.SIGN_FLIP.apply(copy(delta), 4, 1, 0)).isDeepEqualTo(new float[][] {{-1f, 2f}, {-0.5f}});
        assertThat(Behaviour.SCALED.apply(copy(delta), 4, 1, 0)).isDeepEqualTo(new float[][] {{-4f, 8f}, {-2f}});
        assertThat(Behaviour.HONEST.apply(copy(delta), 4, 1, 0)).isDeepEqualTo(delta);
        assertThat(Behaviour.GAUSSIAN.apply(copy(delta), 4, 1, 9)).isDeepEqualTo(Behaviour.GAUSSIAN.apply(copy(delta), 4, 1, 9));
        assertThat(Behaviour.GAUSSIAN.apply(copy(delta), 4, 0, 9)).isDeepEqualTo(new float[][] {{0f, 0f}, {0f}});
        assertThat(Behaviour.LABEL_FLIP.flipsLabels()).isTrue();
        assertThat(with("client.behaviour", "label-flip").trainConfig().flipLabels()).isTrue();
    }

    private static float[][] copy(float[][] a) {
        float[][] out = new float[a.length][];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i].clone();
        }
        return out;
    }
}
