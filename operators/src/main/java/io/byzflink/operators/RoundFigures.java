package io.byzflink.operators;

/**
 * The running totals of one round that the {@link RoundTracker} builds from {@link RoundStat}s.
 * A Flink POJO kept in keyed state.
 */
public class RoundFigures {

    public long modelCreatedAtMs = Long.MAX_VALUE;
    public long trainStartMs = Long.MAX_VALUE;
    public long trainEndMs;
    public double lossSum;
    public int workersTrained;
    public long aggregateNanos;
    public long updateNanos;
    public long accepted = Long.MAX_VALUE;
    public long refused;
    public double byzantineMass;
    public long coordinates;
    /** The aggregation service's gate failed the round (no quorum in time). */
    public boolean failed;

    public RoundFigures() {}

    /** Folds one stat in. */
    public void add(RoundStat s) {
        switch (s.kind) {
            case TRAIN -> {
                modelCreatedAtMs = Math.min(modelCreatedAtMs, s.modelCreatedAtMs);
                trainStartMs = Math.min(trainStartMs, s.startedAtMs);
                trainEndMs = Math.max(trainEndMs, s.endedAtMs);
                lossSum += s.loss;
                workersTrained++;
            }
            case AGGREGATE -> {
                aggregateNanos += s.nanos;
                accepted = Math.min(accepted, s.count);
                refused += s.refused;
                byzantineMass += s.byzantineMass;
                coordinates += s.coordinates;
            }
            case SOLVE -> aggregateNanos += s.nanos;
            case UPDATE -> updateNanos += s.nanos;
            case GATE -> {
                failed |= s.failed;
                accepted = Math.min(accepted, s.count);
            }
        }
    }

    /**
     * Wall-clock span of the training phase, first worker's start to last worker's end: workers
     * share subtasks (and one JVM-wide training lock), so the phase lasts longer than any one of them.
     */
    public long trainSpanMs() {
        return trainStartMs == Long.MAX_VALUE ? 0 : trainEndMs - trainStartMs;
    }

    /** Share of the aggregate's weight that came from Byzantine senders, or null when not measured. */
    public Double byzantineShare() {
        return coordinates == 0 ? null : byzantineMass / coordinates;
    }

    public Double meanTrainLoss() {
        return workersTrained == 0 ? null : lossSum / workersTrained;
    }

    public int acceptedSenders() {
        return accepted == Long.MAX_VALUE ? 0 : (int) accepted;
    }
}
