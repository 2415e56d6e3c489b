package io.byzflink.serde.security;

/** Outcome of checking a chunk's signature against the {@link ClientRegistry}. */
public enum Verdict {
    /** The sender is registered and the signature matches its key. */
    OK,
    /** No key is registered for the chunk's {@code sender}. */
    UNKNOWN_SENDER,
    /** The sender is registered but the chunk carries no signature. */
    UNSIGNED,
    /** The signature does not match the content under the sender's key (forged or altered). */
    BAD_SIGNATURE;

    /** Whether the chunk may be used. */
    public boolean accepted() {
        return this == OK;
    }
}
