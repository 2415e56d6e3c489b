package io.byzflink.p2p;

import io.byzflink.decentralized.BandwidthEstimator;
import io.byzflink.decentralized.LabelDivergence;
import io.byzflink.decentralized.LayerMerge;
import io.byzflink.p2p.NodeState.Phase;
import io.byzflink.robust.AggregationPlan;
import io.byzflink.serde.avro.TensorChunk;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;

/**
 * The pull protocols (APPG, NetMax, MPLS). A round at node i: train; keep a snapshot of the
 * trained model; send each neighbour s a SCORES message (MPLS: the squared change of each layer
 * since s last pulled it from i); once every neighbour's scores are in, plan which layers to pull
 * from whom ({@link PullPlanner}) and send each neighbour its PULL list (maybe empty); serve the
 * neighbours' pulls from the snapshot; once the asked layers are in, merge layer by layer,
 * w_i(l) = (sum_s y_s(l) w_s(l) + w_i(l)) / (sum_s y_s(l) + 1), or with the node's robust rule
 * over the own layer and the pulled copies when one is configured. Link speeds are measured per
 * peer from the time between the peer's first reply chunk (its send time) and the last asked
 * layer's arrival, plus the simulated link time when {@code p2p.link-speed} is set.
 */
final class PullExchange {

    private PullExchange() {}

    static void init(PeerNodeLogic n, float[][] initial) {
        n.st.bandwidth = new BandwidthEstimator();
        long[] mine = n.host.labelCounts(n.node);
        for (int j : n.s.neighbours(n.node)) {
            n.st.lastServed.put(j, Flat.copy(initial)); // MPLS layer changes count from the node's start
            n.st.divergence.put(j, LabelDivergence.between(mine, n.host.labelCounts(j)));
        }
    }

    static void afterTraining(PeerNodeLogic n) {
        NodeState st = n.st;
        st.snapshots.put(st.round, Flat.copy(st.trained));
        Map<Integer, int[]> waiting = st.pendingPulls.remove(st.round);
        if (waiting != null) {
            waiting.forEach((requester, layers) -> serve(n, requester, st.round, layers));
        }
        for (int j : n.s.neighbours(n.node)) {
            float[] scores = n.s.protocol() == Protocol.MPLS ? changes(st.trained, st.lastServed.get(j)) : new float[0];
            n.send(Messages.scores(n.s, n.layout, st.round, n.node, j, scores));
        }
        n.waitFor(Phase.WAIT_SCORES);
    }

    /** g(l) = ||w(l) - w_last(l)||^2 for every layer. */
    static float[] changes(float[][] now, float[][] last) {
        float[] g = new float[now.length];
        for (int l = 0; l < now.length; l++) {
            double sum = 0;
            for (int i = 0; i < now[l].length; i++) {
                double d = now[l][i] - last[l][i];
                sum += d * d;
            }
            g[l] = (float) sum;
        }
        return g;
    }

    static void tryPlan(PeerNodeLogic n, boolean timedOut) {
        NodeState st = n.st;
        int[] neighbours = n.s.neighbours(n.node);
        Map<Integer, float[]> scores = st.scores.getOrDefault(st.round, Map.of());
        if (scores.size() < neighbours.length && !timedOut) {
            return;
        }
        st.plan = PullPlanner.plan(n, neighbours, scores);
        st.measured.clear();
        for (int pos = 0; pos < neighbours.length; pos++) {
            n.send(Messages.pull(n.s, n.layout, st.round, n.node, neighbours[pos], st.plan[pos]));
        }
        n.waitFor(Phase.WAIT_LAYERS);
    }

    /** A layer from {@code sender} completed: when all it was asked for are in, record the link's speed. */
    static void onLayer(PeerNodeLogic n, int sender) {
        NodeState st = n.st;
        int pos = position(n.s.neighbours(n.node), sender);
        if (st.plan == null || pos < 0 || st.plan[pos].length == 0 || st.measured.contains(pos)) {
            return;
        }
        PeerTensors t = n.inbox(st.round).get(sender);
        for (int l : st.plan[pos]) {
            if (!t.hasLayer(l)) {
                return;
            }
        }
        st.measured.add(pos);
        long bytes = t.bytes();
        // From the sender's first reply chunk to the last arrival: the time the bytes were on the
        // way, not the time the peer spent training before it could answer.
        double ms = Math.max(0, n.host.now() - t.firstSentAtMs()) + n.s.simulatedMs(n.node, sender, bytes);
        st.bandwidth.record(sender, bytes, ms);
    }

    static void tryMerge(PeerNodeLogic n, boolean timedOut) {
        NodeState st = n.st;
        int[] neighbours = n.s.neighbours(n.node);
        Map<Integer, PeerTensors> in = n.inbox(st.round);
        List<List<float[]>> pulled = new ArrayList<>();
        for (int l = 0; l < n.layout.layerCount(); l++) {
            pulled.add(new ArrayList<>());
        }
        int asked = 0;
        int arrived = 0;
        int merged = 0;
        HashSet<Integer> delivering = new HashSet<>();
        for (int pos = 0; pos < neighbours.length; pos++) {
            PeerTensors t = in.get(neighbours[pos]);
            for (int l : st.plan[pos]) {
                asked++;
                if (t != null && t.hasLayer(l)) {
                    arrived++; // a non-finite layer is in too: waiting longer would not make it usable
                    if (finite(t.layer(l))) {
                        merged++;
                        pulled.get(l).add(t.layer(l));
                        delivering.add(pos);
                    }
                }
            }
        }
        if (arrived < asked && !timedOut) {
            return;
        }
        float[][] next = Flat.copy(st.trained);
        long t0 = System.nanoTime();
        merge(n, next, pulled);
        for (PeerTensors t : in.values()) {
            st.bytesExchanged += t.bytes(); // the layers pulled in time, each chunk once
        }
        NodeReport report = new NodeReport();
        report.aggregateMs = (System.nanoTime() - t0) / 1_000_000;
        report.pulls = asked;
        report.received = delivering.size();
        report.missing = asked - merged;
        n.finishRound(next, report);
    }

