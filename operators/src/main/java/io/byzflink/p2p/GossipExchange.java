package io.byzflink.p2p;

import io.byzflink.p2p.NodeState.Phase;
import io.byzflink.robust.AggregationPlan;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The gossip protocol: a node pushes its trained model to every neighbour and replaces its model
 * by the robust aggregate of its own trained model (input 0) and the neighbours' models that
 * arrived (x_i <- Agg(x_i, x_j for j in N(i))). Centered clipping starts from the node's model
 * before training, its previous aggregate.
 */
final class GossipExchange {

    private GossipExchange() {}

    static void afterTraining(PeerNodeLogic n) {
        for (int j : n.s.neighbours(n.node)) {
            Messages.model(n.s, n.layout, n.st.round, n.node, j, n.st.trained, null).forEach(n::send);
        }
        n.waitFor(Phase.WAIT_MODELS);
    }

    static void tryFinish(PeerNodeLogic n, boolean timedOut) {
        int[] neighbours = n.s.neighbours(n.node);
        Map<Integer, PeerTensors> in = n.inbox(n.st.round);
        List<float[]> inputs = new ArrayList<>();
        inputs.add(Flat.flatten(n.st.trained));
        for (int j : neighbours) {
            PeerTensors t = in.get(j);
            if (t != null && t.isComplete()) {
                inputs.add(Flat.flatten(t.layers()));
            }
        }
        int received = inputs.size() - 1;
        if (received < neighbours.length && !timedOut) {
            return;
        }
        NodeReport report = new NodeReport();
        report.received = received;
        report.missing = neighbours.length - received;
        long t0 = System.nanoTime();
        float[][] next = aggregate(n, inputs.toArray(float[][]::new));
        report.aggregateMs = (System.nanoTime() - t0) / 1_000_000;
        n.finishRound(next, report);
    }

    /**
     * The robust aggregate, or the node's own trained model when the rule cannot run on what
     * arrived (too few inputs after a timeout for its precondition): a node never stalls.
     */
    private static float[][] aggregate(PeerNodeLogic n, float[][] inputs) {
        AggregationPlan plan = n.s.nodePlan();
        double[] weights = new double[inputs.length];
        Arrays.fill(weights, 1.0);
        float[][] refs = plan.referenceCount() > 0 ? new float[][] {Flat.flatten(n.st.model)} : null;
        long seed = n.s.job().seed() * 1_000_003L + n.node * 7919L + n.st.round;
        try {
            return Flat.unflatten(plan.aggregate(inputs, weights, refs, seed), n.st.trained);
        } catch (IllegalArgumentException unsolvable) {
            return n.st.trained;
        }
    }
}
