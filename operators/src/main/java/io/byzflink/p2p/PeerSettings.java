package io.byzflink.p2p;

import io.byzflink.decentralized.Topology;
import io.byzflink.operators.JobSettings;
import io.byzflink.robust.AggregationPlan;

import java.io.Serializable;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * What the decentralized operators need on top of {@link JobSettings}: the graph, the exchange
 * protocol, the round timeout and the Byzantine behaviour. Node ids are 0..n-1 with n = honest +
 * byzantine; as in the parameter server, ids {@code honest..n-1} are the Byzantine ones and the
 * training data is split among the honest nodes.
 *
 * @param nodePlan the robust aggregation a node runs on {@code [own model, neighbours' models...]}
 *     (its input 0 is the node itself, so MoNNA pivots on it)
 * @param sharedInit every node starts from the model of {@code seed}; else node i from its own seed
 * @param timeoutMs how long a node waits for its neighbours in one phase of a round before it
 *     goes on with what arrived (missing neighbours are counted)
 * @param dissensus Byzantine nodes send each neighbour its own lie (see {@link ByzantineNode})
 * @param dissensusScale epsilon of the dissensus lie
 * @param linkSpeedLow lower end of the simulated link speeds in MB/s, NaN when links are not simulated
 * @param linkSpeedHigh upper end of the simulated link speeds in MB/s
 * @param robustCopies with a robust {@code nodePlan}, the pull protocols pull every layer from at
 *     least this many peers (0: twice the fewest the rule accepts; see {@link PullPlanner})
 */
public record PeerSettings(
        JobSettings job,
        Topology topology,
        Protocol protocol,
        AggregationPlan nodePlan,
        boolean sharedInit,
        long timeoutMs,
        double tau1,
        double tau2,
        boolean dissensus,
        double dissensusScale,
        double linkSpeedLow,
        double linkSpeedHigh,
        int robustCopies)
        implements Serializable {

    /** The seed of node {@code node}'s initial model. */
    public long initSeed(int node) {
        return sharedInit ? job.seed() : job.seed() * 1_000_003L + 7919L * (node + 1);
    }

    public int nodes() {
        return topology.size();
    }

    public boolean isByzantine(int node) {
        return job.isByzantine(node);
    }

    public int[] neighbours(int node) {
        return topology.neighbours(node);
    }

    /** The neighbours of {@code node} that are honest. */
    public int[] honestNeighbours(int node) {
        return Arrays.stream(topology.neighbours(node)).filter(j -> !isByzantine(j)).toArray();
    }

    public boolean linksSimulated() {
        return !Double.isNaN(linkSpeedLow);
    }

    /**
     * Speed of the simulated link a-b in bytes per millisecond (1 MB/s = 1,000 bytes/ms), drawn
     * once per link from [low, high] with the experiment's seed, the same in both directions.
     */
    public double linkBytesPerMs(int a, int b) {
        long edge = (long) Math.min(a, b) * nodes() + Math.max(a, b);
        double u = new SplittableRandom(job.seed() * 0x9E3779B97F4A7C15L + edge).nextDouble();
        return (linkSpeedLow + u * (linkSpeedHigh - linkSpeedLow)) * 1_000.0;
    }

    /** The time {@code bytes} take on the simulated link a-b, 0 when links are not simulated. */
    public double simulatedMs(int a, int b, long bytes) {
        return linksSimulated() ? bytes / linkBytesPerMs(a, b) : 0.0;
    }

    /** Label for reports, e.g. {@code "gossip ring(2): trimmed-mean (f=1)"}. */
    public String describe() {
        return protocol.label() + " " + topology.describe() + (protocol == Protocol.GOSSIP ? ": " + nodePlan.describe() : "");
    }
}