    /**
     * MPLS's merge (the plain mean of the own layer and the pulled copies) when the node's rule is
     * the mean; otherwise the node's robust rule layer by layer over the own layer (input 0) and
     * the pulled copies, keeping the own layer when the rule cannot run on so few inputs (e.g. a
     * trimmed mean with f = 1 and one copy). Centered clipping starts from the layer before
     * training, as in gossip.
     */
    private static void merge(PeerNodeLogic n, float[][] next, List<List<float[]>> pulled) {
        AggregationPlan plan = n.s.nodePlan();
        boolean plainMean = !mergesRobustly(n);
        for (int l = 0; l < next.length; l++) {
            List<float[]> copies = pulled.get(l);
            if (plainMean || copies.isEmpty()) {
                LayerMerge.mergeLayer(next[l], copies);
                continue;
            }
            float[][] inputs = new float[copies.size() + 1][];
            inputs[0] = next[l];
            for (int k = 0; k < copies.size(); k++) {
                inputs[k + 1] = copies.get(k);
            }
            double[] weights = new double[inputs.length];
            Arrays.fill(weights, 1.0);
            float[][] refs = plan.referenceCount() > 0 ? new float[][] {n.st.model[l]} : null;
            long seed = (n.s.job().seed() * 1_000_003L + n.node * 7919L + n.st.round) * 31 + l;
            try {
                next[l] = plan.aggregate(inputs, weights, refs, seed);
            } catch (IllegalArgumentException tooFewForTheRule) {
                // the own layer stays
            }
        }
    }

    /** True when the node merges layers with a robust rule rather than MPLS's plain mean. */
    static boolean mergesRobustly(PeerNodeLogic n) {
        AggregationPlan plan = n.s.nodePlan();
        return !plan.preAggregators().isEmpty() || !"mean".equals(plan.rule().name());
    }

    /**
     * Copies of a layer the node's rule needs besides the node's own layer (the fewest inputs its
     * preconditions accept, minus one), at most {@code peers}.
     */
    static int copiesNeeded(PeerNodeLogic n, int peers) {
        for (int inputs = 1; inputs <= peers + 1; inputs++) {
            try {
                n.s.nodePlan().checkInputs(inputs);
                return inputs - 1;
            } catch (IllegalArgumentException tooFew) {
                // try one more
            }
        }
        return peers;
    }

    /** A neighbour asks for layers of its round {@code c.getRound()}. */
    static void onPull(PeerNodeLogic n, TensorChunk c) {
        NodeState st = n.st;
        long round = c.getRound();
        int requester = c.getSender();
        int[] layers = Messages.pulledLayers(c);
        if (round > st.round || (round == st.round && !st.snapshots.containsKey(round))) {
            st.pendingPulls.computeIfAbsent(round, r -> new HashMap<>()).put(requester, layers);
            return; // served once this node has trained that round
        }
        serve(n, requester, round, layers);
    }

    static void serve(PeerNodeLogic n, int requester, long round, int[] layers) {
        NodeState st = n.st;
        // A requester further behind than the kept snapshots gets the oldest one kept.
        Map.Entry<Long, float[][]> snap = st.snapshots.floorEntry(round);
        float[][] model = snap != null ? snap.getValue()
                : !st.snapshots.isEmpty() ? st.snapshots.firstEntry().getValue() : st.model;
        if (layers.length > 0) {
            Messages.model(n.s, n.layout, round, n.node, requester, model, layers).forEach(n::send);
            float[][] last = st.lastServed.get(requester);
            for (int l : layers) {
                last[l] = model[l].clone();
            }
        }
        var asked = st.askedBy.computeIfAbsent(round, r -> new HashSet<>());
        asked.add(requester);
        if (asked.size() == n.s.neighbours(n.node).length && round < st.round) {
            st.snapshots.remove(round);
            st.askedBy.remove(round);
        }
    }

    /** Keeps the snapshots of this round and the previous one (a slow neighbour may still ask for it). */
    static void prune(PeerNodeLogic n) {
        NodeState st = n.st;
        long keepFrom = st.round - 1;
        st.snapshots.headMap(keepFrom, false).clear();
        st.askedBy.keySet().removeIf(r -> r < keepFrom);
    }

    private static boolean finite(float[] values) {
        for (float v : values) {
            if (!Float.isFinite(v)) {
                return false;
            }
        }
        return true;
    }

    static int position(int[] neighbours, int node) {
        for (int i = 0; i < neighbours.length; i++) {
            if (neighbours[i] == node) {
                return i;
            }
        }
        return -1;
    }

    /** MPLS's label-distribution divergence of this node to each of {@code peers}. */
    static double[] divergences(PeerNodeLogic n, int[] peers) {
        double[] dd = new double[peers.length];
        for (int k = 0; k < peers.length; k++) {
            dd[k] = n.st.divergence.get(peers[k]);
        }
        return dd;
    }
}
