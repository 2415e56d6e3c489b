/**
 * The math of decentralized learning, free of Flink: communication graphs ({@link
 * io.byzflink.decentralized.Topology}, {@link io.byzflink.decentralized.Topologies} for the
 * {@code topology} config key), MPLS peer and layer selection ({@link
 * io.byzflink.decentralized.MplsPlanner} with {@link io.byzflink.decentralized.LabelDivergence},
 * {@link io.byzflink.decentralized.BandwidthEstimator}, {@link io.byzflink.decentralized.PullPlan}
 * and {@link io.byzflink.decentralized.LayerMerge}), the NetMax baseline ({@link
 * io.byzflink.decentralized.NetMaxPeerChooser}) and the consensus distance of a round ({@link
 * io.byzflink.decentralized.ConsensusDistance}).
 */
package io.byzflink.decentralized;
