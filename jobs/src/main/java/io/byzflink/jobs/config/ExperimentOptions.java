package io.byzflink.jobs.config;

import static org.apache.flink.configuration.ConfigOptions.key;

import io.byzflink.attacks.AttackRegistry;
import io.byzflink.data.Partitioners;
import io.byzflink.decentralized.Topologies;
import io.byzflink.p2p.Protocol;
import io.byzflink.robust.RuleRegistry;
import io.byzflink.server.LearningRateSchedule;
import io.byzflink.training.ModelKind;

import org.apache.flink.configuration.ConfigOption;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Every key of an experiment config, declared as Flink {@link ConfigOption}s with defaults and
 * descriptions, plus the range or set of values each accepts. The README's config reference and
 * the CLI's help are generated from this list, so they cannot drift from what the loader accepts.
 */
public final class ExperimentOptions {

    private ExperimentOptions() {}

    public static final ConfigOption<String> EXPERIMENT = key("experiment").stringType().defaultValue("byzflink")
            .withDescription("Experiment name: prefix of its Kafka topics (<experiment>.model, .updates, .reports, .dead-letter) and its folder under runs/.");
    public static final ConfigOption<Long> SEED = key("seed").longType().defaultValue(42L)
            .withDescription("Seed of model initialisation, data partition and batch sampling: same seed, same run.");
    public static final ConfigOption<Integer> ROUNDS = key("rounds").intType().defaultValue(30)
            .withDescription("Training rounds; model versions 0..rounds are published.");
    public static final ConfigOption<Integer> HONEST = key("nodes.honest").intType().defaultValue(10)
            .withDescription("Honest workers; the training data is split among them.");
    public static final ConfigOption<Integer> BYZANTINE = key("nodes.byzantine").intType().defaultValue(0)
            .withDescription("Byzantine workers, running attack.name; the aggregator does not know who they are.");
    public static final ConfigOption<String> ATTACK = key("attack.name").stringType().defaultValue("none")
            .withDescription("What the Byzantine workers do: none, or an attack; its parameters go under attack.<param>. "
                    + "'bin/byzflink attack --list' shows every attack with its parameters.");
    public static final ConfigOption<Integer> CHUNK_SIZE = key("chunk-size").intType().defaultValue(65_536)
            .withDescription("Floats per tensor chunk event (the unit of parallelism); 65,536 floats = 256 KiB.");
    public static final ConfigOption<Integer> PARALLELISM = key("parallelism").intType().defaultValue(2)
            .withDescription("Flink parallelism of the trainers, aggregators and updaters.");
    public static final ConfigOption<String> MODEL = key("model.name").stringType().defaultValue("mlp")
            .withDescription("Model: logreg (784-10), mlp (784-hidden-10) or cnn (ByzFL's cnn_mnist, 431k parameters).");
    public static final ConfigOption<Integer> HIDDEN = key("model.hidden").intType().defaultValue(128)
            .withDescription("Hidden units of the MLP.");
    public static final ConfigOption<String> DEVICE = key("device").stringType().defaultValue("auto")
            .withDescription("Training device: auto (the GPU Flink assigned to the task manager, else CPU), cpu, or gpu (fail without one).");
    public static final ConfigOption<String> DATA_PATH = key("data.path").stringType().noDefaultValue()
            .withDescription("Folder with the Fashion-MNIST IDX files; else $BYZFLINK_DATA, else /usr/share/datasets/fashion-mnist (Debian package dataset-fashion-mnist).");
    public static final ConfigOption<Integer> TRAIN_LIMIT = key("data.train-limit").intType().defaultValue(0)
            .withDescription("Use only the first N training images (0 = all), for quick runs.");
    public static final ConfigOption<String> PARTITION = key("partition.kind").stringType().defaultValue("iid")
            .withDescription("How training data is split among workers: iid, dirichlet (label skew), extreme (label-sorted), gamma-similarity.");
    public static final ConfigOption<Double> PARTITION_ALPHA = key("partition.alpha").doubleType().defaultValue(0.5)
            .withDescription("Dirichlet concentration alpha (smaller = more skewed), or the iid fraction gamma for gamma-similarity.");
    public static final ConfigOption<Integer> LOCAL_STEPS = key("train.local-steps").intType().defaultValue(0)
            .withDescription("Local SGD steps per round (used when train.local-epochs is 0).");
    public static final ConfigOption<Integer> LOCAL_EPOCHS = key("train.local-epochs").intType().defaultValue(1)
            .withDescription("Local epochs over the worker's shard per round (0 = use train.local-steps).");
    public static final ConfigOption<Integer> BATCH_SIZE = key("train.batch-size").intType().defaultValue(64)
            .withDescription("Mini-batch size of local training.");
    public static final ConfigOption<Double> LR = key("train.lr").doubleType().defaultValue(0.05)
            .withDescription("Local SGD learning rate.");
    public static final ConfigOption<Double> MOMENTUM = key("train.momentum").doubleType().defaultValue(0.9)
            .withDescription("Local SGD momentum; each worker's momentum persists across rounds in Flink state.");
    public static final ConfigOption<Double> WEIGHT_DECAY = key("train.weight-decay").doubleType().defaultValue(0.0)
            .withDescription("Local L2 weight decay.");
    public static final ConfigOption<Double> SERVER_LR = key("server.lr").doubleType().defaultValue(1.0)
            .withDescription("Server learning rate on the aggregated pseudo-gradient (1.0 with momentum 0 = FedAvg).");
    public static final ConfigOption<Double> SERVER_MOMENTUM = key("server.momentum").doubleType().defaultValue(0.0)
            .withDescription("Server momentum (FedAvgM when > 0).");
    public static final ConfigOption<String> SERVER_SCHEDULE = key("server.schedule").stringType().defaultValue("constant")
            .withDescription("Server learning-rate schedule: constant, step (times server.gamma every server.step-rounds), cosine.");
    public static final ConfigOption<Double> SERVER_GAMMA = key("server.gamma").doubleType().defaultValue(0.5)
            .withDescription("Decay factor of the step schedule.");
    public static final ConfigOption<Integer> SERVER_STEP_ROUNDS = key("server.step-rounds").intType().defaultValue(10)
            .withDescription("Rounds between decays of the step schedule.");
    public static final ConfigOption<String> RULE = key("aggregation.rule").stringType().defaultValue("mean")
            .withDescription("Aggregation rule (mean = sample-weighted FedAvg); its parameters go under aggregation.rule.<param> "
                    + "(or write rule: {name: krum, ...}); 'bin/byzflink aggregate --list' shows each rule's parameters.");
    public static final ConfigOption<String> PRE = key("aggregation.pre").stringType().defaultValue("")
            .withDescription("Pre-aggregators applied in order before the rule: a YAML list or ';'-separated, "
                    + "each NAME or NAME:key=value,... (clipping, arc, nnm, bucketing).");
    public static final ConfigOption<Integer> AGG_F = key("aggregation.f").intType().noDefaultValue()
            .withDescription("Byzantine inputs the rule must tolerate; defaults to nodes.byzantine (set it apart to study a wrong guess).");
    public static final ConfigOption<Integer> EVAL_EVERY = key("eval.every").intType().defaultValue(1)
            .withDescription("Evaluate the model on the test set every k rounds (and always after the last).");
    public static final ConfigOption<String> KAFKA_BOOTSTRAP = key("kafka.bootstrap").stringType().defaultValue("embedded")
            .withDescription("Kafka bootstrap servers host:port[,...], or 'embedded' to start a local KRaft broker for the run.");
    public static final ConfigOption<Integer> KAFKA_PARTITIONS = key("kafka.partitions").intType().defaultValue(2)
            .withDescription("Partitions of topics the run creates.");
    public static final ConfigOption<Long> CHECKPOINT_INTERVAL = key("checkpoint.interval-ms").longType().defaultValue(30_000L)
            .withDescription("Checkpoint interval in ms (0 = no checkpoints).");

