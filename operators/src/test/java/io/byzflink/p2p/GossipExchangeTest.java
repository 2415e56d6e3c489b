package io.byzflink.p2p;

import static io.byzflink.p2p.InMemoryPeers.MODEL_FLOATS;
import static io.byzflink.p2p.InMemoryPeers.assertModel;
import static io.byzflink.p2p.InMemoryPeers.init;
import static org.assertj.core.api.Assertions.assertThat;

import io.byzflink.attacks.AttackRegistry;
import io.byzflink.robust.AggregationPlan;
import io.byzflink.robust.RuleSpec;
import io.byzflink.serde.avro.TensorChunk;
import io.byzflink.serde.avro.TensorKind;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** Gossip: push the trained model to every neighbour, aggregate [own, neighbours...] with the node's rule. */
class GossipExchangeTest {

    @Test
    void meanOnARingIsTheAverageWithBothNeighbours() {
        InMemoryPeers net = new InMemoryPeers(InMemoryPeers.settings(Protocol.GOSSIP, "ring(1)", 4, 1, 1_000));
        net.startAll();
        assertThat(net.run()).isTrue();

        double[] shift = {(1 + 4 + 2) / 3.0, (2 + 1 + 3) / 3.0, (3 + 2 + 4) / 3.0, (4 + 3 + 1) / 3.0};
        for (int node = 0; node < 4; node++) {
            int i = node;
            float[][] ti = net.trained(i, 0);
            float[][] tl = net.trained((i + 3) % 4, 0);
            float[][] tr = net.trained((i + 1) % 4, 0);
            assertModel(net.modelAfter(i, 0), (l, k) -> ((double) ti[l][k] + tl[l][k] + tr[l][k]) / 3, "node " + i);
            assertModel(net.modelAfter(i, 0), (l, k) -> init(k) + shift[i], "node " + i + " (literal)");

            NodeReport r = net.report(i, 0);
            assertThat(r.received).isEqualTo(2);
            assertThat(r.missing).isZero();
            assertThat(r.pulls).isZero();
            assertThat(r.late).isZero();
            // The whole model to each of 2 neighbours.
            assertThat(r.bytesExchanged).isEqualTo(2L * MODEL_FLOATS * 4);
            assertThat(net.sentBy(i, TensorKind.MODEL, 0)).hasSize(2 * InMemoryPeers.MODEL_CHUNKS);
        }
        assertThat(net.sent).allSatisfy(c -> assertThat(c.getKind()).isEqualTo(TensorKind.MODEL));
    }

    /** Coordinate-wise trimmed mean dropping the f smallest and f largest values. */
    static double trimmedMean(int f, double... values) {
        double[] v = values.clone();
        Arrays.sort(v);
        double sum = 0;
        for (int i = f; i < v.length - f; i++) {
            sum += v[i];
        }
        return sum / (v.length - 2 * f);
    }

