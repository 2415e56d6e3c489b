package io.byzflink.service;

/** What the model topic tells the {@link RoundGate} about one round (see {@link VersionSignals}). */
public enum RoundSignal {
    /** Its model version is published: the round takes updates. */
    OPEN,
    /** The next version is published: the round is over. */
    OVER,
    /** A version at most {@code round.max-ahead} rounds before it is published: its updates may wait at the gate. */
    ADMIT
}
