package io.byzflink.service;

import io.byzflink.operators.ChunkValidator;
import io.byzflink.operators.UpdateCheck;
import io.byzflink.serde.avro.RejectReason;
import io.byzflink.serde.avro.TensorChunk;
import io.byzflink.serde.security.ClientRegistry;

/**
 * The aggregation service's door: everything {@link ChunkValidator} checks (experiment, kind,
 * sender id range, round range, layout fit, finite values), then identity and integrity: the
 * sender must be a registered client and the chunk must carry a valid HMAC-SHA256 made with that
 * client's key. A chunk signed with another client's key, or changed in transit, fails here.
 * Replays of a valid chunk are caught later, by the round gate (duplicate or late).
 */
public final class SignedUpdateCheck implements UpdateCheck {

    private static final long serialVersionUID = 1L;

    private final ChunkValidator content;
    private final ClientRegistry clients;

    public SignedUpdateCheck(ChunkValidator content, ClientRegistry clients) {
        this.content = content;
        this.clients = clients;
    }

    @Override
    public UpdateCheck.Verdict check(TensorChunk c) {
        UpdateCheck.Verdict identity = identity(c);
        return identity != null ? identity : content.check(c);
    }

    @Override
    public boolean isWellFormed(TensorChunk c) {
        return identity(c) == null && content.isWellFormed(c);
    }

    private UpdateCheck.Verdict identity(TensorChunk c) {
        io.byzflink.serde.security.Verdict v = clients.verify(c); // (Verdict alone is UpdateCheck's)
        return switch (v) {
            case OK -> null;
            case UNKNOWN_SENDER -> new UpdateCheck.Verdict(RejectReason.UNKNOWN_SENDER,
                    "sender " + c.getSender() + " is not a registered client");
            case UNSIGNED -> new UpdateCheck.Verdict(RejectReason.UNSIGNED, "the chunk carries no signature");
            case BAD_SIGNATURE -> new UpdateCheck.Verdict(RejectReason.BAD_SIGNATURE,
                    "the signature does not match sender " + c.getSender() + "'s key (changed, or signed with another key)");
        };
    }
}
