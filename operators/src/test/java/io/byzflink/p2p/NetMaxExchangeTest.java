package io.byzflink.p2p;

import static io.byzflink.p2p.InMemoryPeers.MODEL_FLOATS;
import static io.byzflink.p2p.InMemoryPeers.SEED;
import static io.byzflink.p2p.InMemoryPeers.assertModel;
import static org.assertj.core.api.Assertions.assertThat;

import io.byzflink.decentralized.BandwidthEstimator;
import io.byzflink.decentralized.NetMaxPeerChooser;
import io.byzflink.serde.avro.TensorKind;

import org.junit.jupiter.api.Test;

/** NetMax: every layer of exactly one neighbour per round, chosen by link speed, merged pairwise. */
class NetMaxExchangeTest {

    @Test
    void eachNodePullsTheWholeModelOfOneNeighbourAndAveragesThePair() {
        InMemoryPeers net = new InMemoryPeers(InMemoryPeers.settings(Protocol.NETMAX, "ring(1)", 4, 2, 1_000));
        net.startAll();
        assertThat(net.run()).isTrue();

        int[][] chosen = new int[4][2];
        for (int i = 0; i < 4; i++) {
            int[] nb = net.settings.neighbours(i);
            for (int r = 0; r < 2; r++) {
                int asked = -1;
                for (int j : nb) {
                    int[] layers = net.pullList(i, j, r);
                    if (layers.length > 0) {
                        assertThat(asked).as("node %d round %d asks only one neighbour", i, r).isEqualTo(-1);
                        assertThat(layers).as("every layer").containsExactly(0, 1);
                        asked = j;
                    }
                }
                assertThat(asked).as("node %d round %d asks one neighbour", i, r).isNotEqualTo(-1);
                chosen[i][r] = asked;
            }

            // Round 0: nothing measured, both links at the prior speed.
            double prior = BandwidthEstimator.DEFAULT_PRIOR_BYTES_PER_MS;
            assertThat(chosen[i][0]).isEqualTo(nb[NetMaxPeerChooser.choose(new double[] {prior, prior}, SEED, i, 0)]);
            // The whole model (10,040 bytes) took no measurable time in memory: the sample is clamped to 0.1 ms.
            double measured = MODEL_FLOATS * 4 / BandwidthEstimator.MIN_MILLIS;
            double[] speeds = {nb[0] == chosen[i][0] ? measured : prior, nb[1] == chosen[i][0] ? measured : prior};
            assertThat(chosen[i][1]).isEqualTo(nb[NetMaxPeerChooser.choose(speeds, SEED, i, 1)]);
            assertThat(net.states[i].bandwidth.estimate(chosen[i][0])).isEqualTo(measured);
            assertThat(net.states[i].bandwidth.estimate(chosen[i][1])).isEqualTo(measured);
            assertThat(net.states[i].bandwidth.sampleCount(chosen[i][0]) + net.states[i].bandwidth.sampleCount(
                    chosen[i][0] == nb[0] ? nb[1] : nb[0])).isEqualTo(2);

            for (int r = 0; r < 2; r++) {
                float[][] own = net.trained(i, r);
                float[][] peer = net.trained(chosen[i][r], r);
                assertModel(net.modelAfter(i, r), (l, k) -> ((double) own[l][k] + peer[l][k]) / 2,
                        "node " + i + " round " + r);
                NodeReport rep = net.report(i, r);
                assertThat(rep.pulls).isEqualTo(2);
                assertThat(rep.received).isEqualTo(1);
                assertThat(rep.missing).isZero();
            }
        }
        // Round 0 literally: node i trained to init + i + 1, so the pair average is init + (i + c + 2) / 2.
        for (int node = 0; node < 4; node++) {
            int i = node;
            int c = chosen[i][0];
            assertModel(net.modelAfter(i, 0), (l, k) -> InMemoryPeers.init(k) + (i + 1 + c + 1) / 2.0, "node " + i);
        }
        // Traffic: whole models for the neighbours that chose the node, plus one PULL of two indices.
        for (int i = 0; i < 4; i++) {
            for (int r = 0; r < 2; r++) {
                int server = i;
                int round = r;
                long askers = java.util.stream.IntStream.range(0, 4).filter(j -> chosen[j][round] == server).count();
                assertThat(net.sentBy(i, TensorKind.MODEL, r)).hasSize((int) askers * InMemoryPeers.MODEL_CHUNKS);
                assertThat(net.bytesSentFor(i, r)).isEqualTo(askers * MODEL_FLOATS * 4 + 2 * 4);
            }
            // The node accounts for what it pulled (one whole model) and its PULL lists.
            assertThat(net.report(i, 0).bytesExchanged).as("node %d round 0", i)
                    .isEqualTo(net.bytesPulledFor(i, 0)).isEqualTo(MODEL_FLOATS * 4 + 2 * 4);
            assertThat(net.report(i, 1).bytesExchanged).as("node %d round 1", i)
                    .isEqualTo(net.bytesPulledFor(i, 1)).isEqualTo(MODEL_FLOATS * 4 + 2 * 4);
        }
        for (int r = 0; r < 2; r++) {
            int round = r;
            assertThat(java.util.stream.IntStream.range(0, 4).mapToLong(i -> net.report(i, round).bytesExchanged).sum())
                    .as("round %d: every byte on the wire counted once over the nodes", r)
                    .isEqualTo(java.util.stream.IntStream.range(0, 4).mapToLong(i -> net.bytesSentFor(i, round)).sum());
        }
    }
}
