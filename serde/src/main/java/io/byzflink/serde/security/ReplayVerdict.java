package io.byzflink.serde.security;

/** What a {@link ReplayGuard} says about a chunk; only {@link #FIRST} may be used. */
public enum ReplayVerdict {
    /** First chunk with this (sender, round, layerIndex, chunkIndex); now remembered. */
    FIRST,
    /** Same identity and same content as an accepted chunk: a redelivery (Kafka is at least once) or a replay. */
    DUPLICATE,
    /**
     * Same identity as an accepted chunk but different content: the sender equivocates (sends two
     * versions of one piece of its update), which an honest client never does.
     */
    CONFLICT,
    /** The chunk's round is below the guard's floor: forgotten, so it cannot be told apart from a replay. */
    STALE,
    /** The chunk's round is at or beyond floor + window: refused so that no sender can make the guard grow without bound. */
    TOO_FAR_AHEAD,
    /** The chunk's round already holds the maximum number of identities. */
    ROUND_FULL;

    /** Whether the chunk may be used. */
    public boolean accepted() {
        return this == FIRST;
    }
}
