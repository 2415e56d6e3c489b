package io.byzflink.jobs.config;

import static io.byzflink.jobs.config.ExperimentOptions.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.byzflink.operators.JobSettings;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

class ExperimentConfigTest {

    /** Tests run in the module folder; the examples live beside it. */
    private static final Path EXAMPLE = Path.of("..", "examples", "fmnist-fedavg.yaml");

    @TempDir
    Path dir;

    private Path yaml(String text) throws IOException {
        Path file = dir.resolve("config.yaml");
        Files.writeString(file, text);
        return file;
    }

    private static ExperimentConfig set(String... overrides) {
        return ExperimentConfig.load(null, List.of(overrides));
    }

    @Test
    void exampleFedAvgConfigLoadsWithItsDocumentedValues() {
        ExperimentConfig c = ExperimentConfig.load(EXAMPLE, List.of());
        assertThat(c.get(EXPERIMENT)).isEqualTo("fmnist-fedavg");
        assertThat(c.get(SEED)).isEqualTo(42L);
        assertThat(c.get(ROUNDS)).isEqualTo(30);
        assertThat(c.get(HONEST)).isEqualTo(10);
        assertThat(c.get(PARALLELISM)).isEqualTo(2);
        assertThat(c.get(DATA_PATH)).isNull(); // commented out in the example
        assertThat(c.get(TRAIN_LIMIT)).isZero();
        assertThat(c.get(PARTITION)).isEqualTo("iid");
        assertThat(c.get(MODEL)).isEqualTo("mlp");
        assertThat(c.get(HIDDEN)).isEqualTo(128);
        assertThat(c.get(LOCAL_EPOCHS)).isEqualTo(1);
        assertThat(c.get(BATCH_SIZE)).isEqualTo(64);
        assertThat(c.get(LR)).isEqualTo(0.05);
        assertThat(c.get(MOMENTUM)).isEqualTo(0.9);
        assertThat(c.get(SERVER_LR)).isEqualTo(1.0);
        assertThat(c.get(SERVER_MOMENTUM)).isEqualTo(0.0);
        assertThat(c.get(SERVER_SCHEDULE)).isEqualTo("constant");
        assertThat(c.get(RULE)).isEqualTo("mean");
        assertThat(c.get(EVAL_EVERY)).isEqualTo(1);
        assertThat(c.get(KAFKA_BOOTSTRAP)).isEqualTo("embedded");
        assertThat(c.embeddedKafka()).isTrue();
        assertThat(c.get(CHUNK_SIZE)).isEqualTo(65_536);
        assertThat(c.get(CHECKPOINT_INTERVAL)).isEqualTo(30_000L);
        assertThat(c.kafkaProperties()).isEmpty();
    }

    @Test
    void jobSettingsCarryTheConfiguredValues() {
        JobSettings s = ExperimentConfig.load(EXAMPLE, List.of("server.momentum=0.5", "train.local-steps=7")).jobSettings();
        assertThat(s.experiment()).isEqualTo("fmnist-fedavg");
        assertThat(s.rounds()).isEqualTo(30);
        assertThat(s.honest()).isEqualTo(10);
        assertThat(s.byzantine()).isZero();
        assertThat(s.model()).isEqualTo("mlp");
        assertThat(s.learningRate()).isEqualTo(0.05);
        assertThat(s.serverMomentum()).isEqualTo(0.5);
        assertThat(s.localSteps()).isEqualTo(7);
        assertThat(s.localEpochs()).isEqualTo(1);
        assertThat(s.rule()).isEqualTo("mean (f=0)");
        assertThat(s.dataPath()).isNull();
    }

