package io.byzflink.jobs.config;

import static io.byzflink.jobs.config.ExperimentOptions.*;

import io.byzflink.attacks.Attack;
import io.byzflink.attacks.AttackRegistry;
import io.byzflink.jobs.ServiceSettings;
import io.byzflink.operators.JobSettings;
import io.byzflink.serde.security.ClientRegistry;
import io.byzflink.service.RoundPolicy;
import io.byzflink.p2p.PeerSettings;
import io.byzflink.p2p.Protocol;
import io.byzflink.decentralized.Topologies;
import io.byzflink.decentralized.Topology;
import io.byzflink.robust.RuleSpec;
import io.byzflink.robust.AggregationPlan;
import io.byzflink.robust.PreAggregatorSpec;
import io.byzflink.robust.RuleRegistry;
import io.byzflink.serde.config.DidYouMean;
import io.byzflink.serde.config.KeyValues;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.IOException;
import java.io.Reader;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A validated experiment config: a YAML file (nested maps or dotted keys, both fine) plus
 * {@code key=value} overrides, checked against {@link ExperimentOptions} before anything starts.
 * Unknown keys and bad values fail with one message that names the key and what is allowed.
 */
public final class ExperimentConfig implements Serializable {

    private static final long serialVersionUID = 1L;

    private final Map<String, String> values;

    private ExperimentConfig(Map<String, String> values) {
        this.values = values;
    }

