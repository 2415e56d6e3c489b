package io.byzflink.p2p;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** How decentralized nodes exchange models each round (config key {@code p2p.protocol}). */
public enum Protocol {
    /**
     * Every node pushes its whole trained model to every neighbour and aggregates what it
     * receives, with its own model, using the configured robust rule.
     */
    GOSSIP,
    /** MPLS paper baseline: pull every layer from every neighbour, average with equal weights. */
    APPG,
    /**
     * NetMax (Zhou et al., ICDE 2021): pull the whole model of one neighbour, chosen with
     * probability proportional to its estimated link speed, and average pairwise.
     */
    NETMAX,
    /**
     * MPLS (Euro-Par 2025): pull only the layers whose peer and layer scores clear the per-layer
     * threshold, planned by list scheduling over the estimated link speeds.
     */
    MPLS;

    public static final List<String> NAMES = Arrays.stream(values()).map(p -> p.name().toLowerCase(Locale.ROOT)).toList();

    /** True for the protocols that ask for layers (SCORES, PULL, replies) instead of pushing models. */
    public boolean pulls() {
        return this != GOSSIP;
    }

    public static Protocol parse(String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown protocol '" + name + "'; use one of " + NAMES);
        }
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
