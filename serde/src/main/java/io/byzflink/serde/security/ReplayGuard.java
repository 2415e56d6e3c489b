package io.byzflink.serde.security;

import io.byzflink.serde.avro.TensorChunk;

import java.io.Serializable;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Refuses a chunk whose identity (sender, round, layerIndex, chunkIndex) was already accepted:
 * a signature proves who made a chunk, not that it is new, so a captured signed chunk could
 * otherwise be replayed, and a Byzantine sender could send two versions of one chunk.
 *
 * <p>For each accepted identity the guard keeps an 8-byte digest of the content (the first 8
 * bytes of the signature when signed, else of SHA-256 over {@link ChunkSigner#canonicalBytes})
 * to tell a harmless redelivery ({@link ReplayVerdict#DUPLICATE}) from equivocation
 * ({@link ReplayVerdict#CONFLICT}). Eight bytes suffice: the identity alone decides acceptance;
 * the digest only labels the refusal.
 *
 * <p>Bounded memory: only rounds in {@code [floor, floor + roundWindow)} are tracked, at most
 * {@code maxChunksPerRound} identities each, so the guard never holds more than
 * {@code roundWindow * maxChunksPerRound} entries (about 100 bytes each on a 64-bit JVM) whatever
 * senders send. The owner advances the floor with {@link #forgetBefore(long)} as rounds close;
 * chunks of forgotten rounds are then {@link ReplayVerdict#STALE} (refused, because the guard can
 * no longer recognise them), which is also what keeps replays of old rounds out. Choose
 * {@code maxChunksPerRound} at least (number of clients) x (chunks per tensor set).
 *
 * <p>Check chunks here only after {@link ClientRegistry#verify} accepted them: the digest of a
 * signed chunk is taken from its signature, which is only meaningful once verified. Call
 * {@link #forgetBefore(long)} with the first open round at start-up; otherwise the first chunk's
 * round becomes the floor.
 *
 * <p>Pure and {@link Serializable} (e.g. Flink operator state); not thread-safe.
 */
public final class ReplayGuard implements Serializable {

    private static final long serialVersionUID = 1L;

    /** The part of a chunk that must be unique. */
    private record Identity(int sender, int layerIndex, int chunkIndex) implements Serializable {}

    private final int roundWindow;
    private final int maxChunksPerRound;
    private final TreeMap<Long, HashMap<Identity, Long>> rounds = new TreeMap<>();
    private long floor = Long.MIN_VALUE;
    private long size;

    /**
     * @param roundWindow how many rounds from the floor on are tracked (at least 1)
     * @param maxChunksPerRound identities remembered per round (at least 1)
     */
    public ReplayGuard(int roundWindow, int maxChunksPerRound) {
        if (roundWindow < 1) {
            throw new IllegalArgumentException("roundWindow must be at least 1, got " + roundWindow);
        }
        if (maxChunksPerRound < 1) {
            throw new IllegalArgumentException("maxChunksPerRound must be at least 1, got " + maxChunksPerRound);
        }
        this.roundWindow = roundWindow;
        this.maxChunksPerRound = maxChunksPerRound;
    }

    /** {@code check(chunk) == FIRST}: true exactly once per identity, and then remembered. */
    public boolean firstTime(TensorChunk chunk) {
        return check(chunk) == ReplayVerdict.FIRST;
    }

    /**
     * Classifies {@code chunk} and remembers it when it is {@link ReplayVerdict#FIRST}. Before the
     * first {@link #forgetBefore} the floor is the first round seen, so the window starts there.
     */
    public ReplayVerdict check(TensorChunk chunk) {
        long round = chunk.getRound();
        if (floor == Long.MIN_VALUE) {
            floor = round;
        }
        if (round < floor) {
            return ReplayVerdict.STALE;
        }
        if (round - floor >= roundWindow) {
            return ReplayVerdict.TOO_FAR_AHEAD;
        }
        Identity id = new Identity(chunk.getSender(), chunk.getLayerIndex(), chunk.getChunkIndex());
        HashMap<Identity, Long> seen = rounds.get(round);
        Long digest = seen == null ? null : seen.get(id);
        if (digest != null) {
            return digest == digest(chunk) ? ReplayVerdict.DUPLICATE : ReplayVerdict.CONFLICT;
        }
        if (seen != null && seen.size() >= maxChunksPerRound) {
            return ReplayVerdict.ROUND_FULL;
        }
        if (seen == null) {
            seen = new HashMap<>();
            rounds.put(round, seen);
        }
        seen.put(id, digest(chunk));
        size++;
        return ReplayVerdict.FIRST;
    }

    /**
     * Forgets every round below {@code round} and refuses them from now on; the window moves up
     * to {@code [round, round + roundWindow)}. A lower value than the current floor is ignored (the
     * floor never goes back, or forgotten rounds could be replayed).
     */
    public void forgetBefore(long round) {
        if (floor != Long.MIN_VALUE && round <= floor) {
            return;
        }
        floor = round;
        Map<Long, HashMap<Identity, Long>> old = rounds.headMap(round, false);
        for (HashMap<Identity, Long> seen : old.values()) {
            size -= seen.size();
        }
        old.clear();
    }

    /** Lowest round still accepted ({@link Long#MIN_VALUE} before the first chunk or forget). */
    public long floor() {
        return floor;
    }

    /** Identities remembered over all rounds. */
    public long size() {
        return size;
    }

    /** Rounds with at least one remembered identity. */
    public int trackedRounds() {
        return rounds.size();
    }

    private static long digest(TensorChunk chunk) {
        ByteBuffer signature = chunk.getSignature();
        if (signature != null && signature.remaining() >= Long.BYTES) {
            return signature.duplicate().getLong();
        }
        try {
            byte[] sha = MessageDigest.getInstance("SHA-256").digest(ChunkSigner.canonicalBytes(chunk));
            return ByteBuffer.wrap(sha).getLong();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 not available in this JRE", e);
        }
    }
}
