package io.byzflink.p2p;

import static io.byzflink.p2p.InMemoryPeers.MODEL_FLOATS;
import static io.byzflink.p2p.InMemoryPeers.assertModel;
import static io.byzflink.p2p.InMemoryPeers.init;
import static org.assertj.core.api.Assertions.assertThat;

import io.byzflink.serde.avro.TensorChunk;
import io.byzflink.serde.avro.TensorKind;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

/** APPG (pull every layer from every neighbour, equal-weight merge) on ring(1) of 4 nodes. */
class AppgExchangeTest {

    @Test
    void oneRoundAveragesEachNodeWithBothRingNeighbours() {
        InMemoryPeers net = new InMemoryPeers(InMemoryPeers.settings(Protocol.APPG, "ring(1)", 4, 1, 1_000));
        net.startAll();
        assertThat(net.run()).as("run completes").isTrue();

        // Node i trains to init + (i + 1); ring(1): neighbours i-1 and i+1.
        // (t_i + t_left + t_right) / 3 = init + (d_i + d_left + d_right) / 3:
        double[] shift = {(1 + 4 + 2) / 3.0, (2 + 1 + 3) / 3.0, (3 + 2 + 4) / 3.0, (4 + 3 + 1) / 3.0};
        for (int i = 0; i < 4; i++) {
            int node = i;
            float[][] ti = net.trained(i, 0);
            float[][] tl = net.trained((i + 3) % 4, 0);
            float[][] tr = net.trained((i + 1) % 4, 0);
            assertModel(net.modelAfter(i, 0), (l, k) -> ((double) ti[l][k] + tl[l][k] + tr[l][k]) / 3, "node " + i);
            assertModel(net.modelAfter(i, 0), (l, k) -> init(k) + shift[node], "node " + i + " (literal)");
            assertThat(net.states[i].model).isDeepEqualTo(net.modelAfter(i, 0));
        }
        assertThat(net.modelAfter(0, 0)[0][0]).isCloseTo(-2 + 7 / 3f, org.assertj.core.data.Offset.offset(1e-6f));

        for (int node = 0; node < 4; node++) {
            int i = node;
            NodeReport r = net.report(i, 0);
            assertThat(r.round).isZero();
            assertThat(r.pulls).as("pulls of node %d", i).isEqualTo(2 * InMemoryPeers.LAYOUT.layerCount());
            assertThat(r.missing).isZero();
            assertThat(r.received).isEqualTo(2);
            assertThat(r.late).isZero();
            assertThat(r.trainLoss).isEqualTo(i + 0.5);
            assertThat(r.trainMs).isEqualTo(3);
            assertThat(r.accuracy).isEqualTo(0.75);
            assertThat(r.loss).isEqualTo(0.5);
            assertThat(r.roundMs).as("no timeout was needed").isZero();

            // Served: both neighbours asked for both layers = 2 * 2510 floats, and node i pulled as
            // much; SCORES are empty for APPG; each PULL lists 2 layer indices (2 floats).
            long servedFloats = net.sentBy(i, TensorKind.MODEL, 0).stream()
                    .mapToLong(c -> InMemoryPeers.values(c).length).sum();
            assertThat(servedFloats).isEqualTo(2L * MODEL_FLOATS);
            long pulledFloats = net.sent.stream().filter(c -> c.getDestination() == i && c.getKind() == TensorKind.MODEL)
                    .mapToLong(c -> InMemoryPeers.values(c).length).sum();
            long control = net.sent.stream().filter(c -> c.getSender() == i && c.getKind() != TensorKind.MODEL)
                    .mapToLong(c -> c.getValues().remaining()).sum();
            assertThat(control).isEqualTo(2 * 0 + 2 * 2 * 4);
            assertThat(r.bytesExchanged).isEqualTo(pulledFloats * 4 + control).isEqualTo(2L * MODEL_FLOATS * 4 + 16);

            for (int j : net.settings.neighbours(i)) {
                assertThat(net.pullList(i, j, 0)).as("node %d asks %d", i, j).containsExactly(0, 1);
            }
            assertThat(net.states[i].phase).isEqualTo(NodeState.Phase.DONE);
        }
        // Each served chunk carries the server's trained values.
        for (TensorChunk c : net.sent) {
            if (c.getKind() == TensorKind.MODEL) {
                float[] layer = net.trained(c.getSender(), 0)[c.getLayerIndex()];
                assertThat(InMemoryPeers.values(c))
                        .containsExactly(Arrays.copyOfRange(layer, c.getOffset(), c.getOffset() + InMemoryPeers.values(c).length));
            }
        }
        assertThat(net.sent.stream().filter(c -> c.getKind() == TensorKind.MODEL).count())
                .as("4 nodes x 2 requesters x 4 chunks").isEqualTo(32);
        assertThat(net.clock).isZero();
        assertThat(net.reports).hasSize(4);
    }

