package io.byzflink.operators;

import io.byzflink.serde.TensorCodec;
import io.byzflink.serde.avro.TensorChunk;

/**
 * The round gate's decision, sent to every chunk window of a round: a chunk-shaped marker (the
 * chunk's own layer, index and offset, so it is keyed to its window) from sender {@link #SENDER},
 * whose values are the participants' ids. It only travels inside the job: the validators refuse
 * negative senders from outside, so no client can forge one.
 */
public final class RoundClose {

    /** Sender id of a marker. */
    public static final int SENDER = -2;

    private RoundClose() {}

    /** A marker for the window of {@code like}'s chunk naming {@code participants} (sorted ascending). */
    public static TensorChunk marker(TensorChunk like, int[] participants) {
        float[] ids = new float[participants.length];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = participants[i]; // ids below 2^24 are exact in float32
        }
        return TensorChunk.newBuilder(like).setSender(SENDER).setValues(TensorCodec.encode(ids)).setSignature(null).build();
    }

    public static boolean isMarker(TensorChunk chunk) {
        return chunk.getSender() == SENDER;
    }

    static int[] participants(TensorChunk marker) {
        float[] ids = TensorCodec.decode(marker.getValues());
        int[] out = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            out[i] = (int) ids[i];
        }
        return out;
    }
}
