package io.byzflink.operators;

import io.byzflink.serde.avro.RejectReason;
import io.byzflink.serde.avro.TensorChunk;

import java.io.Serializable;

/**
 * Decides whether a decoded chunk may enter a job's exchange, and if not, why: the rule behind
 * {@link ValidateUpdates}. The parameter server checks updates ({@link ChunkValidator}); the
 * decentralized job checks node-to-node messages ({@code io.byzflink.p2p.ExchangeValidator}).
 */
public interface UpdateCheck extends Serializable {

    /** Why a chunk was refused. */
    record Verdict(RejectReason reason, String detail) {}

    /** Null when the chunk is acceptable, else the reason. */
    Verdict check(TensorChunk c);

    /**
     * True when the chunk passes every check but the finiteness of its values and weight: such a
     * chunk is dead-lettered and still delivered, because robust aggregation excludes non-finite
     * inputs and the round must not wait for a sender whose model diverged.
     */
    boolean isWellFormed(TensorChunk c);
}
