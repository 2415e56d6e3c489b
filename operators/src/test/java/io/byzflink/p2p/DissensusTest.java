package io.byzflink.p2p;

import static org.assertj.core.api.Assertions.assertThat;

import io.byzflink.attacks.AttackRegistry;
import io.byzflink.decentralized.Topologies;
import io.byzflink.robust.AggregationPlan;
import io.byzflink.robust.RuleSpec;
import io.byzflink.serde.TensorSetAssembler;
import io.byzflink.serde.avro.TensorChunk;
import io.byzflink.serde.avro.TensorKind;

import org.junit.jupiter.api.Test;

import java.util.Map;

/**
 * Dissensus mode: the Byzantine node sends each honest neighbour j its own lie
 * x_j + eps (x_j - mean), with mean the average of the honest models it saw.
 */
class DissensusTest {

    @Test
    void eachNeighbourGetsItsOwnLiePushingItAwayFromTheMean() {
        AggregationPlan plan = AggregationPlan.of(RuleSpec.of("mean"), 0);
        PeerSettings base = InMemoryPeers.settings(Protocol.GOSSIP, "complete", 1, 3, 1,
                AttackRegistry.create("sign-flip", Map.of(), plan), plan, 1_000);
        double eps = 2.0;
        PeerSettings s = new PeerSettings(base.job(), Topologies.parse("complete", 4, InMemoryPeers.SEED), Protocol.GOSSIP, plan,
                true, 1_000, 0.5, 0.5, true, eps, Double.NaN, Double.NaN, 0);
        InMemoryPeers net = new InMemoryPeers(s);
        net.startAll();
        assertThat(net.run()).isTrue();

        // Honest node i trains to init + i + 1 (i = 0, 1, 2): the mean the liar saw is init + 2,
        // so node j receives (init + j + 1) + 2 ((init + j + 1) - (init + 2)) = init + 3j - 1.
        for (int j = 0; j < 3; j++) {
            TensorSetAssembler lie = new TensorSetAssembler(InMemoryPeers.LAYOUT, InMemoryPeers.CHUNK_SIZE);
            for (TensorChunk c : net.sentBy(3, TensorKind.MODEL, 0)) {
                if (c.getDestination() == j) {
                    lie.add(c);
                }
            }
            assertThat(lie.isComplete()).as("node %d got a whole lie", j).isTrue();
            int jj = j;
            InMemoryPeers.assertModel(lie.tensors(), (l, k) -> InMemoryPeers.init(k) + 3.0 * jj - 1, "lie to node " + j);
        }
    }
}
