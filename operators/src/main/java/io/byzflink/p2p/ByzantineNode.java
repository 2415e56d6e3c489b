package io.byzflink.p2p;

import io.byzflink.attacks.Attack;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A Byzantine node in the gossip protocol ({@link ByzantinePuller} in the pull protocols): it does not train; once its honest neighbours' models
 * of the round are in (or at the deadline), it computes the configured attack from what it saw
 * and sends the forged model to each honest neighbour.
 *
 * <p>Dissensus mode (He, Karimireddy and Jaggi, "Byzantine-robust decentralized learning via
 * ClippedGossip", 2022) sends each neighbour j its own lie x_j + eps (x_j - mean), with mean the
 * average of the honest models the attacker saw: every honest node is pushed away from the
 * consensus in its own direction, which averaging amplifies instead of cancelling.
 */
final class ByzantineNode {

    private ByzantineNode() {}

    static void tryForge(PeerNodeLogic n, boolean timedOut) {
        int[] honest = n.s.honestNeighbours(n.node);
        Map<Integer, PeerTensors> in = n.inbox(n.st.round);
        List<Integer> seen = new ArrayList<>();
        for (int j : honest) {
            PeerTensors t = in.get(j);
            if (t != null && t.isComplete()) {
                seen.add(j);
            }
        }
        if (seen.size() < honest.length && !timedOut) {
            return;
        }
        if (!seen.isEmpty()) {
            float[][] models = new float[seen.size()][];
            for (int k = 0; k < models.length; k++) {
                models[k] = Flat.flatten(in.get(seen.get(k)).layers());
            }
            float[][] like = in.get(seen.get(0)).layers();
            if (n.s.dissensus()) {
                sendDissensus(n, seen, models, like);
            } else {
                float[] lie = forge(n, models);
                for (int j : lie == null ? new int[0] : honest) {
                    send(n, j, Flat.unflatten(lie, like));
                }
            }
        }
        n.nextRound();
    }

    /** The forged model, or null when the attack cannot run on what the node saw (e.g. too few models). */
    static float[] forge(PeerNodeLogic n, float[][] honestModels) {
        Attack attack = n.s.job().attack();
        long seed = n.s.job().seed() * 31L + n.node * 7919L + n.st.round;
        try {
            return attack.forge(honestModels, 1, seed)[0];
        } catch (IllegalArgumentException tooFew) {
            return null;
        }
    }

    private static void sendDissensus(PeerNodeLogic n, List<Integer> seen, float[][] models, float[][] like) {
        int d = models[0].length;
        double[] mean = new double[d];
        for (float[] m : models) {
            for (int i = 0; i < d; i++) {
                mean[i] += m[i];
            }
        }
        double eps = n.s.dissensusScale();
        for (int k = 0; k < models.length; k++) {
            float[] lie = new float[d];
            for (int i = 0; i < d; i++) {
                double x = models[k][i];
                lie[i] = (float) (x + eps * (x - mean[i] / models.length));
            }
            send(n, seen.get(k), Flat.unflatten(lie, like));
        }
    }

    private static void send(PeerNodeLogic n, int to, float[][] layers) {
        Messages.model(n.s, n.layout, n.st.round, n.node, to, layers, null).forEach(n::send);
    }
}
