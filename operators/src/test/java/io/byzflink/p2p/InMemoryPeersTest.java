package io.byzflink.p2p;

import static io.byzflink.p2p.InMemoryPeers.assertModel;
import static io.byzflink.p2p.InMemoryPeers.init;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The test network itself: its model assertion catches a wrong value, its timers behave like Flink's. */
class InMemoryPeersTest {

    @Test
    void assertModelCatchesOneWrongCoordinate() {
        float[][] m = InMemoryPeers.sharedInit();
        assertModel(m, (l, k) -> init(k), "init");
        m[1][7] += 1e-3f;
        assertThatThrownBy(() -> assertModel(m, (l, k) -> init(k), "init")).isInstanceOf(AssertionError.class)
                .hasMessageContaining("layer 1 coordinate 7");
    }

    @Test
    void timersAreKeptOncePerNodeAndTimeAndStaleOnesAreIgnored() {
        InMemoryPeers net = new InMemoryPeers(InMemoryPeers.settings(Protocol.GOSSIP, "ring(1)", 4, 1, 1_000));
        net.hosts[0].wakeAt(1_000);
        net.hosts[0].wakeAt(1_000);
        net.hosts[1].wakeAt(1_000);
        net.hosts[0].wakeAt(500);
        assertThat(net.timers).containsOnlyKeys(500L, 1_000L);
        assertThat(net.timers.get(1_000L)).containsExactly(0, 1);
        // Nobody started: the timers fire as no-ops and the run stalls (nodes not DONE, nothing left).
        assertThat(net.run(100)).isFalse();
        assertThat(net.timers).isEmpty();
        assertThat(net.clock).isEqualTo(1_000);
        assertThat(net.reports).isEmpty();
    }
}