    public static final ConfigOption<String> CHECKPOINT_DIR = key("checkpoint.dir").stringType().noDefaultValue()
            .withDescription("Folder (any Flink file system URI, e.g. file:///data/ckpt or s3://bucket/ckpt) for checkpoint state; "
                    + "bin/byzflink run uses <out>/<experiment>/checkpoints. Unset under flink run: the cluster's setting.");
    public static final ConfigOption<String> MODE = key("mode").stringType().defaultValue("parameter-server")
            .withDescription("parameter-server (simulated workers send updates to a robust server), decentralized "
                    + "(nodes exchange models with their neighbours in p2p.topology; no server) or service (the server of "
                    + "a real federation: registered clients publish signed updates to <experiment>.updates).");
    public static final ConfigOption<String> CLIENTS_KEYS = key("clients.keys").stringType().noDefaultValue()
            .withDescription("service: the registered clients and their HMAC keys, id:hexkey;id:hexkey (ids 0..n-1, keys of at "
                    + "least 16 bytes, e.g. from 'openssl rand -hex 32'; base64:... also works).");
    public static final ConfigOption<String> CLIENTS_KEYS_FILE = key("clients.keys-file").stringType().noDefaultValue()
            .withDescription("service: a file of id=key lines instead of clients.keys (keeps keys out of the config).");
    public static final ConfigOption<Long> ROUND_TIMEOUT = key("round.timeout-ms").longType().defaultValue(60_000L)
            .withDescription("service: after this long from a round's first update, close the round with round.quorum clients.");
    public static final ConfigOption<Integer> ROUND_QUORUM = key("round.quorum").intType().noDefaultValue()
            .withDescription("service: complete updates that suffice after round.timeout-ms (default: every registered client).");
    public static final ConfigOption<Long> ROUND_MAX_WAIT = key("round.max-wait-ms").longType().defaultValue(300_000L)
            .withDescription("service: past this long without a quorum the round fails and the next version repeats the current one.");
    public static final ConfigOption<Integer> ROUND_MAX_AHEAD = key("round.max-ahead").intType().defaultValue(2)
            .withDescription("service: updates may wait at the gate for a round at most this many rounds past the latest model "
                    + "version the job has read (a client may read a version before the job does); updates for rounds further "
                    + "ahead are dead-lettered as WRONG_ROUND, so no client can fill the job's state with future rounds.");
    public static final ConfigOption<Long> FAILURE_ROUND = key("failure.inject-at-round").longType().defaultValue(-1L)
            .withDescription("Testing recovery: the model updater throws once when it is about to apply this round, the job "
                    + "restarts from its last checkpoint (-1: never).");
    public static final ConfigOption<String> MODEL_STORE = key("model-store.dir").stringType().noDefaultValue()
            .withDescription("Folder where every model version is saved (DJL parameters + JSON metadata); "
                    + "'byzflink models' lists, shows and exports them.");
    public static final ConfigOption<String> P2P_TOPOLOGY = key("p2p.topology").stringType().defaultValue("ring(2)")
            .withDescription("Decentralized graph over the nodes.honest + nodes.byzantine nodes: " + Topologies.ALLOWED
                    + ". Seeded by seed; must be connected.");
    public static final ConfigOption<String> P2P_PROTOCOL = key("p2p.protocol").stringType().defaultValue("gossip")
            .withDescription("How nodes exchange: gossip (push the model to every neighbour, aggregate with aggregation.rule), "
                    + "appg (pull all layers of all neighbours, average), netmax (pull one neighbour chosen by link speed, "
                    + "pair-average), mpls (pull the layers MPLS's scores and list scheduling pick); the pull protocols merge "
                    + "each layer with aggregation.rule when it is not the mean.");
    public static final ConfigOption<String> P2P_INIT = key("p2p.init").stringType().defaultValue("independent")
            .withDescription("independent: each node initialises its own model from (seed, node), as peers do when nobody "
                    + "hands out a model, so the consensus distance starts large; shared: every node starts from the same seeded model.");
    public static final ConfigOption<Long> P2P_TIMEOUT = key("p2p.timeout-ms").longType().defaultValue(60_000L)
            .withDescription("How long a node waits for its neighbours in one phase of a round before going on without "
                    + "the missing ones (counted as missing).");
    public static final ConfigOption<Integer> P2P_ROBUST_COPIES = key("p2p.robust-copies").intType().defaultValue(0)
            .withDescription("Pull protocols with a robust aggregation.rule: pull every layer from at least this many neighbours "
                    + "(0: twice the fewest copies the rule accepts besides the node's own layer, e.g. 4 for a trimmed mean "
                    + "with f = 1), the extra ones by link speed; fewer and one peer inflating its MPLS scores decides the merge.");
    public static final ConfigOption<Boolean> P2P_DISSENSUS = key("p2p.dissensus").booleanType().defaultValue(false)
            .withDescription("Gossip only: Byzantine nodes send each neighbour j its own lie x_j + eps (x_j - mean of what they saw) "
                    + "instead of attack.name's single forged model.");
    public static final ConfigOption<Double> P2P_DISSENSUS_SCALE = key("p2p.dissensus-scale").doubleType().defaultValue(1.0)
            .withDescription("eps of the dissensus lie.");
    public static final ConfigOption<Double> MPLS_TAU1 = key("p2p.mpls.tau1").doubleType().defaultValue(0.5)
            .withDescription("MPLS weight of link bandwidth in the peer probability p_s = tau1 B_s/sum B + tau2 DD_s/sum DD.");
    public static final ConfigOption<Double> MPLS_TAU2 = key("p2p.mpls.tau2").doubleType().defaultValue(0.5)
            .withDescription("MPLS weight of label-distribution divergence in the peer probability.");
    public static final ConfigOption<String> P2P_LINK_SPEED = key("p2p.link-speed").stringType().defaultValue("")
            .withDescription("Simulated link speeds in MB/s, LOW..HIGH drawn once per link (seeded), added to the measured "
                    + "transfer times of pulls; empty = measured times only.");

