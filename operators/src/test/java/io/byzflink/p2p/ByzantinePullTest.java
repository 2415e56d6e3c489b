package io.byzflink.p2p;

import static io.byzflink.p2p.InMemoryPeers.assertModel;
import static io.byzflink.p2p.InMemoryPeers.init;
import static org.assertj.core.api.Assertions.assertThat;

import io.byzflink.attacks.AttackRegistry;
import io.byzflink.robust.AggregationPlan;
import io.byzflink.robust.RuleSpec;
import io.byzflink.serde.avro.TensorChunk;
import io.byzflink.serde.avro.TensorKind;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

/**
 * Byzantine nodes in the pull protocols ({@link ByzantinePuller}) and the honest nodes' robust
 * layer-wise merge. Complete graph of 4 honest nodes and node 4, which sign-flips the mean of the
 * honest models it pulled; honest node i trains to init + i + 1 in round 0.
 */
class ByzantinePullTest {

    private static InMemoryPeers run(Protocol protocol, String rule, int f) {
        AggregationPlan plan = AggregationPlan.of(RuleSpec.of(rule), f);
        PeerSettings s = InMemoryPeers.settings(protocol, "complete", 2, 4, 1,
                AttackRegistry.create("sign-flip", Map.of(), plan), plan, 1_000);
        InMemoryPeers net = new InMemoryPeers(s);
        net.startAll();
        assertThat(net.run()).isTrue();
        assertThat(net.clock).as("no phase waited for its deadline").isZero();
        assertThat(net.reports).as("honest nodes only, 2 rounds").hasSize(8).allSatisfy(r -> assertThat(r.node).isLessThan(4));
        assertThat(net.states[4].phase).isEqualTo(NodeState.Phase.DONE);
        return net;
    }

    /** APPG pulls every layer of every neighbour: with a trimmed mean per layer, the same numbers as gossip's test. */
    @Test
    void appgWithATrimmedMeanPerLayerDiscardsTheLie() {
        InMemoryPeers net = run(Protocol.APPG, "trimmed-mean", 1);
        // The lie node 4 served in round 0: -(init + 2.5), from the four honest models it pulled.
        List<TensorChunk> served = net.sentBy(4, TensorKind.MODEL, 0);
        assertThat(served).as("4 honest pullers x 4 chunks").hasSize(16).allSatisfy(c -> {
            float[] v = InMemoryPeers.values(c);
            for (int k = 0; k < v.length; k++) {
                int coordinate = c.getOffset() + k;
                assertThat(v[k]).isCloseTo(-(init(coordinate) + 2.5f), org.assertj.core.data.Offset.offset(1e-5f));
            }
        });
        // Each honest node merges own + 3 honest + the lie, coordinate by coordinate (see GossipExchangeTest):
        double[] byInit = {1 / 6.0, 1, 2, 3, 4};
        for (int i = 0; i < 4; i++) {
            assertModel(net.modelAfter(i, 0), (l, k) -> byInit[k % 5], "honest node " + i + " round 0");
            assertThat(net.report(i, 0).missing).isZero();
            assertThat(net.report(i, 0).received).isEqualTo(4);
            double[] m = byInit;
            assertModel(net.modelAfter(i, 1), (l, k) -> GossipExchangeTest.trimmedMean(1, m[k % 5] + 11, m[k % 5] + 12,
                    m[k % 5] + 13, m[k % 5] + 14, -(m[k % 5] + 12.5)), "honest node " + i + " round 1");
        }
        // Traffic: each honest node pulls 4 whole models and sends 4 empty SCORES and 4 PULL lists of
        // 2 layers; it also serves node 4, which pulls everything and reports nothing.
        for (int i = 0; i < 4; i++) {
            assertThat(net.report(i, 0).bytesExchanged).isEqualTo(4L * InMemoryPeers.MODEL_FLOATS * 4 + 4 * 2 * 4
                    + InMemoryPeers.MODEL_FLOATS * 4);
        }
    }

    @Test
    void plainMeanUnderTheSameLieIsPulledTowardIt() {
        InMemoryPeers net = run(Protocol.APPG, "mean", 0);
        // (honest init+1 .. init+4 and the lie -(init + 2.5)) / 5 = (4 init + 10 - init - 2.5) / 5
        for (int i = 0; i < 4; i++) {
            assertModel(net.modelAfter(i, 0), (l, k) -> (3.0 * init(k) + 7.5) / 5, "honest node " + i + " round 0");
        }
    }

    /**
     * With a robust merge every layer comes from at least as many peers as the rule needs (by
     * default twice that: 4 copies for a trimmed mean with f = 1, all 4 peers here), so the
     * liar's copy is trimmed: every honest model stays within the honest models' range,
     * coordinate by coordinate. Without the top-up MPLS pulls each layer from the liar alone.
     */
    @Test
    void mplsWithARobustMergeTopsUpEachLayerSoTheLieIsTrimmed() {
        InMemoryPeers net = run(Protocol.MPLS, "trimmed-mean", 1);
        for (int i = 0; i < 4; i++) {
            for (int l = 0; l < 2; l++) {
                int layer = l;
                int node = i;
                long askers = java.util.stream.IntStream.range(0, 5).filter(j -> j != node)
                        .filter(j -> java.util.Arrays.stream(net.pullList(node, j, 0)).anyMatch(x -> x == layer)).count();
                assertThat(askers).as("node %d layer %d pulled from", i, l).isGreaterThanOrEqualTo(2);
            }
            float[][] after = net.modelAfter(i, 0);
            for (int l = 0; l < 2; l++) {
                for (int k = 0; k < after[l].length; k++) {
                    // honest node j trained to init + j + 1, j = 0..3
                    assertThat((double) after[l][k]).as("node %d layer %d coordinate %d", i, l, k)
                            .isBetween(init(k) + 1 - 1e-5, init(k) + 4 + 1e-5);
                }
            }
        }
    }

    /** MPLS: node 4 claims every layer changed enormously, so every honest node plans to pull from it. */
    @Test
    void mplsScoreInflationMakesEveryHonestNodePullFromTheLiar() {
        InMemoryPeers net = run(Protocol.MPLS, "trimmed-mean", 1);
        for (TensorChunk c : net.sentBy(4, TensorKind.SCORES, 0)) {
            assertThat(InMemoryPeers.values(c)).containsOnly(ByzantinePuller.INFLATED_SCORE);
        }
        for (int i = 0; i < 4; i++) {
            assertThat(net.pullList(i, 4, 0)).as("honest node %d asks node 4", i).isNotEmpty();
            assertThat(net.pullList(4, i, 0)).as("node 4 asks everything of %d", i).containsExactly(0, 1);
        }
    }
}
