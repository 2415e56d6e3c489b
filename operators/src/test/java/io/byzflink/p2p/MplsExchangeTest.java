package io.byzflink.p2p;

import static io.byzflink.p2p.InMemoryPeers.assertModel;
import static io.byzflink.p2p.InMemoryPeers.init;
import static org.assertj.core.api.Assertions.assertThat;

import io.byzflink.serde.avro.TensorChunk;
import io.byzflink.serde.avro.TensorKind;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

/**
 * MPLS on the complete graph of 4 nodes, one round, shared init, equal label histograms (every
 * divergence 0) and no link measured yet (every speed the prior): p_s = 1/3 for every peer, so
 * (s, l) is a candidate iff g_s(l) >= mean over the peers of g(l), and every link is equally
 * efficient (E = 1). Layer w costs 10,000 bytes = 1 ms at the prior, layer b 40 bytes = 0.004 ms.
 */
class MplsExchangeTest {

    /** Node i adds D[i][l] to layer l: its SCORES are g(w) = 2500 D[i][0]^2, g(b) = 10 D[i][1]^2. */
    private static final float[][] D = {{2, 0}, {1, 0}, {0, 0}, {1, 1}};

    @Test
    void pullsOnlyTheInterestingLayersAndMergesLayerByLayer() {
        InMemoryPeers net = new InMemoryPeers(InMemoryPeers.settings(Protocol.MPLS, "complete", 4, 1, 1_000));
        net.trainer = (node, round, layer) -> D[node][layer];
        net.startAll();
        assertThat(net.run()).isTrue();

        // SCORES: squared change of each layer since the start (nobody pulled anything before).
        for (TensorChunk c : net.sent) {
            if (c.getKind() == TensorKind.SCORES) {
                int j = c.getSender();
                assertThat(InMemoryPeers.values(c)).as("scores of node %d", j)
                        .containsExactly(2500 * D[j][0] * D[j][0], 10 * D[j][1] * D[j][1]);
            }
        }

        // Node 0, peers 1, 2, 3: g(w) = 2500, 0, 2500 -> candidates 1, 3; g(b) = 0, 0, 10 -> candidate 3.
        //   main phase: peer 1 (least load, lowest index) takes w (load 1 ms); peer 2 has no
        //   candidate and drops out; peer 3 takes b. Fill: (3, w) would make 3's load 1.004 > 1.
        expectPlan(net, 0, new int[][] {{}, {0}, {}, {1}});
        // Node 1, peers 0, 2, 3: g(w) = 10000, 0, 2500 -> 0 only; g(b) -> 3 only.
        expectPlan(net, 1, new int[][] {{0}, {}, {}, {1}});
        // Node 2, peers 0, 1, 3: g(w) = 10000, 2500, 2500 (mean 5000) -> 0 only; g(b) -> 3 only.
        expectPlan(net, 2, new int[][] {{0}, {}, {}, {1}});
        // Node 3, peers 0, 1, 2: g(w) = 10000, 2500, 0 -> 0 only; g(b) = 0, 0, 0 -> q = 1/3 each,
        //   all candidates. Main: peer 0 takes w (higher p q than b), peer 1 takes b. Fill (Lmax 1):
        //   (0, b) would be 1.004 > 1, (2, b) fits (0.004): b comes from peers 1 and 2.
        expectPlan(net, 3, new int[][] {{0}, {1}, {1}, {}});

        int[] pulls = {2, 2, 2, 3};
        int[] received = {2, 2, 2, 3};
        for (int i = 0; i < 4; i++) {
            NodeReport r = net.report(i, 0);
            assertThat(r.pulls).as("pulls of node %d", i).isEqualTo(pulls[i]).isLessThan(3 * 2); // APPG: 3 peers x 2 layers
            assertThat(r.received).isEqualTo(received[i]);
            assertThat(r.missing).isZero();
            assertThat(r.bytesExchanged).isEqualTo(net.bytesPulledFor(i, 0));
        }

        // w(l) = (own + sum of pulled copies) / (count + 1), with t_j(l) = init + D[j][l]:
        // node 0: w from 1 -> (2 + 1) / 2;  b from 3 -> (0 + 1) / 2
        assertModel(net.modelAfter(0, 0), (l, k) -> init(k) + (l == 0 ? (2 + 1) / 2.0 : (0 + 1) / 2.0), "node 0");
        // node 1: w from 0 -> (1 + 2) / 2;  b from 3 -> (0 + 1) / 2
        assertModel(net.modelAfter(1, 0), (l, k) -> init(k) + (l == 0 ? (1 + 2) / 2.0 : (0 + 1) / 2.0), "node 1");
        // node 2: w from 0 -> (0 + 2) / 2;  b from 3 -> (0 + 1) / 2
        assertModel(net.modelAfter(2, 0), (l, k) -> init(k) + (l == 0 ? (0 + 2) / 2.0 : (0 + 1) / 2.0), "node 2");
        // node 3: w from 0 -> (1 + 2) / 2;  b from 1 and 2 -> (1 + 0 + 0) / 3
        assertModel(net.modelAfter(3, 0), (l, k) -> init(k) + (l == 0 ? (1 + 2) / 2.0 : (1 + 0 + 0) / 3.0), "node 3");

        // The same from the trained models and the PULL lists actually sent.
        for (int node = 0; node < 4; node++) {
            int i = node;
            List<List<float[]>> copies = new ArrayList<>();
            for (int l = 0; l < 2; l++) {
                copies.add(new ArrayList<>());
            }
            for (int j : net.settings.neighbours(i)) {
                for (int l : net.pullList(i, j, 0)) {
                    copies.get(l).add(net.trained(j, 0)[l]);
                }
            }
            float[][] own = net.trained(i, 0);
            assertModel(net.modelAfter(i, 0), (l, k) -> {
                double sum = own[l][k];
                for (float[] c : copies.get(l)) {
                    sum += c[k];
                }
                return sum / (copies.get(l).size() + 1);
            }, "node " + i + " (from its pull lists)");
        }
        // A server remembers what it served each requester: the next scores count from there.
        assertThat(net.states[0].lastServed.get(1)[0]).containsExactly(net.trained(0, 0)[0]);
        assertThat(net.states[0].lastServed.get(1)[1]).as("layer b was not pulled by node 1")
                .containsExactly(InMemoryPeers.sharedInit()[1]);
        assertThat(net.states[3].lastServed.get(0)[1]).containsExactly(net.trained(3, 0)[1]);
    }

    private static void expectPlan(InMemoryPeers net, int node, int[][] fromEach) {
        for (int j : net.settings.neighbours(node)) {
            assertThat(net.pullList(node, j, 0)).as("node %d asks %d", node, j).containsExactly(fromEach[j]);
        }
    }
}