    @Test
    void nestedAndDottedYamlKeysMeanTheSame() throws IOException {
        ExperimentConfig nested = ExperimentConfig.load(yaml("train:\n  lr: 0.01\n  batch-size: 32\nmodel:\n  name: cnn\n"), List.of());
        ExperimentConfig dotted = ExperimentConfig.load(yaml("train.lr: 0.01\ntrain.batch-size: 32\nmodel.name: cnn\n"), List.of());
        ExperimentConfig mixed = ExperimentConfig.load(yaml("train:\n  lr: 0.01\ntrain.batch-size: 32\nmodel.name: cnn\n"), List.of());
        for (ExperimentConfig c : List.of(nested, dotted, mixed)) {
            assertThat(c.get(LR)).isEqualTo(0.01);
            assertThat(c.get(BATCH_SIZE)).isEqualTo(32);
            assertThat(c.get(MODEL)).isEqualTo("cnn");
            assertThat(c.get(ROUNDS)).isEqualTo(30); // untouched key keeps its default
        }
        assertThat(nested.values()).isEqualTo(dotted.values()).isEqualTo(mixed.values());
    }

    @Test
    void setOverridesWinOverTheFile() {
        ExperimentConfig c = ExperimentConfig.load(EXAMPLE, List.of("rounds=5", " train.lr = 0.2 ", "model.name=logreg"));
        assertThat(c.get(ROUNDS)).isEqualTo(5);
        assertThat(c.get(LR)).isEqualTo(0.2);
        assertThat(c.get(MODEL)).isEqualTo("logreg");
        assertThat(c.get(HONEST)).isEqualTo(10); // from the file
    }

    @Test
    void byzantineNodesRunWithEveryProtocolButDissensusOnlyWithGossip() {
        for (String protocol : List.of("gossip", "appg", "netmax", "mpls")) {
            io.byzflink.p2p.PeerSettings p = set("mode=decentralized", "nodes.honest=5", "nodes.byzantine=1",
                    "p2p.topology=complete", "p2p.protocol=" + protocol, "attack.name=ipm",
                    "aggregation.rule=trimmed-mean", "aggregation.f=1").peerSettings();
            assertThat(p.isByzantine(5)).isTrue();
            assertThat(p.protocol().label()).isEqualTo(protocol);
        }
        assertThatThrownBy(() -> set("mode=decentralized", "nodes.honest=5", "nodes.byzantine=1", "p2p.protocol=mpls",
                "attack.name=ipm", "p2p.dissensus=true").peerSettings())
                .isInstanceOf(ConfigException.class).hasMessageContaining("'p2p.dissensus'").hasMessageContaining("gossip");
    }

    @Test
    void laterOverrideOfTheSameKeyWins() {
        assertThat(set("rounds=5", "rounds=6").get(ROUNDS)).isEqualTo(6);
    }

    @Test
    void overrideWithoutEqualsSignIsRefused() {
        assertThatThrownBy(() -> set("rounds")).isInstanceOf(ConfigException.class)
                .hasMessage("--set expects key=value, got 'rounds'");
        assertThatThrownBy(() -> set("=5")).hasMessageContaining("--set expects key=value");
    }

