package io.byzflink.p2p;

/**
 * What one honest node reports after a round (a Flink POJO): its test figures when evaluated,
 * its traffic and its model after the round, from which the tracker computes the consensus
 * distance of the honest nodes.
 */
public class NodeReport {
    public long round;
    public int node;
    /** Test accuracy of the node's model after the round, NaN when not evaluated. */
    public double accuracy = Double.NaN;
    public double loss = Double.NaN;
    public double trainLoss = Double.NaN;
    public long trainMs;
    public long evalMs;
    public long aggregateMs;
    /** Start of the node's local training to the end of its round. */
    public long roundMs;
    public long startedAtMs;
    /**
     * Payload bytes (tensor values, scores, pull lists) of this round's exchange that the node
     * accounts for: what it pushed (gossip models, scores, pull lists) and, in the pull protocols,
     * the layers it pulled that arrived within the round. A pulled layer is counted by its puller,
     * not its server, because a server may answer after it has closed that round (a slower
     * neighbour's pull) or after its last round. Summed over the nodes, each message of the round
     * is counted once; duplicates (redelivery) and replies that miss their round are not. Layers
     * served to a Byzantine puller (which reports nothing) are counted by their honest server.
     */
    public long bytesExchanged;
    /** Neighbours whose message did not arrive before the timeout. */
    public int missing;
    /** Messages of rounds the node had already closed, dropped. */
    public int late;
    /** Inputs the node aggregated or merged besides its own model. */
    public int received;
    /** Layer pulls the node planned this round (pull protocols). */
    public int pulls;
    /** The model after the round, flattened. */
    public float[] model;

    public NodeReport() {}
}
