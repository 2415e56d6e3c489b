package io.byzflink.p2p;

import io.byzflink.attacks.Attack;
import io.byzflink.decentralized.Topologies;
import io.byzflink.decentralized.Topology;
import io.byzflink.operators.JobSettings;
import io.byzflink.robust.AggregationPlan;
import io.byzflink.robust.RuleSpec;
import io.byzflink.serde.TensorCodec;
import io.byzflink.serde.TensorLayout;
import io.byzflink.serde.avro.TensorChunk;
import io.byzflink.serde.avro.TensorKind;
import io.byzflink.training.Evaluation;
import io.byzflink.training.TrainResult;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * An in-memory network of {@link PeerNodeLogic} nodes on a virtual clock, for the protocol tests.
 * Each node has its own {@link NodeState} and a fake {@link NodeHost}: training adds
 * {@link Trainer#delta} to every parameter of a layer (deterministic and cheap), evaluation returns
 * a fixed {@link Evaluation} (or null), label counts are fixed per node. Sent chunks go into one
 * FIFO; {@link #run} delivers until the FIFO is empty, then moves the clock to the earliest timer
 * (or scheduled delivery) and fires it, until every live node is DONE. Timers are kept per
 * (node, time) once, like Flink's timer service, and fire in time order, ties in registration
 * order. Messages to a dead node are dropped; a dead node is never started.
 */
final class InMemoryPeers {

    static final String EXPERIMENT = "p2p-test";
    static final long SEED = 42;
    /** Two layers: "w" of 2500 floats (3 chunks of 1000) and "b" of 10 (1 chunk). */
    static final TensorLayout LAYOUT = new TensorLayout(List.of("w", "b"), List.of(List.of(50, 50), List.of(10)));
    static final int CHUNK_SIZE = 1000;
    /** Chunks of a whole model of {@link #LAYOUT}: 3 + 1. */
    static final int MODEL_CHUNKS = 4;
    static final int MODEL_FLOATS = 2510;

    /** What a node's local training adds to every parameter of a layer in a round. */
    interface Trainer {
        float delta(int node, long round, int layer);
    }

    /** Node i adds i + 1 + 10 r in round r, to every layer. */
    static final Trainer NODE_AND_ROUND = (node, round, layer) -> node + 1 + 10f * round;

    /** The shared initial model: coordinate k of every layer is (k mod 5) - 2. */
    static float[][] sharedInit() {
        float[][] m = LAYOUT.newTensors();
        for (float[] layer : m) {
            for (int k = 0; k < layer.length; k++) {
                layer[k] = (k % 5) - 2;
            }
        }
        return m;
    }

    static float init(int k) {
        return (k % 5) - 2;
    }

    static JobSettings job(int rounds, int honest, int byzantine, Attack attack, AggregationPlan plan) {
        return new JobSettings(EXPERIMENT, SEED, rounds, honest, byzantine, attack, CHUNK_SIZE, "logreg", 0, "cpu",
                "", "iid", 0.5, 0, 1, 0, 32, 0.1, 0.0, 0.0, 1.0, 0.0, "constant", 1.0, 1, plan, 1);
    }

    static PeerSettings settings(Protocol protocol, String topology, int rounds, int honest, int byzantine, Attack attack,
            AggregationPlan plan, long timeoutMs) {
        Topology t = Topologies.parse(topology, honest + byzantine, SEED);
        return new PeerSettings(job(rounds, honest, byzantine, attack, plan), t, protocol, plan, true, timeoutMs,
                0.5, 0.5, false, 0.0, Double.NaN, Double.NaN, 0);
    }

    static PeerSettings settings(Protocol protocol, String topology, int nodes, int rounds, long timeoutMs) {
        return settings(protocol, topology, rounds, nodes, 0, null, AggregationPlan.of(RuleSpec.of("mean"), 0), timeoutMs);
    }

    final PeerSettings settings;
    final TensorLayout layout;
    final int n;
    final NodeState[] states;
    final Host[] hosts;
    final boolean[] dead;
    Trainer trainer = NODE_AND_ROUND;
    Evaluation evaluation = new Evaluation(0.75, 0.5, 100);
    long[][] labelCounts;

    final Deque<TensorChunk> queue = new ArrayDeque<>();
    /** time -> chunks delivered at that time (after the FIFO ran dry). */
    final TreeMap<Long, List<TensorChunk>> scheduled = new TreeMap<>();
    /** time -> nodes with a timer at that time, in registration order. */
    final TreeMap<Long, LinkedHashSet<Integer>> timers = new TreeMap<>();
    /** Every chunk any node sent, in order. */
    final List<TensorChunk> sent = new ArrayList<>();
    final List<NodeReport> reports = new ArrayList<>();
    /** "node/round" -> the model after the node's local training. */
    final Map<String, float[][]> trained = new HashMap<>();
    long clock;
    int dropped;
    int steps;

    InMemoryPeers(PeerSettings settings) {
        this(settings, LAYOUT);
    }

    InMemoryPeers(PeerSettings settings, TensorLayout layout) {
        this.settings = settings;
        this.layout = layout;
        this.n = settings.nodes();
        this.states = new NodeState[n];
        this.hosts = new Host[n];
        this.dead = new boolean[n];
        this.labelCounts = new long[n][];
        for (int i = 0; i < n; i++) {
            states[i] = new NodeState();
            hosts[i] = new Host(i);
            labelCounts[i] = new long[] {10, 10, 10, 10, 10, 10, 10, 10, 10, 10};
        }
    }

    PeerNodeLogic logic(int node) {
        return new PeerNodeLogic(settings, layout, hosts[node], node, states[node]);
    }

    void kill(int node) {
        dead[node] = true;
    }

    void startAll() {
        for (int i = 0; i < n; i++) {
            if (!dead[i]) {
                logic(i).onStart(sharedInit());
            }
        }
    }

    /** Delivers {@code c} to its destination at virtual time {@code time}. */
    void schedule(long time, TensorChunk c) {
        scheduled.computeIfAbsent(time, t -> new ArrayList<>()).add(c);
    }

    void deliver(TensorChunk c) {
        logic(c.getDestination()).onChunk(c);
    }

    boolean allDone() {
        for (int i = 0; i < n; i++) {
            if (!dead[i] && states[i].phase != NodeState.Phase.DONE) {
                return false;
            }
        }
        return true;
    }

    /** Runs until every live node is DONE and nothing is left to deliver; false at the step limit or a stall. */
    boolean run(int maxSteps) {
        while (steps++ < maxSteps) {
            if (!queue.isEmpty()) {
                deliver(queue.poll());
                continue;
            }
            Long nextTimer = timers.isEmpty() ? null : timers.firstKey();
            Long nextDelivery = scheduled.isEmpty() ? null : scheduled.firstKey();
            if (nextDelivery != null && (nextTimer == null || nextDelivery <= nextTimer || allDone())) {
                clock = Math.max(clock, nextDelivery);
                queue.addAll(scheduled.remove(nextDelivery));
                continue;
            }
            if (allDone()) {
                return true;
            }
            if (nextTimer == null) {
                return false; // stalled: nodes wait without a timer
            }
            LinkedHashSet<Integer> due = timers.get(nextTimer);
            int node = due.iterator().next();
            due.remove(node);
            if (due.isEmpty()) {
                timers.remove(nextTimer);
            }
            clock = Math.max(clock, nextTimer);
            logic(node).onTimeout(nextTimer);
        }
        return false;
    }

    boolean run() {
        return run(1_000_000);
    }

    // ---- views for assertions

    float[][] trained(int node, long round) {
        float[][] t = trained.get(node + "/" + round);
        if (t == null) {
            throw new AssertionError("node " + node + " did not train round " + round);
        }
        return t;
    }

    NodeReport report(int node, long round) {
        return reports.stream().filter(r -> r.node == node && r.round == round).reduce((a, b) -> {
            throw new AssertionError("two reports of node " + node + " round " + round);
        }).orElseThrow(() -> new AssertionError("no report of node " + node + " round " + round));
    }

    /** The model node {@code node} reported after round {@code round}, split into layers. */
    float[][] modelAfter(int node, long round) {
        return Flat.unflatten(report(node, round).model, layout.newTensors());
    }

    List<TensorChunk> sentBy(int node, TensorKind kind, long round) {
        return sent.stream().filter(c -> c.getSender() == node && c.getKind() == kind && c.getRound() == round).toList();
    }

    /** The layers {@code node} asked of {@code server} in {@code round} (its PULL message). */
    int[] pullList(int node, int server, long round) {
        List<TensorChunk> pulls = sent.stream().filter(c -> c.getSender() == node && c.getDestination() == server
                && c.getKind() == TensorKind.PULL && c.getRound() == round).toList();
        if (pulls.size() != 1) {
            throw new AssertionError(pulls.size() + " PULL messages from " + node + " to " + server + " in round " + round);
        }
        return Messages.pulledLayers(pulls.get(0));
    }

    /** Payload bytes of everything {@code node} sent for {@code round}. */
    long bytesSentFor(int node, long round) {
        return sent.stream().filter(c -> c.getSender() == node && c.getRound() == round)
                .mapToLong(c -> c.getValues().remaining()).sum();
    }

    /**
     * What a node of a pull protocol accounts for in {@code round}, from the wire log: the control
     * messages (SCORES, PULL) it sent plus the layer chunks served to it, each chunk once.
     */
    long bytesPulledFor(int node, long round) {
        long control = sent.stream().filter(c -> c.getSender() == node && c.getRound() == round
                && c.getKind() != TensorKind.MODEL).mapToLong(c -> c.getValues().remaining()).sum();
        java.util.Set<String> seen = new java.util.HashSet<>();
        long pulled = sent.stream().filter(c -> c.getDestination() == node && c.getRound() == round
                && c.getKind() == TensorKind.MODEL)
                .filter(c -> seen.add(c.getSender() + "/" + c.getLayerIndex() + "/" + c.getChunkIndex()))
                .mapToLong(c -> c.getValues().remaining()).sum();
        return control + pulled;
    }

    static float[] values(TensorChunk c) {
        return TensorCodec.decode(c.getValues());
    }

    /** The fake host of one node. */
    final class Host implements NodeHost {
        final int node;

        Host(int node) {
            this.node = node;
        }

        @Override
        public TrainResult train(int trainee, long round, float[][] params, float[][] velocity) {
            if (trainee != node) {
                throw new AssertionError("host of node " + node + " asked to train node " + trainee);
            }
            for (int l = 0; l < params.length; l++) {
                float d = trainer.delta(node, round, l);
                for (int k = 0; k < params[l].length; k++) {
                    params[l][k] += d;
                }
            }
            trained.put(node + "/" + round, Flat.copy(params));
            return new TrainResult(node + 0.5, 32, 1, 3_000_000L);
        }

        @Override
        public Evaluation evaluate(long round, float[][] params) {
            return evaluation;
        }

        @Override
        public long[] labelCounts(int of) {
            return labelCounts[of].clone();
        }

        @Override
        public void send(TensorChunk chunk) {
            if (chunk.getSender() != node) {
                throw new AssertionError("node " + node + " sent a chunk as node " + chunk.getSender());
            }
            sent.add(chunk);
            if (dead[chunk.getDestination()]) {
                dropped++;
            } else {
                queue.add(chunk);
            }
        }

        @Override
        public void report(NodeReport report) {
            if (report.node != node) {
                throw new AssertionError("node " + node + " reported as node " + report.node);
            }
            reports.add(report);
        }

        @Override
        public void wakeAt(long deadlineMs) {
            timers.computeIfAbsent(deadlineMs, t -> new LinkedHashSet<>()).add(node);
        }

        @Override
        public long now() {
            return clock;
        }
    }

    /** Expected value of coordinate k of layer l. */
    interface Expected {
        double at(int layer, int k);
    }

    /** Asserts every coordinate of {@code actual} against {@code expected} (float rounding only). */
    static void assertModel(float[][] actual, Expected expected, String what) {
        org.assertj.core.api.Assertions.assertThat(actual).as(what + ": layers").hasNumberOfRows(LAYOUT.layerCount());
        for (int l = 0; l < actual.length; l++) {
            org.assertj.core.api.Assertions.assertThat(actual[l]).as(what + ": layer " + l).hasSize(LAYOUT.length(l));
            for (int k = 0; k < actual[l].length; k++) {
                double e = expected.at(l, k);
                if (Math.abs(actual[l][k] - e) > 1e-5 * Math.max(1, Math.abs(e))) {
                    org.assertj.core.api.Assertions.assertThat((double) actual[l][k])
                            .as(what + ": layer " + l + " coordinate " + k)
                            .isCloseTo(e, org.assertj.core.api.Assertions.within(1e-5 * Math.max(1, Math.abs(e))));
                }
            }
        }
    }

    @Override
    public String toString() {
        return "InMemoryPeers{n=" + n + ", clock=" + clock + ", dead=" + Arrays.toString(dead) + "}";
    }
}
