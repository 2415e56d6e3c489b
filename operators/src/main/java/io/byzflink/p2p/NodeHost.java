package io.byzflink.p2p;

import io.byzflink.serde.avro.TensorChunk;
import io.byzflink.training.Evaluation;
import io.byzflink.training.TrainResult;

/**
 * What a node's logic ({@link PeerNodeLogic}) asks of the operator that hosts it: DJL training and
 * evaluation, sending, reporting and timers. Keeps the protocol free of Flink, so it is tested
 * directly.
 */
interface NodeHost {

    /** Trains {@code params} in place on the node's shard; {@code velocity} is its momentum. */
    TrainResult train(int node, long round, float[][] params, float[][] velocity);

    /** Evaluates {@code params} on the test set, or null when this round is not evaluated. */
    Evaluation evaluate(long round, float[][] params);

    /** Label counts of a node's training shard (MPLS's label-distribution divergence). */
    long[] labelCounts(int node);

    void send(TensorChunk chunk);

    void report(NodeReport report);

    /** Asks for {@link PeerNodeLogic#onTimeout} at {@code deadlineMs} (processing time). */
    void wakeAt(long deadlineMs);

    long now();
}
