package io.byzflink.client;

import io.byzflink.serde.config.DidYouMean;
import io.byzflink.serde.config.KeyValues;
import io.byzflink.connectors.kafka.ExperimentTopics;
import io.byzflink.connectors.kafka.KafkaProperties;
import io.byzflink.data.Partitioners;
import io.byzflink.serde.TensorLayout;
import io.byzflink.training.ModelKind;
import io.byzflink.training.ModelSpec;
import io.byzflink.training.ParameterLayout;
import io.byzflink.training.TrainConfig;

import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.representer.Representer;
import org.yaml.snakeyaml.resolver.Resolver;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The validated config of one federation member: a YAML file (nested maps or dotted keys, both
 * fine) plus {@code key=value} overrides, in the style of the server's experiment config.
 * Unknown keys and bad values fail with one {@link ClientConfigException} that names the key and
 * what is allowed.
 *
 * <p>The data, model and training keys and their defaults are those of the server's experiment
 * config, so a client given the same values as the simulation (and {@code partition.clients} =
 * the simulation's {@code nodes.honest}) trains on the same shard with the same batch order as
 * simulated worker {@code client.id}.
 *
 * <p>Immutable. {@link #toString()} never shows the HMAC key.
 */
public final class ClientSettings {

    /** Prefix of Kafka client properties passed through unchanged (SSL, SASL, ...). */
    public static final String KAFKA_PROPERTIES_PREFIX = "kafka.properties.";

    public static final ClientOption<String> EXPERIMENT = ClientOption.text("experiment", "byzflink",
            "the server's experiment name (letters, digits, '.', '_', '-')",
            "Experiment name: the client reads <experiment>.model and writes <experiment>.updates.");
    public static final ClientOption<String> KAFKA_BOOTSTRAP = ClientOption.text("kafka.bootstrap", null,
            "a comma-separated list of host:port, e.g. 127.0.0.1:9092",
            "Bootstrap servers of the federation's Kafka cluster (required).");
    public static final ClientOption<Integer> CLIENT_ID = ClientOption.intAtLeast("client.id", null, 0,
            "This client's sender id, as registered with the server (required).");
    public static final ClientOption<String> CLIENT_KEY = ClientOption.text("client.key", null,
            "hex or base64:... with at least " + ClientKeys.MIN_KEY_BYTES + " bytes",
            "This client's HMAC-SHA256 key, as registered with the server (clients.keys); or use client.key-file.");
    public static final ClientOption<String> CLIENT_KEY_FILE = ClientOption.text("client.key-file", null,
            "a file holding the key (hex or base64:...), or id=key lines",
            "File with this client's key: the key alone, or id=key lines like the server's key file.");
    public static final ClientOption<String> BEHAVIOUR = ClientOption.oneOf("client.behaviour", "honest",
            Behaviour.ids(), "What the client sends: honest, or a Byzantine forgery for experiments.");
    public static final ClientOption<Double> TAU = ClientOption.between("client.tau", 4.0, 0, Double.POSITIVE_INFINITY,
            "Scale of the 'scaled' behaviour: it sends -tau * DELTA.");
    public static final ClientOption<Double> SIGMA = ClientOption.between("client.sigma", 1.0, 0, Double.POSITIVE_INFINITY,
            "Standard deviation of the 'gaussian' behaviour's noise.");
    public static final ClientOption<Integer> ROUNDS = ClientOption.intAtLeast("client.rounds", 30, 1,
            "Updates to send (one per model version) before stopping.");
    public static final ClientOption<Long> TIMEOUT_MS = ClientOption.longAtLeast("client.timeout-ms", 600_000L, 1,
            "How long to wait for the next model version before failing.");
    public static final ClientOption<String> DATA_PATH = ClientOption.text("data.path", null, "a folder",
            "Folder with the Fashion-MNIST IDX files; else $BYZFLINK_DATA, else /usr/share/datasets/fashion-mnist.");
    public static final ClientOption<Integer> TRAIN_LIMIT = ClientOption.intAtLeast("data.train-limit", 0, 0,
            "Use only the first N training images before partitioning (0 = all).");
    public static final ClientOption<String> PARTITION = ClientOption.oneOf("partition.kind", "iid", Partitioners.KINDS,
            "How the federation's training data is split into shards.");
    public static final ClientOption<Double> PARTITION_ALPHA = ClientOption.positive("partition.alpha", 0.5,
            "Dirichlet alpha, or the iid fraction gamma for gamma-similarity.");
    public static final ClientOption<Integer> PARTITION_CLIENTS = ClientOption.intAtLeast("partition.clients", 10, 1,
            "Number of shards the data is split into (the simulation's nodes.honest).");
    public static final ClientOption<Integer> PARTITION_INDEX = ClientOption.intAtLeast("partition.index", null, 0,
            "This client's shard, in 0..partition.clients-1 (default: client.id).");
    public static final ClientOption<Long> SEED = new ClientOption<>("seed", 42L, Long::parseLong, v -> true,
            "an integer", "Seed of the data partition and of batch sampling; the federation's seed.");
    public static final ClientOption<String> MODEL = ClientOption.oneOf("model.name", "mlp",
            Arrays.stream(ModelKind.values()).map(ModelKind::id).toList(), "Model architecture; must match the server's.");
    public static final ClientOption<Integer> HIDDEN = ClientOption.intAtLeast("model.hidden", ModelKind.DEFAULT_HIDDEN, 1,
            "Hidden units of the MLP; must match the server's.");
    public static final ClientOption<Integer> LOCAL_EPOCHS = ClientOption.intAtLeast("train.local-epochs", 1, 0,
            "Local epochs over the shard per round (0 = use train.local-steps).");
    public static final ClientOption<Integer> LOCAL_STEPS = ClientOption.intAtLeast("train.local-steps", 0, 0,
            "Local SGD steps per round (used when train.local-epochs is 0).");
    public static final ClientOption<Integer> BATCH_SIZE = ClientOption.intAtLeast("train.batch-size", 64, 1,
            "Mini-batch size of local training.");
    public static final ClientOption<Double> LR = ClientOption.between("train.lr", 0.05, 0, Double.POSITIVE_INFINITY,
            "Local SGD learning rate.");
    public static final ClientOption<Double> MOMENTUM = ClientOption.between("train.momentum", 0.9, 0, 0.999,
            "Local SGD momentum; kept across rounds by the client.");
    public static final ClientOption<Double> WEIGHT_DECAY = ClientOption.between("train.weight-decay", 0.0, 0,
            Double.POSITIVE_INFINITY, "Local L2 weight decay.");
    public static final ClientOption<Integer> CHUNK_SIZE = ClientOption.intAtLeast("chunk-size", 65_536, 1,
            "Floats per tensor chunk; must match the server's.");

    /** Every key, in the order of the config reference. */
    public static final List<ClientOption<?>> ALL = List.of(EXPERIMENT, KAFKA_BOOTSTRAP, CLIENT_ID, CLIENT_KEY,
            CLIENT_KEY_FILE, BEHAVIOUR, TAU, SIGMA, ROUNDS, TIMEOUT_MS, DATA_PATH, TRAIN_LIMIT, PARTITION,
            PARTITION_ALPHA, PARTITION_CLIENTS, PARTITION_INDEX, SEED, MODEL, HIDDEN, LOCAL_EPOCHS, LOCAL_STEPS,
            BATCH_SIZE, LR, MOMENTUM, WEIGHT_DECAY, CHUNK_SIZE);

    private final Map<String, String> values;
    private final String experiment;
    private final KafkaProperties kafka;
    private final int clientId;
    private final byte[] key;
    private final Behaviour behaviour;
    private final double tau;
    private final double sigma;
    private final int rounds;
    private final Duration timeout;
    private final String dataPath;
    private final int trainLimit;
    private final String partition;
    private final double partitionAlpha;
    private final int partitionClients;
    private final int partitionIndex;
    private final long seed;
    private final ModelSpec modelSpec;
    private final TrainConfig trainConfig;
    private final int chunkSize;

    private ClientSettings(Map<String, String> values) {
        this.values = Map.copyOf(values);
        this.experiment = required(EXPERIMENT);
        try {
            new ExperimentTopics(experiment);
        } catch (IllegalArgumentException e) {
            throw new ClientConfigException("config key '" + EXPERIMENT.key() + "': " + e.getMessage());
        }
        this.kafka = kafkaProperties(required(KAFKA_BOOTSTRAP));
        this.clientId = required(CLIENT_ID);
        this.key = ClientKeys.resolve(clientId, get(CLIENT_KEY), get(CLIENT_KEY_FILE));
        this.behaviour = Behaviour.parse(get(BEHAVIOUR));
        this.tau = get(TAU);
        this.sigma = get(SIGMA);
        this.rounds = get(ROUNDS);
        this.timeout = Duration.ofMillis(get(TIMEOUT_MS));
        this.dataPath = get(DATA_PATH);
        this.trainLimit = get(TRAIN_LIMIT);
        this.partition = get(PARTITION);
        this.partitionAlpha = get(PARTITION_ALPHA);
        try {
            Partitioners.create(partition, partitionAlpha, 0); // checks alpha against the kind
        } catch (IllegalArgumentException e) {
            throw new ClientConfigException("config key '" + PARTITION_ALPHA.key() + "': " + e.getMessage());
        }
        this.partitionClients = get(PARTITION_CLIENTS);
        Integer index = get(PARTITION_INDEX);
        this.partitionIndex = index != null ? index : clientId;
        if (partitionIndex >= partitionClients) {
            throw new ClientConfigException("config key '" + PARTITION_INDEX.key() + "' is " + partitionIndex
                    + (index == null ? " (its default, client.id)" : "") + " but must be in 0.."
                    + (partitionClients - 1) + " because partition.clients is " + partitionClients
                    + "; set partition.clients to the federation's number of shards or partition.index explicitly");
        }
        this.seed = get(SEED);
        this.modelSpec = ModelSpec.fashionMnist(ModelKind.parse(get(MODEL)), get(HIDDEN));
        int epochs = get(LOCAL_EPOCHS);
        int steps = get(LOCAL_STEPS);
        if (epochs == 0 && steps == 0) {
            throw new ClientConfigException("config keys '" + LOCAL_EPOCHS.key() + "' and '" + LOCAL_STEPS.key()
                    + "' are both 0: set one of them > 0");
        }
        this.trainConfig = new TrainConfig(steps, epochs, get(BATCH_SIZE), get(LR).floatValue(),
                get(MOMENTUM).floatValue(), get(WEIGHT_DECAY).floatValue(), behaviour.flipsLabels());
        this.chunkSize = get(CHUNK_SIZE);
    }

    /**
     * Loads {@code file} (null for none) and applies {@code overrides} ({@code key=value}, later
     * ones win).
     *
     * @throws ClientConfigException for an unreadable file, bad YAML, an unknown key or a bad value
     */
    public static ClientSettings load(Path file, List<String> overrides) {
        Map<String, String> flat = new TreeMap<>();
        if (file != null) {
            flat.putAll(readYaml(file));
        }
        try {
            flat.putAll(KeyValues.parse(overrides));
        } catch (IllegalArgumentException e) {
            throw new ClientConfigException(e.getMessage());
        }
        return of(flat);
    }

    /**
     * Validates a flat map of dotted keys to values.
     *
     * @throws ClientConfigException for an unknown key or a bad or missing value
     */
    public static ClientSettings of(Map<String, String> given) {
        Set<String> known = new java.util.LinkedHashSet<>();
        for (ClientOption<?> option : ALL) {
            known.add(option.key());
        }
        for (String key : new TreeMap<>(given).keySet()) {
            if (!known.contains(key) && !key.startsWith(KAFKA_PROPERTIES_PREFIX)) {
                throw new ClientConfigException("unknown config key '" + key + "'" + DidYouMean.suggestion(key, known)
                        + "; known keys: " + String.join(", ", known) + ", " + KAFKA_PROPERTIES_PREFIX + "*");
            }
        }
        return new ClientSettings(given);
    }

    /** Every key with its default, what it allows and what it means, one key per two lines. */
    public static String reference() {
        StringBuilder sb = new StringBuilder();
        for (ClientOption<?> o : ALL) {
            sb.append(String.format("%-20s default %-10s allowed: %s%n%-20s %s%n", o.key(), o.defaultText(),
                    o.allowed(), "", o.description()));
        }
        sb.append(String.format("%-20s %s%n", KAFKA_PROPERTIES_PREFIX + "*",
                "Kafka client properties passed through unchanged (SSL, SASL, ...)."));
        return sb.toString();
    }

    // ---------------------------------------------------------------- accessors

    public String experiment() {
        return experiment;
    }

    /** The experiment's topic names. */
    public ExperimentTopics topics() {
        return new ExperimentTopics(experiment);
    }

    /** Bootstrap servers plus the {@code kafka.properties.*} pass-through. */
    public KafkaProperties kafka() {
        return kafka;
    }

    public int clientId() {
        return clientId;
    }

    /** A copy of the HMAC key. */
    public byte[] key() {
        return key.clone();
    }

    public Behaviour behaviour() {
        return behaviour;
    }

    public double tau() {
        return tau;
    }

    public double sigma() {
        return sigma;
    }

    /** Updates to send before stopping. */
    public int rounds() {
        return rounds;
    }

    /** Longest wait for the next model version. */
    public Duration timeout() {
        return timeout;
    }

    /** The configured data folder, or null for the default lookup. */
    public String dataPath() {
        return dataPath;
    }

    public int trainLimit() {
        return trainLimit;
    }

    public String partition() {
        return partition;
    }

    public double partitionAlpha() {
        return partitionAlpha;
    }

    public int partitionClients() {
        return partitionClients;
    }

    public int partitionIndex() {
        return partitionIndex;
    }

    public long seed() {
        return seed;
    }

    public ModelSpec modelSpec() {
        return modelSpec;
    }

    /** The model's layers as they travel in chunks. */
    public TensorLayout tensorLayout() {
        return tensorLayout(modelSpec.layout());
    }

    /** Local training hyper-parameters; labels flipped for {@link Behaviour#LABEL_FLIP}. */
    public TrainConfig trainConfig() {
        return trainConfig;
    }

    public int chunkSize() {
        return chunkSize;
    }

    /** The given key=value view (key material included: do not log it). */
    public Map<String, String> values() {
        return values;
    }

    /** The wire layout of a training layout: same names, shapes and order. */
    public static TensorLayout tensorLayout(ParameterLayout layout) {
        List<String> names = new ArrayList<>();
        List<List<Integer>> shapes = new ArrayList<>();
        for (ParameterLayout.Entry e : layout.entries()) {
            names.add(e.name());
            shapes.add(Arrays.stream(e.shape()).boxed().toList());
        }
        return new TensorLayout(names, shapes);
    }

    @Override
    public String toString() {
        return "ClientSettings[experiment=" + experiment + ", kafka=" + kafka.bootstrapServers() + ", client.id="
                + clientId + ", behaviour=" + behaviour + ", shard=" + partitionIndex + "/" + partitionClients + " "
                + partition + ", model=" + modelSpec.kind() + ", rounds=" + rounds + "]";
    }

    // ---------------------------------------------------------------- parsing

    private <T> T get(ClientOption<T> option) {
        return option.parse(values.get(option.key()));
    }

    private <T> T required(ClientOption<T> option) {
        T value = get(option);
        if (value == null) {
            throw new ClientConfigException("config key '" + option.key() + "' is required; use " + option.allowed());
        }
        return value;
    }

    private KafkaProperties kafkaProperties(String bootstrap) {
        Map<String, String> extra = new TreeMap<>();
        values.forEach((k, v) -> {
            if (k.startsWith(KAFKA_PROPERTIES_PREFIX)) {
                extra.put(k.substring(KAFKA_PROPERTIES_PREFIX.length()), v);
            }
        });
        try {
            return new KafkaProperties(bootstrap, extra);
        } catch (IllegalArgumentException e) {
            throw new ClientConfigException("config key '" + KAFKA_BOOTSTRAP.key() + "': " + e.getMessage());
        }
    }

    private static Map<String, String> readYaml(Path file) {
        Object root;
        try (Reader reader = Files.newBufferedReader(file)) {
            root = stringScalars().load(reader);
        } catch (NoSuchFileException e) {
            throw new ClientConfigException("client config file " + file + " does not exist");
        } catch (IOException e) {
            throw new ClientConfigException("cannot read client config file " + file + ": " + e.getMessage());
        } catch (RuntimeException e) {
            throw new ClientConfigException("client config file " + file + " is not valid YAML: " + e.getMessage());
        }
        Map<String, String> flat = new LinkedHashMap<>();
        if (root == null) {
            return flat;
        }
        if (!(root instanceof Map<?, ?> map)) {
            throw new ClientConfigException("client config file " + file + " must be a YAML mapping of keys to values");
        }
        flatten("", map, flat, file);
        return flat;
    }

    /**
     * A YAML loader that keeps every scalar as the text written: a hex key such as
     * {@code 0123...} or {@code 12e4...} must not become a number (and lose its leading zeros or
     * turn into a float) before it is decoded; the typed options parse the text themselves.
     */
    private static Yaml stringScalars() {
        LoaderOptions loading = new LoaderOptions();
        DumperOptions dumping = new DumperOptions();
        Resolver noImplicitTypes = new Resolver() {
            @Override
            protected void addImplicitResolvers() {
                // none: plain scalars stay strings
            }
        };
        return new Yaml(new SafeConstructor(loading), new Representer(dumping), dumping, loading, noImplicitTypes);
    }

    private static void flatten(String prefix, Map<?, ?> map, Map<String, String> out, Path file) {
        for (Map.Entry<?, ?> e : map.entrySet()) {
            String key = prefix + e.getKey();
            if (e.getValue() instanceof Map<?, ?> child) {
                flatten(key + ".", child, out, file);
            } else if (e.getValue() instanceof List<?>) {
                throw new ClientConfigException("config key '" + key + "' in " + file + " is a list; every client key"
                        + " takes a single value");
            } else if (e.getValue() != null && !e.getValue().toString().isBlank() && !"~".equals(e.getValue())) {
                out.put(key, String.valueOf(e.getValue()));
            }
        }
    }
}
