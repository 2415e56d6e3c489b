package io.byzflink.operators;

import io.byzflink.serde.avro.TensorChunk;

import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;

import java.time.Duration;
import java.util.Arrays;

/**
 * The keyed state of one chunk's round window (key = {@link ChunkIds#roundChunkKey}), shared by
 * every aggregation phase that collects a chunk from all senders: the rows by sender, the
 * reference chunk (previous aggregate) when the plan needs one, duplicates counted, and a closed
 * flag so a late copy can never reopen a window that already produced its result.
 *
 * <p>A window is complete when every expected sender's row is in (simulation: the senders are
 * known and all send), or, when {@code gated}, when a {@link RoundClose} marker has named the
 * round's participants and their rows are in: the round gate decides once per round who takes
 * part, so every chunk of the round aggregates the same senders.
 */
final class ChunkWindow {

    /** What happened to an offered row. */
    enum Offer { ADDED, DUPLICATE, LATE }

    /** How long a closed window remembers it is closed (late copies within it count as late). */
    static final Duration CLOSED_FLAG_TTL = Duration.ofHours(1);

    private final int expectedSenders;
    private final boolean gated;
    private final ValueState<int[]> participants;
    private final MapState<Integer, TensorChunk> rows;
    private final ValueState<Integer> count;
    private final ValueState<Integer> duplicatesInWindow;
    private final ValueState<TensorChunk> reference;
    private final ValueState<Boolean> closed;
    private final Counter duplicates;
    private final Counter late;
    private final Counter accepted;

    ChunkWindow(RuntimeContext context, int expectedSenders) {
        this(context, expectedSenders, false);
    }

    ChunkWindow(RuntimeContext context, int expectedSenders, boolean gated) {
        this.expectedSenders = expectedSenders;
        this.gated = gated;
        participants = context.getState(new ValueStateDescriptor<>("participants", TypeInformation.of(int[].class)));
        rows = context.getMapState(new MapStateDescriptor<>("rows", Types.INT, TypeInformation.of(TensorChunk.class)));
        count = context.getState(new ValueStateDescriptor<>("count", Types.INT));
        duplicatesInWindow = context.getState(new ValueStateDescriptor<>("duplicates", Types.INT));
        reference = context.getState(new ValueStateDescriptor<>("reference", TypeInformation.of(TensorChunk.class)));
        ValueStateDescriptor<Boolean> closedFlag = new ValueStateDescriptor<>("closed", Types.BOOLEAN);
        // The flag only has to outlive Kafka's redeliveries of the round; without a TTL one flag
        // per (round, chunk) would stay in state forever.
        closedFlag.enableTimeToLive(StateTtlConfig.newBuilder(CLOSED_FLAG_TTL).build());
        closed = context.getState(closedFlag);
        duplicates = context.getMetricGroup().counter("duplicateChunks");
        late = context.getMetricGroup().counter("lateChunks");
        accepted = context.getMetricGroup().counter("acceptedChunks");
    }

    Offer offer(TensorChunk chunk) throws Exception {
        if (Boolean.TRUE.equals(closed.value())) {
            if (!RoundClose.isMarker(chunk)) {
                late.inc();
            }
            return Offer.LATE;
        }
        if (RoundClose.isMarker(chunk)) {
            return acceptParticipants(RoundClose.participants(chunk));
        }
        int[] named = participants.value();
        if (named != null && Arrays.binarySearch(named, chunk.getSender()) < 0) {
            late.inc(); // a sender the gate left out of this round (incomplete at its deadline)
            return Offer.LATE;
        }
        if (rows.contains(chunk.getSender())) {
            duplicates.inc();
            duplicatesInWindow.update(duplicatesInWindow.value() == null ? 1 : duplicatesInWindow.value() + 1);
            return Offer.DUPLICATE;
        }
        rows.put(chunk.getSender(), chunk);
        count.update(count.value() == null ? 1 : count.value() + 1);
        accepted.inc();
        return Offer.ADDED;
    }

    /** The gate named the round's participants (sorted): rows of anybody else leave the window. */
    private Offer acceptParticipants(int[] named) throws Exception {
        participants.update(named);
        int kept = 0;
        java.util.List<Integer> senders = new java.util.ArrayList<>();
        rows.keys().forEach(senders::add);
        for (Integer sender : senders) {
            if (Arrays.binarySearch(named, sender) < 0) {
                rows.remove(sender);
                late.inc();
            } else {
                kept++;
            }
        }
        count.update(kept);
        return Offer.ADDED;
    }

    void setReference(TensorChunk chunk) throws Exception {
        reference.update(chunk);
    }

    /** The previous aggregate's chunk, or null (none yet, or not needed). */
    TensorChunk reference() throws Exception {
        return reference.value();
    }

    boolean rowsComplete() throws Exception {
        if (gated) {
            int[] named = participants.value();
            return named != null && named.length > 0 && count.value() != null && count.value() == named.length;
        }
        return count.value() != null && count.value() == expectedSenders;
    }

    /** Rows in the window (the expected senders, or the gate's participants, once complete). */
    int rowCount() throws Exception {
        return count.value() == null ? 0 : count.value();
    }

    boolean isClosed() throws Exception {
        return Boolean.TRUE.equals(closed.value());
    }

    RoundRows rows() throws Exception {
        return RoundRows.of(rows.values());
    }

    /** Any one row: carries the chunk's layer, offset and round. */
    TensorChunk anyRow() throws Exception {
        return rows.values().iterator().next();
    }

    int duplicatesSeen() throws Exception {
        return duplicatesInWindow.value() == null ? 0 : duplicatesInWindow.value();
    }

    /** Drops the rows and marks the window done; later copies count as late. */
    void close() throws Exception {
        rows.clear();
        count.clear();
        duplicatesInWindow.clear();
        reference.clear();
        participants.clear();
        closed.update(true);
    }
}
