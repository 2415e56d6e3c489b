package io.byzflink.p2p;

import io.byzflink.p2p.NodeState.Phase;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * A Byzantine node in the pull protocols (APPG, NetMax, MPLS). It does not train. Each round it
 * tells every neighbour that all its layers changed enormously ({@link #INFLATED_SCORE}: MPLS
 * then plans to pull them from it, the "score inflation" an MPLS attacker would use), asks every
 * honest neighbour for all its layers, and once they are in (or at the deadline) forges its model
 * with the configured attack from the honest models it saw. Pulls of the round wait until then
 * and are answered from the forged model, which is kept like an honest node's snapshot for pulls
 * that come late. With nothing seen (or an attack that cannot run on it) it serves its last model.
 */
final class ByzantinePuller {

    /** Every layer's claimed change: finite (the validator rejects others) and far above any real one. */
    static final float INFLATED_SCORE = 1e12f;

    private ByzantinePuller() {}

    static void startRound(PeerNodeLogic n) {
        int layers = n.layout.layerCount();
        float[] scores = new float[layers];
        Arrays.fill(scores, INFLATED_SCORE);
        int[] all = IntStream.range(0, layers).toArray();
        for (int j : n.s.neighbours(n.node)) {
            n.send(Messages.scores(n.s, n.layout, n.st.round, n.node, j, n.s.protocol() == Protocol.MPLS ? scores : new float[0]));
            n.send(Messages.pull(n.s, n.layout, n.st.round, n.node, j, n.s.isByzantine(j) ? new int[0] : all));
        }
        n.waitFor(Phase.WAIT_HONEST);
    }

    static void tryForge(PeerNodeLogic n, boolean timedOut) {
        NodeState st = n.st;
        int[] honest = n.s.honestNeighbours(n.node);
        Map<Integer, PeerTensors> in = n.inbox(st.round);
        List<float[]> seen = new ArrayList<>();
        for (int j : honest) {
            PeerTensors t = in.get(j);
            if (t != null && t.isComplete()) {
                seen.add(Flat.flatten(t.layers()));
            }
        }
        if (seen.size() < honest.length && !timedOut) {
            return;
        }
        float[] lie = seen.isEmpty() ? null : ByzantineNode.forge(n, seen.toArray(float[][]::new));
        float[][] forged = lie == null ? st.model : Flat.unflatten(lie, st.model);
        st.model = forged;
        st.snapshots.put(st.round, forged);
        Map<Integer, int[]> waiting = st.pendingPulls.remove(st.round);
        if (waiting != null) {
            waiting.forEach((requester, layers) -> PullExchange.serve(n, requester, st.round, layers));
        }
        n.nextRound();
    }
}