    /** Prefix of Kafka client properties passed through unchanged (e.g. kafka.properties.security.protocol: SSL). */
    public static final String KAFKA_PROPERTIES_PREFIX = "kafka.properties.";

    /** "none" and every attack of the registry. */
    public static final List<String> ATTACK_NAMES = java.util.stream.Stream.concat(java.util.stream.Stream.of("none"),
            AttackRegistry.names().stream()).toList();

    /** Prefix of the attack's parameters, e.g. attack.tau: 1.5. */
    public static final String ATTACK_PARAMS_PREFIX = "attack.";

    /** Prefix of the rule's parameters, e.g. aggregation.rule.tau: 1.0. */
    public static final String RULE_PARAMS_PREFIX = "aggregation.rule.";

    /** Every option with its check. */
    public static final List<Checked<?>> ALL = List.of(
            Checked.any(EXPERIMENT),
            Checked.any(SEED),
            Checked.atLeast(ROUNDS, 1),
            Checked.atLeast(HONEST, 1),
            Checked.atLeast(BYZANTINE, 0),
            Checked.oneOf(ATTACK, ATTACK_NAMES),
            Checked.atLeast(CHUNK_SIZE, 1),
            Checked.atLeast(PARALLELISM, 1),
            Checked.oneOf(MODEL, Arrays.stream(ModelKind.values()).map(k -> k.name().toLowerCase(Locale.ROOT)).toList()),
            Checked.atLeast(HIDDEN, 1),
            Checked.oneOf(DEVICE, List.of("auto", "cpu", "gpu")),
            Checked.any(DATA_PATH),
            Checked.atLeast(TRAIN_LIMIT, 0),
            Checked.oneOf(PARTITION, Partitioners.KINDS),
            Checked.positive(PARTITION_ALPHA),
            Checked.atLeast(LOCAL_STEPS, 0),
            Checked.atLeast(LOCAL_EPOCHS, 0),
            Checked.atLeast(BATCH_SIZE, 1),
            Checked.atLeast(LR, 0.0),
            Checked.between(MOMENTUM, 0.0, 0.999),
            Checked.atLeast(WEIGHT_DECAY, 0.0),
            Checked.atLeast(SERVER_LR, 0.0),
            Checked.between(SERVER_MOMENTUM, 0.0, 0.999),
            Checked.oneOf(SERVER_SCHEDULE, LearningRateSchedule.Kind.NAMES),
            Checked.positive(SERVER_GAMMA),
            Checked.atLeast(SERVER_STEP_ROUNDS, 1),
            Checked.oneOf(RULE, RuleRegistry.ruleNames()),
            Checked.any(PRE),
            Checked.atLeast(AGG_F, 0),
            Checked.atLeast(EVAL_EVERY, 0),
            Checked.any(KAFKA_BOOTSTRAP),
            Checked.atLeast(KAFKA_PARTITIONS, 1),
            Checked.atLeast(CHECKPOINT_INTERVAL, 0L),
            Checked.any(CHECKPOINT_DIR),
            Checked.oneOf(MODE, List.of("parameter-server", "decentralized", "service")),
            Checked.any(CLIENTS_KEYS),
            Checked.any(CLIENTS_KEYS_FILE),
            Checked.atLeast(ROUND_TIMEOUT, 0L),
            Checked.atLeast(ROUND_QUORUM, 1),
            Checked.atLeast(ROUND_MAX_WAIT, 0L),
            Checked.atLeast(ROUND_MAX_AHEAD, 1),
            Checked.any(MODEL_STORE),
            Checked.atLeast(FAILURE_ROUND, -1L),
            Checked.any(P2P_TOPOLOGY),
            Checked.oneOf(P2P_PROTOCOL, Protocol.NAMES),
            Checked.oneOf(P2P_INIT, List.of("independent", "shared")),
            Checked.atLeast(P2P_TIMEOUT, 1L),
            Checked.atLeast(P2P_ROBUST_COPIES, 0),
            Checked.any(P2P_DISSENSUS),
            Checked.atLeast(P2P_DISSENSUS_SCALE, 0.0),
            Checked.atLeast(MPLS_TAU1, 0.0),
            Checked.atLeast(MPLS_TAU2, 0.0),
            Checked.any(P2P_LINK_SPEED));
}
