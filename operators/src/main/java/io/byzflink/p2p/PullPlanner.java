package io.byzflink.p2p;

import io.byzflink.decentralized.MplsPlanner;
import io.byzflink.decentralized.NetMaxPeerChooser;
import io.byzflink.decentralized.PullPlan;

import java.util.Map;
import java.util.stream.IntStream;

/**
 * Which layers a node asks of which neighbour this round, per protocol, among the neighbours
 * whose SCORES arrived (the others are silent or dead this round): APPG every layer of every one;
 * NetMax every layer of one, drawn with probability proportional to its estimated link speed;
 * MPLS the {@link MplsPlanner} plan from link speeds, label divergences and layer changes.
 */
final class PullPlanner {

    private PullPlanner() {}

    /** For each neighbour position, the layer indices to ask for (empty arrays for none). */
    static int[][] plan(PeerNodeLogic n, int[] neighbours, Map<Integer, float[]> scores) {
        int layers = n.layout.layerCount();
        int[] all = IntStream.range(0, layers).toArray();
        int[][] plan = new int[neighbours.length][0];
        int[] live = IntStream.range(0, neighbours.length).filter(pos -> scores.containsKey(neighbours[pos])).toArray();
        if (live.length == 0) {
            return plan;
        }
        int[] peers = IntStream.of(live).map(pos -> neighbours[pos]).toArray();
        switch (n.s.protocol()) {
            case APPG -> {
                for (int pos : live) {
                    plan[pos] = all;
                }
            }
            case NETMAX -> {
                int chosen = NetMaxPeerChooser.choose(n.st.bandwidth.estimates(peers), n.s.job().seed(), n.node, n.st.round);
                plan[live[chosen]] = all;
            }
            case MPLS -> {
                double[][] change = new double[peers.length][];
                for (int k = 0; k < peers.length; k++) {
                    float[] g = scores.get(peers[k]);
                    change[k] = IntStream.range(0, layers).mapToDouble(l -> l < g.length ? g[l] : 0.0).toArray();
                }
                long[] layerBytes = IntStream.range(0, layers).mapToLong(l -> 4L * n.layout.length(l)).toArray();
                PullPlan p = new MplsPlanner(n.s.tau1(), n.s.tau2()).plan(n.st.bandwidth.estimates(peers),
                        PullExchange.divergences(n, peers), change, layerBytes);
                for (int k = 0; k < live.length; k++) {
                    plan[live[k]] = p.layersFrom(k);
                }
            }
            case GOSSIP -> throw new IllegalStateException("gossip does not pull");
        }
        return plan;
    }
}