    @Test
    void unknownKeyIsRefusedWithTheClosestKnownKey() {
        assertThatThrownBy(() -> set("trian.lr=0.1"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("unknown config key 'trian.lr' (did you mean 'train.lr'?)");
        assertThatThrownBy(() -> set("round=3"))
                .hasMessageStartingWith("unknown config key 'round' (did you mean 'rounds'?)");
    }

    @Test
    void unknownKeyInTheFileIsRefusedToo() throws IOException {
        Path file = yaml("server:\n  momentun: 0.9\n");
        assertThatThrownBy(() -> ExperimentConfig.load(file, List.of()))
                .hasMessageStartingWith("unknown config key 'server.momentun' (did you mean 'server.momentum'?)");
    }

    @Test
    void unknownKeyFarFromEveryKnownKeyHasNoSuggestion() {
        assertThatThrownBy(() -> set("completely.unrelated=1"))
                .hasMessageStartingWith("unknown config key 'completely.unrelated';")
                .hasMessageNotContaining("did you mean");
    }

    @Test
    void aggregationTakesRuleParametersPreAggregatorListsAndDefaultsFToTheByzantineCount() throws IOException {
        Path file = yaml("nodes: {honest: 8, byzantine: 2}\nattack: {name: label-flip}\n"
                + "aggregation:\n  pre: [nnm, {name: clipping, c: 2.0}]\n  rule: {name: multi-krum, m: 3}\n");
        ExperimentConfig c = ExperimentConfig.load(file, List.of());
        assertThat(c.aggregationF()).isEqualTo(2);
        assertThat(c.ruleParams()).containsEntry("m", "3");
        assertThat(c.jobSettings().rule()).contains("nnm").contains("clipping").contains("multi-krum").contains("f=2");
        assertThat(ExperimentConfig.load(file, List.of("aggregation.f=1")).aggregationF()).isEqualTo(1);
        assertThatThrownBy(() -> ExperimentConfig.load(file, List.of("aggregation.rule.q=1")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("aggregation.rule").hasMessageContaining("q");
        assertThatThrownBy(() -> ExperimentConfig.load(file, List.of("aggregation.pre=nnn")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("aggregation.pre").hasMessageContaining("nnm");
        assertThatThrownBy(() -> set("nodes.byzantine=2"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("attack.name is none");
        // 5 + 2 senders cannot run Bulyan with f = 2 (it needs n >= 4f + 3): refused before the job starts.
        assertThatThrownBy(() -> set("nodes.honest=5", "nodes.byzantine=2", "attack.name=alie", "aggregation.rule=bulyan"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("aggregation.rule").hasMessageContaining("4f + 3");
    }

    @Test
    void badEnumValueListsTheAllowedValues() {
        assertThatThrownBy(() -> set("model.name=resnet"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'model.name'")
                .hasMessageContaining("'resnet'")
                .hasMessageContaining("one of logreg, mlp, cnn");
        assertThatThrownBy(() -> set("server.schedule=linear")).hasMessageContaining("one of constant, step, cosine");
        assertThatThrownBy(() -> set("aggregation.rule=krumm")).hasMessageContaining("one of mean, median, trimmed-mean, meamed, geometric-median, krum");
        assertThatThrownBy(() -> set("device=tpu")).hasMessageContaining("one of auto, cpu, gpu");
    }

    @Test
    void valueThatIsNotANumberIsRefused() {
        assertThatThrownBy(() -> set("rounds=abc"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("config key 'rounds': 'abc' is not a valid integer value");
        assertThatThrownBy(() -> set("seed=x1")).hasMessageContaining("'x1' is not a valid integer");
        assertThatThrownBy(() -> set("train.lr=fast")).hasMessageContaining("'fast' is not a valid number");
    }

    @Test
    void valueOutOfRangeIsRefusedWithTheRange() {
        assertThatThrownBy(() -> set("rounds=0"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("config key 'rounds': '0' is not allowed")
                .hasMessageContaining(">= 1");
        assertThatThrownBy(() -> set("train.momentum=1.5"))
                .hasMessageContaining("config key 'train.momentum': '1.5' is not allowed")
                .hasMessageContaining("[0.0, 0.999]");
        assertThatThrownBy(() -> set("partition.alpha=0")).hasMessageContaining("'partition.alpha'");
        assertThatThrownBy(() -> set("train.lr=-0.1")).hasMessageContaining("'train.lr'");
        assertThat(set("rounds=1", "train.momentum=0.999", "train.lr=0").get(ROUNDS)).isEqualTo(1);
    }

    @Test
    void nonFiniteNumbersAreRefused() {
        assertThatThrownBy(() -> set("train.lr=NaN")).isInstanceOf(ConfigException.class).hasMessageContaining("'train.lr'");
        assertThatThrownBy(() -> set("train.lr=Infinity")).hasMessageContaining("'train.lr'");
        assertThatThrownBy(() -> set("train.weight-decay=NaN")).hasMessageContaining("'train.weight-decay'");
        assertThatThrownBy(() -> set("server.lr=NaN")).hasMessageContaining("'server.lr'");
        assertThatThrownBy(() -> set("partition.alpha=NaN")).hasMessageContaining("'partition.alpha'");
        assertThatThrownBy(() -> set("server.momentum=NaN")).hasMessageContaining("'server.momentum'");
    }

    @Test
    void yamlNanIsRefusedLikeTheTypedOne() throws IOException {
        Path file = yaml("train:\n  lr: .nan\n");
        assertThatThrownBy(() -> ExperimentConfig.load(file, List.of())).hasMessageContaining("'train.lr'");
    }

    @Test
    void localEpochsAndStepsMayNotBothBeZero() {
        assertThatThrownBy(() -> set("train.local-epochs=0", "train.local-steps=0"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("train.local-epochs and train.local-steps are both 0");
        ExperimentConfig steps = set("train.local-epochs=0", "train.local-steps=20");
        assertThat(steps.get(LOCAL_STEPS)).isEqualTo(20);
    }

    @Test
    void missingFileIsNamed() {
        Path missing = dir.resolve("nope.yaml");
        assertThatThrownBy(() -> ExperimentConfig.load(missing, List.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("config file " + missing + " does not exist");
    }

    @Test
    void yamlThatIsNotAMappingIsRefused() throws IOException {
        Path list = yaml("- rounds\n- workers\n");
        assertThatThrownBy(() -> ExperimentConfig.load(list, List.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("must be a YAML mapping");
        Path scalar = yaml("just text\n");
        assertThatThrownBy(() -> ExperimentConfig.load(scalar, List.of())).hasMessageContaining("must be a YAML mapping");
    }

    @Test
    void brokenYamlIsRefused() throws IOException {
        Path broken = yaml("rounds: [1, 2\n");
        assertThatThrownBy(() -> ExperimentConfig.load(broken, List.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("is not valid YAML");
    }

    @Test
    void listWhereANumberBelongsIsRefused() throws IOException {
        Path file = yaml("nodes: {honest: [1, 2]}\n");
        assertThatThrownBy(() -> ExperimentConfig.load(file, List.of()))
                .hasMessageContaining("config key 'nodes.honest'")
                .hasMessageContaining("not a valid integer");
    }

    @Test
    void emptyFileGivesTheDefaults() throws IOException {
        ExperimentConfig c = ExperimentConfig.load(yaml(""), List.of());
        assertThat(c.get(ROUNDS)).isEqualTo(30);
        assertThat(c.get(MODEL)).isEqualTo("mlp");
        assertThat(c.values()).isEmpty();
    }

    @Test
    void kafkaPropertiesPassThroughUnchecked() throws IOException {
        Path file = yaml("kafka:\n  bootstrap: broker-1:9093,broker-2:9093\n  properties:\n"
                + "    security.protocol: SASL_SSL\n    sasl.mechanism: PLAIN\n");
        ExperimentConfig c = ExperimentConfig.load(file, List.of("kafka.properties.ssl.truststore.location=/etc/ts.jks"));
        assertThat(c.kafkaProperties()).isEqualTo(Map.of(
                "security.protocol", "SASL_SSL",
                "sasl.mechanism", "PLAIN",
                "ssl.truststore.location", "/etc/ts.jks"));
        assertThat(c.embeddedKafka()).isFalse();
        assertThat(c.get(KAFKA_BOOTSTRAP)).isEqualTo("broker-1:9093,broker-2:9093");
    }

    @Test
    void everyOptionHasAUniqueKeyAndADescription() {
        Set<String> keys = new HashSet<>();
        assertThat(ALL).isNotEmpty();
        for (Checked<?> c : ALL) {
            assertThat(keys.add(c.key())).as("duplicate key %s", c.key()).isTrue();
            assertThat(c.description()).as("description of %s", c.key()).isNotBlank();
            assertThat(c.allowed()).as("allowed values of %s", c.key()).isNotBlank();
        }
        assertThat(keys).contains("rounds", "train.lr", "model.name", "kafka.bootstrap");
    }

    @Test
    void defaultsAloneAreAValidConfig() {
        ExperimentConfig c = ExperimentConfig.of(Map.of());
        for (Checked<?> check : ALL) {
            assertThat(defaultPasses(c, check)).as("default of %s", check.key()).isTrue();
        }
    }

    private static <T> boolean defaultPasses(ExperimentConfig c, Checked<T> check) {
        T value = c.get(check.option());
        return value == null || check.rule().test(value);
    }
}