    /** Loads {@code file} (may be null for defaults only) and applies {@code overrides} ({@code key=value}). */
    public static ExperimentConfig load(Path file, List<String> overrides) {
        Map<String, String> flat = new TreeMap<>();
        if (file != null) {
            flat.putAll(readYaml(file));
        }
        try {
            flat.putAll(KeyValues.parse(overrides));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage());
        }
        return of(flat);
    }

    /** Validates a flat map of dotted keys to values. */
    public static ExperimentConfig of(Map<String, String> given) {
        Map<String, String> flat = new TreeMap<>(given);
        String ruleName = flat.remove(RULE_PARAMS_PREFIX + "name"); // rule: {name: krum, ...}
        if (ruleName != null) {
            flat.put(RULE.key(), ruleName);
        }
        Map<String, Checked<?>> known = new LinkedHashMap<>();
        for (Checked<?> c : ALL) {
            known.put(c.key(), c);
        }
        for (String key : flat.keySet()) {
            if (!known.containsKey(key) && !key.startsWith(KAFKA_PROPERTIES_PREFIX) && !key.startsWith(RULE_PARAMS_PREFIX)
                    && !key.startsWith(ATTACK_PARAMS_PREFIX)) {
                throw new ConfigException("unknown config key '" + key + "'" + DidYouMean.suggestion(key, known.keySet())
                        + "; run 'byzflink run --help-config' for every key");
            }
        }
        ExperimentConfig config = new ExperimentConfig(Map.copyOf(flat));
        for (Checked<?> c : ALL) {
            config.check(c);
        }
        config.attack(); // rule, pre-aggregator and attack parameters fail here, before the job
        if (config.get(BYZANTINE) > 0 && "none".equals(config.get(ATTACK)) && !config.service()) {
            throw new ConfigException("nodes.byzantine is " + config.get(BYZANTINE) + " but attack.name is none: name the attack "
                    + "the Byzantine workers run (e.g. attack.name: label-flip)");
        }
        if (config.get(LOCAL_EPOCHS) == 0 && config.get(LOCAL_STEPS) == 0) {
            throw new ConfigException("train.local-epochs and train.local-steps are both 0: set one of them > 0");
        }
        if (config.decentralized()) {
            config.peerSettings();
        }
        if (config.service()) {
            config.serviceSettings();
        }
        return config;
    }

    private <T> void check(Checked<T> c) {
        T value = get(c.option());
        if (value != null && !c.rule().test(value)) {
            throw new ConfigException("config key '" + c.key() + "': '" + values.get(c.key()) + "' is not allowed; use "
                    + c.allowed());
        }
    }

    /** The typed value of {@code option} (its default when not set). */
    public <T> T get(ConfigOption<T> option) {
        String raw = values.get(option.key());
        Configuration conf = new Configuration();
        if (raw != null) {
            conf.setString(option.key(), raw);
        }
        try {
            return conf.get(option);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("config key '" + option.key() + "': '" + raw + "' is not a valid "
                    + typeName(option) + " value");
        }
    }

    /** Kafka client properties given as {@code kafka.properties.<name>}. */
    public Map<String, String> kafkaProperties() {
        Map<String, String> out = new TreeMap<>();
        values.forEach((k, v) -> {
            if (k.startsWith(KAFKA_PROPERTIES_PREFIX)) {
                out.put(k.substring(KAFKA_PROPERTIES_PREFIX.length()), v);
            }
        });
        return out;
    }

    /** The rule's parameters: every {@code aggregation.rule.<param>} key. */
    public Map<String, String> ruleParams() {
        Map<String, String> out = new TreeMap<>();
        values.forEach((k, v) -> {
            if (k.startsWith(RULE_PARAMS_PREFIX)) {
                out.put(k.substring(RULE_PARAMS_PREFIX.length()), v);
            }
        });
        return out;
    }

    /** The configured pre-aggregators and rule as one robust aggregation plan. */
    public AggregationPlan aggregationPlan() {
        List<PreAggregatorSpec> pre = new ArrayList<>();
        try {
            for (String spec : get(PRE).split(";")) {
                if (!spec.isBlank()) {
                    pre.add(RuleRegistry.parsePre(spec.trim()));
                }
            }
        } catch (IllegalArgumentException e) {
            throw new ConfigException("config key '" + PRE.key() + "': " + e.getMessage());
        }
        try {
            AggregationPlan plan = AggregationPlan.of(pre, RuleRegistry.rule(get(RULE), ruleParams()), aggregationF());
            plan.checkInputs(decentralized() ? minHonestDegree() + 1 : get(HONEST) + get(BYZANTINE));
            return plan;
        } catch (IllegalArgumentException e) {
            throw new ConfigException("config key '" + RULE.key() + "': " + e.getMessage());
        }
    }

    /** The f the rule assumes: aggregation.f when set, else the true number of Byzantine workers. */
    public int aggregationF() {
        Integer f = get(AGG_F);
        return f != null ? f : get(BYZANTINE);
    }

    /** The attack's parameters: every {@code attack.<param>} key but the name. */
    public Map<String, String> attackParams() {
        Map<String, String> out = new TreeMap<>();
        values.forEach((k, v) -> {
            if (k.startsWith(ATTACK_PARAMS_PREFIX) && !k.equals(ATTACK.key())) {
                out.put(k.substring(ATTACK_PARAMS_PREFIX.length()), v);
            }
        });
        return out;
    }

    /**
     * The Byzantine workers' attack, or null when there are none. Optimal attacks are built
     * against the configured aggregation (omniscient attackers know the rule).
     */
    public Attack attack() {
        AggregationPlan plan = aggregationPlan();
        if (get(BYZANTINE) == 0 || "none".equals(get(ATTACK))) {
            return null;
        }
        try {
            return AttackRegistry.create(get(ATTACK), attackParams(), plan);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("config key '" + ATTACK.key() + "': " + e.getMessage());
        }
    }

    /** True when {@code mode} is decentralized (nodes and a topology, no server). */
    public boolean decentralized() {
        return "decentralized".equals(get(MODE));
    }

    /** True when {@code mode} is service (the server of a real federation). */
    public boolean service() {
        return "service".equals(get(MODE));
    }

    /**
     * The aggregation service's settings, checked: the client registry (ids 0..n-1 with n =
     * nodes.honest + nodes.byzantine; ids from nodes.honest on are only marked Byzantine for the
     * reports' Byzantine weight), the round policy and the model store.
     */
    public ServiceSettings serviceSettings() {
        String spec = get(CLIENTS_KEYS);
        String file = get(CLIENTS_KEYS_FILE);
        if ((spec == null) == (file == null)) {
            throw new ConfigException("mode service needs exactly one of 'clients.keys' (id:hexkey;...) and 'clients.keys-file' "
                    + "(id=key lines): the registered clients and their HMAC keys");
        }
        ClientRegistry clients;
        try {
            clients = spec != null ? ClientRegistry.parse(spec) : ClientRegistry.load(Path.of(file));
        } catch (IllegalArgumentException e) {
            throw new ConfigException("config key '" + (spec != null ? CLIENTS_KEYS.key() : CLIENTS_KEYS_FILE.key()) + "': "
                    + e.getMessage());
        }
        int n = get(HONEST) + get(BYZANTINE);
        for (int id = 0; id < n; id++) {
            if (!clients.known(id) || clients.size() != n) {
                throw new ConfigException("config key 'clients.keys': the registered client ids must be 0.." + (n - 1)
                        + " (nodes.honest + nodes.byzantine = " + n + "), got " + new java.util.TreeSet<>(clients.ids()));
            }
        }
        try {
            int quorum = get(ROUND_QUORUM) != null ? get(ROUND_QUORUM) : n;
            RoundPolicy policy = new RoundPolicy(n, quorum, get(ROUND_TIMEOUT), get(ROUND_MAX_WAIT));
            return new ServiceSettings(clients, policy, get(ROUND_MAX_AHEAD));
        } catch (IllegalArgumentException e) {
            throw new ConfigException("config keys 'round.*': " + e.getMessage());
        }
    }

    /** The fewest neighbours an honest node has: its aggregation sees that many inputs plus its own. */
    private int minHonestDegree() {
        Topology t = topology();
        int min = Integer.MAX_VALUE;
        for (int node = 0; node < get(HONEST); node++) {
            min = Math.min(min, t.degree(node));
        }
        return min;
    }

    /** The decentralized graph over all nodes (honest and Byzantine). */
    public Topology topology() {
        try {
            return Topologies.parse(get(P2P_TOPOLOGY), get(HONEST) + get(BYZANTINE), get(SEED));
        } catch (IllegalArgumentException e) {
            throw new ConfigException("config key '" + P2P_TOPOLOGY.key() + "': " + e.getMessage());
        }
    }

    /** The decentralized job's settings, checked: the graph, the protocol and the node's aggregation. */
    public PeerSettings peerSettings() {
        Protocol protocol = Protocol.parse(get(P2P_PROTOCOL));
        if (protocol.pulls() && get(BYZANTINE) > 0 && get(P2P_DISSENSUS)) {
            throw new ConfigException("config key '" + P2P_DISSENSUS.key() + "': the dissensus attack sends each neighbour its own "
                    + "model and is simulated with the gossip protocol only; set p2p.protocol: gossip or p2p.dissensus: false");
        }
        if (get(MPLS_TAU1) + get(MPLS_TAU2) <= 0) {
            throw new ConfigException("config keys 'p2p.mpls.tau1' and 'p2p.mpls.tau2' are both 0: give one a positive weight");
        }
        double[] speeds = linkSpeeds();
        JobSettings job = jobSettings();
        AggregationPlan plan = job.aggregation();
        if ("monna".equals(plan.rule().name())) { // MoNNA pivots on the node itself, input 0
            Map<String, String> params = new TreeMap<>(plan.rule().params());
            params.put("pivot", "0");
            plan = AggregationPlan.of(plan.preAggregators(), RuleSpec.of("monna", params), plan.f());
        }
        return new PeerSettings(job, topology(), protocol, plan, "shared".equals(get(P2P_INIT)), get(P2P_TIMEOUT), get(MPLS_TAU1), get(MPLS_TAU2),
                get(P2P_DISSENSUS), get(P2P_DISSENSUS_SCALE), speeds[0], speeds[1], get(P2P_ROBUST_COPIES));
    }

    /** p2p.link-speed as [low, high] MB/s, NaNs when empty. */
    private double[] linkSpeeds() {
        String spec = get(P2P_LINK_SPEED).trim();
        if (spec.isEmpty()) {
            return new double[] {Double.NaN, Double.NaN};
        }
        String[] parts = spec.split("\\.\\.");
        try {
            double low = Double.parseDouble(parts[0].trim());
            double high = Double.parseDouble(parts[parts.length - 1].trim());
            if (parts.length > 2 || !(low > 0) || high < low || Double.isInfinite(high)) {
                throw new NumberFormatException();
            }
            return new double[] {low, high};
        } catch (NumberFormatException e) {
            throw new ConfigException("config key '" + P2P_LINK_SPEED.key() + "': '" + spec + "' is not allowed; use LOW..HIGH in "
                    + "MB/s with 0 < LOW <= HIGH (e.g. 10..100), one number for equal links, or leave it empty");
        }
    }

    public boolean embeddedKafka() {
        return "embedded".equals(get(KAFKA_BOOTSTRAP));
    }

    /** The flat key=value view, e.g. to pass the config to a job submitted elsewhere. */
    public Map<String, String> values() {
        return values;
    }

    /** The settings the Flink operators need. */
    public JobSettings jobSettings() {
        return new JobSettings(get(EXPERIMENT), get(SEED), get(ROUNDS), get(HONEST), get(BYZANTINE), attack(), get(CHUNK_SIZE),
                get(MODEL), get(HIDDEN), get(DEVICE), get(DATA_PATH), get(PARTITION), get(PARTITION_ALPHA),
                get(TRAIN_LIMIT), get(LOCAL_STEPS), get(LOCAL_EPOCHS), get(BATCH_SIZE), get(LR), get(MOMENTUM),
                get(WEIGHT_DECAY), get(SERVER_LR), get(SERVER_MOMENTUM), get(SERVER_SCHEDULE), get(SERVER_GAMMA),
                get(SERVER_STEP_ROUNDS), aggregationPlan(), get(EVAL_EVERY));
    }

    private static String typeName(ConfigOption<?> option) {
        String type = option.defaultValue() != null ? option.defaultValue().getClass().getSimpleName() : "String";
        return switch (type) {
            case "Integer", "Long" -> "integer";
            case "Double" -> "number";
            default -> type.toLowerCase(java.util.Locale.ROOT);
        };
    }

    private static Map<String, String> readYaml(Path file) {
        Object root;
        try (Reader reader = Files.newBufferedReader(file)) {
            root = new Yaml(new SafeConstructor(new LoaderOptions())).load(reader);
        } catch (NoSuchFileException e) {
            throw new ConfigException("config file " + file + " does not exist");
        } catch (IOException e) {
            throw new ConfigException("cannot read config file " + file + ": " + e.getMessage());
        } catch (RuntimeException e) {
            throw new ConfigException("config file " + file + " is not valid YAML: " + e.getMessage());
        }
        Map<String, String> flat = new TreeMap<>();
        if (root == null) {
            return flat;
        }
        if (!(root instanceof Map<?, ?> map)) {
            throw new ConfigException("config file " + file + " must be a YAML mapping of keys to values");
        }
        flatten("", map, flat);
        return flat;
    }

    /** A YAML list of pre-aggregators: "nnm" or {name: clipping, c: 1.0} items, joined with ';'. */
    private static String joinList(String key, List<?> list) {
        List<String> items = new ArrayList<>();
        for (Object item : list) {
            if (item instanceof Map<?, ?> map) {
                Map<String, String> params = new LinkedHashMap<>();
                map.forEach((k, v) -> params.put(String.valueOf(k), String.valueOf(v)));
                String name = params.remove("name");
                if (name == null) {
                    throw new ConfigException("config key '" + key + "': each item of the list needs a name, got " + map);
                }
                StringBuilder sb = new StringBuilder(name);
                String sep = ":";
                for (Map.Entry<String, String> p : params.entrySet()) {
                    sb.append(sep).append(p.getKey()).append('=').append(p.getValue());
                    sep = ",";
                }
                items.add(sb.toString());
            } else if (item != null) {
                items.add(String.valueOf(item));
            }
        }
        return String.join(";", items);
    }

    private static void flatten(String prefix, Map<?, ?> map, Map<String, String> out) {
        for (Map.Entry<?, ?> e : map.entrySet()) {
            String key = prefix + e.getKey();
            if (e.getValue() instanceof Map<?, ?> child) {
                flatten(key + ".", child, out);
            } else if (e.getValue() instanceof List<?> list) {
                out.put(key, joinList(key, list));
            } else if (e.getValue() != null) {
                out.put(key, String.valueOf(e.getValue()));
            }
        }
    }
}