    @Test
    void pullsArrivingBeforeTheServerTrainedAreServedOnceItHas() {
        InMemoryPeers net = new InMemoryPeers(InMemoryPeers.settings(Protocol.APPG, "ring(1)", 4, 2, 1_000));
        // Node 1's PULLs of rounds 0 and 1 reach node 0 before node 0 has even started.
        net.deliver(Messages.pull(net.settings, net.layout, 0, 1, 0, new int[] {0, 1}));
        net.deliver(Messages.pull(net.settings, net.layout, 1, 1, 0, new int[] {1}));
        assertThat(net.sent).as("nothing to serve yet").isEmpty();
        assertThat(net.states[0].pendingPulls).containsOnlyKeys(0L, 1L);
        assertThat(net.states[0].pendingPulls.get(0L).get(1)).containsExactly(0, 1);

        net.logic(0).onStart(InMemoryPeers.sharedInit());
        // Right after training round 0, before its SCORES, node 0 answers the waiting pull.
        List<TensorChunk> first = net.sent.subList(0, 4);
        assertThat(first).allSatisfy(c -> {
            assertThat(c.getKind()).isEqualTo(TensorKind.MODEL);
            assertThat(c.getRound()).isZero();
            assertThat(c.getSender()).isZero();
            assertThat(c.getDestination()).isEqualTo(1);
        });
        assertThat(first.stream().mapToInt(TensorChunk::getLayerIndex).toArray()).containsExactly(0, 0, 0, 1);
        assertThat(InMemoryPeers.values(first.get(3))).containsExactly(net.trained(0, 0)[1]);
        assertThat(net.sent.get(4).getKind()).isEqualTo(TensorKind.SCORES);
        assertThat(net.states[0].pendingPulls).containsOnlyKeys(1L);

        for (int i = 1; i < 4; i++) {
            net.logic(i).onStart(InMemoryPeers.sharedInit());
        }
        assertThat(net.run()).isTrue();
        assertThat(net.states[0].pendingPulls).isEmpty();

        // Round 1: node 0 serves the waiting pull (layer 1 only) as soon as it trained, before its SCORES.
        List<TensorChunk> round1 = net.sent.stream().filter(c -> c.getSender() == 0 && c.getRound() == 1).toList();
        TensorChunk early = round1.get(0);
        assertThat(early.getKind()).isEqualTo(TensorKind.MODEL);
        assertThat(early.getDestination()).isEqualTo(1);
        assertThat(early.getLayerIndex()).isEqualTo(1);
        assertThat(InMemoryPeers.values(early)).containsExactly(net.trained(0, 1)[1]);
        assertThat(round1.get(1).getKind()).isEqualTo(TensorKind.SCORES);

        // The duplicate answers change nothing: every node still averages with both neighbours.
        for (long r = 0; r < 2; r++) {
            for (int i = 0; i < 4; i++) {
                float[][] ti = net.trained(i, r);
                float[][] tl = net.trained((i + 3) % 4, r);
                float[][] tr = net.trained((i + 1) % 4, r);
                assertModel(net.modelAfter(i, r), (l, k) -> ((double) ti[l][k] + tl[l][k] + tr[l][k]) / 3,
                        "node " + i + " round " + r);
                assertThat(net.report(i, r).missing).isZero();
                assertThat(net.report(i, r).pulls).isEqualTo(4);
            }
        }
        // The extra answers (a whole model in round 0, layer 1 in round 1) reached node 1 before the
        // answers to its own pulls, which it then ignored as duplicates: every chunk counted once.
        assertThat(net.sentBy(0, TensorKind.MODEL, 0)).hasSize(3 * InMemoryPeers.MODEL_CHUNKS);
        for (int i = 0; i < 4; i++) {
            for (long r = 0; r < 2; r++) {
                assertThat(net.report(i, r).bytesExchanged).as("node %d round %d", i, r)
                        .isEqualTo(net.bytesPulledFor(i, r)).isEqualTo(2L * MODEL_FLOATS * 4 + 16);
            }
        }
    }

