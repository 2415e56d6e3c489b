package io.byzflink.operators;

/**
 * A small fact about one round that an operator reports to the {@link RoundTracker} beside the
 * data path (a side output): how long a worker trained, how long a chunk took to aggregate.
 * A Flink POJO (public fields, no-arg constructor) so it serializes without Kryo.
 */
public class RoundStat {

    /** What the figure measures. */
    public enum Kind { TRAIN, AGGREGATE, SOLVE, UPDATE, GATE }

    public Kind kind;
    public long round;
    /** Worker id for TRAIN, global chunk id for AGGREGATE and UPDATE. */
    public int source;
    public long nanos;
    /** Mean training loss (TRAIN only). */
    public double loss;
    /** Samples seen (TRAIN), senders accepted (AGGREGATE) or participants the gate named (GATE). */
    public long count;
    /** Senders refused for this chunk (AGGREGATE): duplicates and late chunks. */
    public long refused;
    /** When the model version this round started from was published (TRAIN), epoch ms. */
    public long modelCreatedAtMs;
    /** Wall-clock start and end of the work (TRAIN), epoch ms: the training phase is their span. */
    public long startedAtMs;
    public long endedAtMs;
    /**
     * Simulation only (AGGREGATE): the part of this chunk's aggregate that came from Byzantine
     * senders, summed over its coordinates; divided by the model dimension over all chunks it is
     * the share of the aggregate's weight the Byzantine workers got.
     */
    public double byzantineMass;
    /** Coordinates of the chunk (AGGREGATE), the denominator of {@link #byzantineMass}. */
    public long coordinates;
    /** GATE: the round failed (no quorum in time); {@link #count} is then 0. */
    public boolean failed;

    public RoundStat() {}

    public static RoundStat of(Kind kind, long round, int source, long nanos) {
        RoundStat s = new RoundStat();
        s.kind = kind;
        s.round = round;
        s.source = source;
        s.nanos = nanos;
        return s;
    }

    @Override
    public String toString() {
        return kind + "[round=" + round + ", source=" + source + ", ms=" + nanos / 1e6 + ", count=" + count + "]";
    }
}
