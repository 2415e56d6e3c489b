package io.byzflink.service;

import static io.byzflink.service.RoundPolicy.Decision.CLOSE;
import static io.byzflink.service.RoundPolicy.Decision.FAIL;
import static io.byzflink.service.RoundPolicy.Decision.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RoundPolicyTest {

    // 8 clients, quorum 6, timeout 10 s, max wait 60 s.
    private final RoundPolicy policy = new RoundPolicy(8, 6, 10_000, 60_000);

    @Test
    void closesAtOnceWhenEveryClientIsIn() {
        assertThat(policy.onUpdate(8, 5)).isEqualTo(CLOSE);
        assertThat(policy.onUpdate(7, 5)).isEqualTo(WAIT);
    }

    @Test
    void closesWithAQuorumOnlyFromTheTimeoutOn() {
        assertThat(policy.onUpdate(6, 9_999)).isEqualTo(WAIT);
        assertThat(policy.onDeadline(6, 10_000)).isEqualTo(CLOSE);
        assertThat(policy.onUpdate(6, 10_001)).as("the quorum's last update after the timeout").isEqualTo(CLOSE);
        assertThat(policy.onDeadline(5, 10_000)).isEqualTo(WAIT);
    }

    @Test
    void failsPastTheMaximumWaitWithoutAQuorum() {
        assertThat(policy.onDeadline(5, 59_999)).isEqualTo(WAIT);
        assertThat(policy.onDeadline(5, 60_000)).isEqualTo(FAIL);
        assertThat(policy.onDeadline(0, 60_000)).isEqualTo(FAIL);
        assertThat(policy.onDeadline(6, 60_000)).isEqualTo(CLOSE);
    }

    @Test
    void looksAgainAtTheTimeoutThenAtTheMaximumWait() {
        assertThat(policy.nextDeadline(1_000, 1_000)).isEqualTo(11_000);
        assertThat(policy.nextDeadline(1_000, 11_000)).isEqualTo(61_000);
    }

    @Test
    void rejectsAQuorumOutsideTheClientsAndAMaxWaitBelowTheTimeout() {
        assertThatThrownBy(() -> new RoundPolicy(8, 9, 1, 1)).hasMessageContaining("round.quorum must be in 1..8");
        assertThatThrownBy(() -> new RoundPolicy(8, 0, 1, 1)).hasMessageContaining("round.quorum");
        assertThatThrownBy(() -> new RoundPolicy(8, 4, 10, 5)).hasMessageContaining("round.max-wait-ms (5) must be >= round.timeout-ms (10)");
    }
}
