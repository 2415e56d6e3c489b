package io.byzflink.p2p;

import io.byzflink.decentralized.ConsensusDistance;

import java.io.Serializable;

/** The honest nodes' reports of one round, folded as they arrive (the tracker's keyed state). */
final class HonestRound implements Serializable {

    private static final long serialVersionUID = 1L;

    int reports;
    int evaluated;
    double accuracySum;
    double minAccuracy = Double.POSITIVE_INFINITY;
    double lossSum;
    double trainLossSum;
    int trainLosses;
    long bytes;
    int missing;
    int late;
    int received;
    int pulls;
    long maxRoundMs;
    long maxTrainMs;
    long maxAggregateMs;
    long maxEvalMs;
    long firstStartMs = Long.MAX_VALUE;
    final ConsensusDistance consensus = new ConsensusDistance();

    void add(NodeReport r) {
        reports++;
        if (!Double.isNaN(r.accuracy)) {
            evaluated++;
            accuracySum += r.accuracy;
            minAccuracy = Math.min(minAccuracy, r.accuracy);
            lossSum += r.loss;
        }
        if (Double.isFinite(r.trainLoss)) {
            trainLossSum += r.trainLoss;
            trainLosses++;
        }
        bytes += r.bytesExchanged;
        missing += r.missing;
        late += r.late;
        received += r.received;
        pulls += r.pulls;
        maxRoundMs = Math.max(maxRoundMs, r.roundMs);
        maxTrainMs = Math.max(maxTrainMs, r.trainMs);
        maxAggregateMs = Math.max(maxAggregateMs, r.aggregateMs);
        maxEvalMs = Math.max(maxEvalMs, r.evalMs);
        firstStartMs = Math.min(firstStartMs, r.startedAtMs);
        consensus.add(r.model);
    }

    Double meanAccuracy() {
        return evaluated == 0 ? null : accuracySum / evaluated;
    }

    Double meanLoss() {
        return evaluated == 0 ? null : lossSum / evaluated;
    }

    Double meanTrainLoss() {
        return trainLosses == 0 ? null : trainLossSum / trainLosses;
    }
}