    @Test
    void trimmedMeanOnACompleteGraphDiscardsASignFlippingNode() {
        AggregationPlan plan = AggregationPlan.of(RuleSpec.of("trimmed-mean"), 1);
        PeerSettings s = InMemoryPeers.settings(Protocol.GOSSIP, "complete", 2, 4, 1,
                AttackRegistry.create("sign-flip", Map.of(), plan), plan, 1_000);
        assertThat(s.isByzantine(4)).isTrue();
        assertThat(s.isByzantine(3)).isFalse();
        InMemoryPeers net = new InMemoryPeers(s);
        net.startAll();
        assertThat(net.run()).isTrue();

        // Round 0: honest node i trains to init + i + 1 (i = 0..3); node 4 sends every honest node
        // -(mean of the honest models) = -(init + 2.5). Each honest node sees all five models.
        // init = (k mod 5) - 2:
        //   init -2: honest -1, 0, 1, 2; lie -0.5 -> sorted -1 -0.5 0 1 2 -> mean(-0.5, 0, 1) = 1/6
        //   init -1: honest  0, 1, 2, 3; lie -1.5 -> mean(0, 1, 2) = 1
        //   init  0: honest  1, 2, 3, 4; lie -2.5 -> mean(1, 2, 3) = 2
        //   init  1: honest  2, 3, 4, 5; lie -3.5 -> mean(2, 3, 4) = 3
        //   init  2: honest  3, 4, 5, 6; lie -4.5 -> mean(3, 4, 5) = 4
        double[] byInit = {1 / 6.0, 1, 2, 3, 4};
        for (int i = 0; i < 4; i++) {
            assertModel(net.modelAfter(i, 0), (l, k) -> byInit[k % 5], "honest node " + i + " round 0");
            NodeReport r = net.report(i, 0);
            assertThat(r.received).isEqualTo(4);
            assertThat(r.missing).isZero();
        }
        // The lie node 4 sent in round 0.
        for (int i = 0; i < 4; i++) {
            int to = i;
            List<TensorChunk> lie = net.sentBy(4, TensorKind.MODEL, 0).stream().filter(c -> c.getDestination() == to).toList();
            assertThat(lie).hasSize(InMemoryPeers.MODEL_CHUNKS);
            float[] first = InMemoryPeers.values(lie.get(0));
            for (int k = 0; k < 5; k++) {
                assertThat(first[k]).isCloseTo(-(init(k) + 2.5f), org.assertj.core.data.Offset.offset(1e-6f));
            }
        }

        // Round 1: all honest nodes start from the same model m and train to m + 11 .. m + 14;
        // the lie is -(m + 12.5).
        for (int i = 0; i < 4; i++) {
            float[][] t0 = net.trained(0, 1);
            float[][] t1 = net.trained(1, 1);
            float[][] t2 = net.trained(2, 1);
            float[][] t3 = net.trained(3, 1);
            assertModel(net.modelAfter(i, 1), (l, k) -> {
                double mean = ((double) t0[l][k] + t1[l][k] + t2[l][k] + t3[l][k]) / 4;
                return trimmedMean(1, t0[l][k], t1[l][k], t2[l][k], t3[l][k], -mean);
            }, "honest node " + i + " round 1");
            assertModel(net.modelAfter(i, 1), (l, k) -> {
                double m = byInit[k % 5];
                return trimmedMean(1, m + 11, m + 12, m + 13, m + 14, -(m + 12.5));
            }, "honest node " + i + " round 1 (from round 0's result)");
        }
        assertThat(net.reports).as("no reports from the Byzantine node").allSatisfy(r -> assertThat(r.node).isLessThan(4));
        assertThat(net.reports).hasSize(8);
        assertThat(net.states[4].phase).isEqualTo(NodeState.Phase.DONE);
        assertThat(net.sent.stream().filter(c -> c.getSender() == 4).count()).as("4 honest x 4 chunks x 2 rounds").isEqualTo(32);
        assertThat(net.clock).as("no timeouts").isZero();
    }

    /** A neighbour whose model diverged (NaN) is excluded by the robust rule, without waiting for the deadline. */
    @Test
    void aNonFiniteModelIsExcludedWithoutWaitingForTheDeadline() {
        InMemoryPeers net = new InMemoryPeers(InMemoryPeers.settings(Protocol.GOSSIP, "ring(1)", 4, 1, 1_000));
        net.trainer = (node, round, layer) -> node == 1 ? Float.NaN : node + 1;
        net.startAll();
        assertThat(net.run()).isTrue();

        // Node 0 (neighbours 3, 1): mean of its own and node 3's -> (1 + 4) / 2; node 2: (3 + 4) / 2.
        assertModel(net.modelAfter(0, 0), (l, k) -> init(k) + (1 + 4) / 2.0, "node 0");
        assertModel(net.modelAfter(2, 0), (l, k) -> init(k) + (3 + 4) / 2.0, "node 2");
        assertModel(net.modelAfter(3, 0), (l, k) -> init(k) + (4 + 1 + 3) / 3.0, "node 3");
        assertThat(net.report(0, 0).roundMs).isZero();
        assertThat(net.report(2, 0).roundMs).isZero();
        assertThat(net.clock).isZero();
    }
}