    /**
     * The CI-found case: a server answers a slower neighbour's pull after it has moved on to the
     * next round. The answer belongs to the puller's round, in its report, not in the server's
     * next one.
     */
    @Test
    void aPullAnsweredAfterTheServerMovedOnCountsInThePullersRound() {
        InMemoryPeers net = new InMemoryPeers(InMemoryPeers.settings(Protocol.APPG, "ring(1)", 4, 2, 1_000));
        net.startAll();
        // Hold node 1's round-0 PULL to node 0 until node 0 is in round 1.
        List<TensorChunk> held = new java.util.ArrayList<>();
        while (net.states[0].round < 1) {
            TensorChunk c = net.queue.poll();
            assertThat(c).as("node 0 reaches round 1 without node 1's pull").isNotNull();
            if (c.getKind() == TensorKind.PULL && c.getSender() == 1 && c.getDestination() == 0 && c.getRound() == 0) {
                held.add(c);
            } else {
                net.deliver(c);
            }
        }
        assertThat(held).hasSize(1);
        held.forEach(net::deliver);
        assertThat(net.run()).isTrue();

        List<TensorChunk> late = net.sentBy(0, TensorKind.MODEL, 0).stream().filter(c -> c.getDestination() == 1).toList();
        assertThat(late).as("served from node 0's round-0 snapshot").hasSize(InMemoryPeers.MODEL_CHUNKS)
                .allSatisfy(c -> assertThat(InMemoryPeers.values(c)).containsExactly(
                        java.util.Arrays.copyOfRange(net.trained(0, 0)[c.getLayerIndex()], c.getOffset(),
                                c.getOffset() + InMemoryPeers.values(c).length)));
        long perNode = 2L * MODEL_FLOATS * 4 + 16;
        for (int i = 0; i < 4; i++) {
            for (long r = 0; r < 2; r++) {
                assertThat(net.report(i, r).bytesExchanged).as("node %d round %d", i, r).isEqualTo(perNode);
                assertThat(net.report(i, r).missing).isZero();
            }
        }
        for (long r = 0; r < 2; r++) {
            long round = r;
            long onWire = net.sent.stream().filter(c -> c.getRound() == round).mapToLong(c -> c.getValues().remaining()).sum();
            assertThat(net.reports.stream().filter(x -> x.round == round).mapToLong(x -> x.bytesExchanged).sum())
                    .as("round %d: each byte once", r).isEqualTo(onWire).isEqualTo(4 * perNode);
        }
    }

    /**
     * A neighbour whose layer diverged (NaN) is not waited for: the non-finite copy is left out of
     * the merge, counted missing, and the round ends as soon as everything asked has arrived
     * (the validator dead-letters such chunks but still delivers them for this reason).
     */
    @Test
    void aNonFiniteLayerIsLeftOutWithoutWaitingForTheDeadline() {
        InMemoryPeers net = new InMemoryPeers(InMemoryPeers.settings(Protocol.APPG, "ring(1)", 4, 1, 1_000));
        net.trainer = (node, round, layer) -> node == 1 && layer == 1 ? Float.NaN : node + 1;
        net.startAll();
        assertThat(net.run()).isTrue();

        // Node 0 (neighbours 3, 1): w from both -> (1 + 2 + 4) / 3; b only from 3 -> (1 + 4) / 2.
        assertModel(net.modelAfter(0, 0), (l, k) -> init(k) + (l == 0 ? (1 + 2 + 4) / 3.0 : (1 + 4) / 2.0), "node 0");
        // Node 2 (neighbours 1, 3): w from both -> (3 + 2 + 4) / 3; b only from 3 -> (3 + 4) / 2.
        assertModel(net.modelAfter(2, 0), (l, k) -> init(k) + (l == 0 ? (3 + 2 + 4) / 3.0 : (3 + 4) / 2.0), "node 2");
        // Node 3 (neighbours 0, 2) is not affected.
        assertModel(net.modelAfter(3, 0), (l, k) -> init(k) + (4 + 1 + 3) / 3.0, "node 3");
        for (int i : new int[] {0, 2}) {
            NodeReport r = net.report(i, 0);
            assertThat(r.pulls).isEqualTo(4);
            assertThat(r.missing).as("node 1's layer b is not merged").isEqualTo(1);
            assertThat(r.received).as("node 1 still delivered layer w").isEqualTo(2);
            assertThat(r.roundMs).as("node %d did not wait for the deadline", i).isZero();
        }
        assertThat(net.clock).as("nobody waited for a deadline").isZero();
    }
}
