package io.byzflink.p2p;

import io.byzflink.decentralized.BandwidthEstimator;

import java.io.Serializable;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Everything one node keeps between events, in Flink keyed state (checkpointed with the job):
 * its model and momentum, the round it is in, what its neighbours sent for this and later
 * rounds, and, for the pull protocols, the snapshots it serves and its link estimates.
 */
final class NodeState implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Where a node is within its round. */
    enum Phase { WAIT_MODELS, WAIT_HONEST, WAIT_SCORES, WAIT_LAYERS, DONE }

    long round = -1;
    Phase phase;
    /** Processing time at which the current phase gives up waiting; a timer for another time is stale. */
    long deadline;
    long roundStartedAt;

    /** w_i^r: the model the node trains from in {@code round}. */
    float[][] model;
    float[][] velocity;
    /** The model after local training in {@code round} (what the node shares). */
    float[][] trained;

    double trainLoss = Double.NaN;
    long trainMs;
    /** Payload bytes of the current round's exchange this node accounts for ({@link NodeReport#bytesExchanged}). */
    long bytesExchanged;
    int late;

    /** round -> sender -> tensors received (models, pulled layers). */
    final TreeMap<Long, Map<Integer, PeerTensors>> inbox = new TreeMap<>();
    /** round -> sender -> per-layer change scores (pull protocols). */
    final TreeMap<Long, Map<Integer, float[]>> scores = new TreeMap<>();

    // ---- pull protocols: serving side
    /** round -> the node's trained model of that round, kept until every neighbour has asked. */
    final TreeMap<Long, float[][]> snapshots = new TreeMap<>();
    /** round -> neighbours whose pull list for that round arrived. */
    final Map<Long, Set<Integer>> askedBy = new HashMap<>();
    /** round -> requester -> layers, for rounds the node has not trained yet. */
    final TreeMap<Long, Map<Integer, int[]>> pendingPulls = new TreeMap<>();
    /** requester -> the layers as that requester last pulled them (MPLS scores are changes since then). */
    final Map<Integer, float[][]> lastServed = new HashMap<>();

    // ---- pull protocols: asking side
    BandwidthEstimator bandwidth;
    /** neighbour -> MPLS label-distribution divergence to it (shards do not change: computed once). */
    final Map<Integer, Double> divergence = new HashMap<>();
    /** For each neighbour (by position in the neighbour list) the layers asked this round. */
    int[][] plan;
    /** (neighbour position, layer) pairs whose bandwidth sample is recorded, as pos * layers + layer. */
    final Set<Integer> measured = new HashSet<>();
}
