package io.byzflink.service;

import java.io.Serializable;

/**
 * When the aggregation service closes a round (ARCHITECTURE.md section 6), as a pure function of
 * how many registered clients have sent a complete update and how long the round has waited
 * since its first update:
 * <ul>
 *   <li>every registered client is in: close at once;
 *   <li>from {@code timeoutMs} on, at least {@code quorum} are in: close with them;
 *   <li>past {@code maxWaitMs} with fewer than {@code quorum}: the round fails (a report says so
 *       and the next model version repeats the current one, so clients are never stuck);
 *   <li>otherwise wait. A round nobody sends to waits indefinitely (an idle federation does not
 *       publish empty versions).
 * </ul>
 *
 * @param clients registered clients
 * @param quorum complete updates that suffice after the timeout, 1..clients
 * @param timeoutMs how long to wait for everyone
 * @param maxWaitMs how long to wait for a quorum, >= timeoutMs
 */
public record RoundPolicy(int clients, int quorum, long timeoutMs, long maxWaitMs) implements Serializable {

    /** What to do now. */
    public enum Decision { WAIT, CLOSE, FAIL }

    public RoundPolicy {
        if (clients < 1 || quorum < 1 || quorum > clients) {
            throw new IllegalArgumentException("round.quorum must be in 1.." + clients + " (the registered clients), got " + quorum);
        }
        if (timeoutMs < 0 || maxWaitMs < timeoutMs) {
            throw new IllegalArgumentException("round.max-wait-ms (" + maxWaitMs + ") must be >= round.timeout-ms (" + timeoutMs + ") >= 0");
        }
    }

    /** After a client's update completed: {@code complete} clients are in, {@code waitedMs} since the first update. */
    public Decision onUpdate(int complete, long waitedMs) {
        if (complete >= clients || (waitedMs >= timeoutMs && complete >= quorum)) {
            return Decision.CLOSE;
        }
        return Decision.WAIT;
    }

    /** At a deadline ({@link #nextDeadline}). */
    public Decision onDeadline(int complete, long waitedMs) {
        if (complete >= quorum && waitedMs >= timeoutMs) {
            return Decision.CLOSE;
        }
        return waitedMs >= maxWaitMs ? Decision.FAIL : Decision.WAIT;
    }

    /** The next time to look again, for a round whose first update came at {@code startMs}. */
    public long nextDeadline(long startMs, long nowMs) {
        long timeout = startMs + timeoutMs;
        return nowMs < timeout ? timeout : startMs + maxWaitMs;
    }
}
