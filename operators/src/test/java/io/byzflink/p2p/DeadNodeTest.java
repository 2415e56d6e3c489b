package io.byzflink.p2p;

import static io.byzflink.p2p.InMemoryPeers.MODEL_CHUNKS;
import static io.byzflink.p2p.InMemoryPeers.assertModel;
import static io.byzflink.p2p.InMemoryPeers.init;
import static org.assertj.core.api.Assertions.assertThat;

import io.byzflink.serde.avro.TensorChunk;
import io.byzflink.serde.avro.TensorKind;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** A node that never starts: its neighbours give up at the deadline, count it missing and go on. */
class DeadNodeTest {

    @Test
    void gossipNeighboursFinishEachRoundAtTheTimeoutAndCountLateMessages() {
        InMemoryPeers net = new InMemoryPeers(InMemoryPeers.settings(Protocol.GOSSIP, "complete", 4, 2, 1_000));
        net.kill(3);
        net.startAll();
        // Node 3 wakes up at t = 1500 and sends node 1 its model of round 0, which node 1 closed at t = 1000.
        for (TensorChunk c : Messages.model(net.settings, net.layout, 0, 3, 1, InMemoryPeers.sharedInit(), null)) {
            net.schedule(1_500, c);
        }
        assertThat(net.run()).isTrue();

        // Round 0: nodes 0, 1, 2 train to init + 1, 2, 3 and average the three: init + 2.
        // Round 1: they train to init + 2 + 11, 12, 13 and average again: init + 14.
        for (int node = 0; node < 3; node++) {
            int i = node;
            assertModel(net.modelAfter(i, 0), (l, k) -> init(k) + 2, "node " + i + " round 0");
            assertModel(net.modelAfter(i, 1), (l, k) -> init(k) + 14, "node " + i + " round 1");
            float[][] a = net.trained(0, 1);
            float[][] b = net.trained(1, 1);
            float[][] c = net.trained(2, 1);
            assertModel(net.modelAfter(i, 1), (l, k) -> ((double) a[l][k] + b[l][k] + c[l][k]) / 3, "node " + i + " round 1");
            for (long r = 0; r < 2; r++) {
                NodeReport rep = net.report(i, r);
                assertThat(rep.missing).as("node %d round %d", i, r).isEqualTo(1);
                assertThat(rep.received).isEqualTo(2);
                assertThat(rep.startedAtMs).isEqualTo(1_000 * r);
                assertThat(rep.roundMs).as("waited for the deadline").isEqualTo(1_000);
                // The model to each of 3 neighbours (the dead one included; it is dropped on the way).
                assertThat(rep.bytesExchanged).isEqualTo(3L * InMemoryPeers.MODEL_FLOATS * 4);
            }
        }
        assertThat(net.report(1, 0).late).isZero();
        assertThat(net.report(1, 1).late).as("node 3's round-0 chunks, counted one by one").isEqualTo(MODEL_CHUNKS);
        assertThat(net.report(0, 1).late).isZero();
        assertThat(net.report(2, 1).late).isZero();
        assertThat(net.reports).hasSize(6);
        assertThat(net.reports).noneMatch(r -> r.node == 3);
        assertThat(net.dropped).as("3 nodes x 2 rounds x 4 chunks to the dead node").isEqualTo(24);
        assertThat(net.clock).isEqualTo(2_000);
        assertThat(net.states[3].round).isEqualTo(-1);
    }

    @Test
    void appgPlansOnlyTheNeighboursWhoseScoresArrived() {
        InMemoryPeers net = new InMemoryPeers(InMemoryPeers.settings(Protocol.APPG, "ring(1)", 4, 1, 1_000));
        net.kill(2);
        net.startAll();
        assertThat(net.run()).isTrue();

        // Node 0 has both neighbours (1, 3); nodes 1 and 3 only have node 0 left.
        assertModel(net.modelAfter(0, 0), (l, k) -> init(k) + (1 + 2 + 4) / 3.0, "node 0");
        assertModel(net.modelAfter(1, 0), (l, k) -> init(k) + (2 + 1) / 2.0, "node 1");
        assertModel(net.modelAfter(3, 0), (l, k) -> init(k) + (4 + 1) / 2.0, "node 3");
        for (int i : new int[] {1, 3}) {
            NodeReport r = net.report(i, 0);
            assertThat(r.pulls).as("only node 0's layers").isEqualTo(2);
            assertThat(r.received).isEqualTo(1);
            assertThat(r.missing).as("node 2 was never asked").isZero();
            assertThat(r.roundMs).as("waited for node 2's scores until the deadline").isEqualTo(1_000);
            assertThat(net.pullList(i, 2, 0)).as("an empty PULL tells node 2 nothing is wanted").isEmpty();
            assertThat(net.pullList(i, 0, 0)).containsExactly(0, 1);
        }
        assertThat(net.report(0, 0).pulls).isEqualTo(4);
        assertThat(net.report(0, 0).roundMs).isZero();
        assertThat(net.reports).hasSize(3);
    }

    /** Liveness: on a ring, waiting neighbours delay their own neighbours, yet every round of every live node ends. */
    @ParameterizedTest
    @EnumSource(Protocol.class)
    void everyProtocolCompletesAllRoundsAroundADeadNode(Protocol protocol) {
        InMemoryPeers net = new InMemoryPeers(InMemoryPeers.settings(protocol, "ring(1)", 6, 3, 1_000));
        net.kill(2);
        net.startAll();
        assertThat(net.run(200_000)).as("%s completes", protocol).isTrue();
        assertThat(net.reports).hasSize(5 * 3);
        for (int i = 0; i < 6; i++) {
            if (i == 2) {
                continue;
            }
            for (long r = 0; r < 3; r++) {
                NodeReport rep = net.report(i, r);
                for (float v : rep.model) {
                    assertThat(Float.isFinite(v)).isTrue();
                }
            }
            assertThat(net.states[i].phase).isEqualTo(NodeState.Phase.DONE);
        }
        if (protocol == Protocol.GOSSIP) {
            for (long r = 0; r < 3; r++) {
                assertThat(net.report(1, r).missing).isGreaterThanOrEqualTo(1);
                assertThat(net.report(3, r).missing).isGreaterThanOrEqualTo(1);
            }
        }
        assertThat(net.sent).noneMatch(c -> c.getSender() == 2);
        assertThat(net.sent.stream().filter(c -> c.getKind() == TensorKind.MODEL)).isNotEmpty();
    }

    /** Too few inputs left for the rule's precondition (trimmed mean f = 2 needs n > 4): the node keeps its own model. */
    @Test
    void gossipKeepsTheOwnModelWhenTheRuleCannotRunOnWhatArrived() {
        io.byzflink.robust.AggregationPlan plan = io.byzflink.robust.AggregationPlan.of(
                io.byzflink.robust.RuleSpec.of("trimmed-mean"), 2);
        InMemoryPeers net = new InMemoryPeers(InMemoryPeers.settings(Protocol.GOSSIP, "complete", 1, 5, 0, null, plan, 1_000));
        net.kill(4);
        net.startAll();
        assertThat(net.run()).isTrue();
        for (int node = 0; node < 4; node++) {
            int i = node;
            assertModel(net.modelAfter(i, 0), (l, k) -> init(k) + i + 1, "node " + i + " keeps its trained model");
            assertThat(net.report(i, 0).missing).isEqualTo(1);
            assertThat(net.report(i, 0).received).isEqualTo(3);
            assertThat(net.report(i, 0).roundMs).isEqualTo(1_000);
        }
    }
}
