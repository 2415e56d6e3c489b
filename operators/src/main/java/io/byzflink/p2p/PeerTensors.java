package io.byzflink.p2p;

import io.byzflink.serde.TensorCodec;
import io.byzflink.serde.avro.TensorChunk;

import java.io.Serializable;
import java.util.HashSet;
import java.util.Set;

/**
 * The layers one neighbour sent a node for one round, filled chunk by chunk: the whole model
 * (gossip) or only the pulled layers. Duplicated chunks (Kafka redelivery) are ignored.
 */
final class PeerTensors implements Serializable {

    private static final long serialVersionUID = 1L;

    private final float[][] layers;
    private final int[] chunksIn;
    private final Set<Long> seen = new HashSet<>();
    private final int chunkSize;
    private int completeLayers;
    private long bytes;
    private long firstSentAtMs = Long.MAX_VALUE;

    PeerTensors(int layerCount, int chunkSize) {
        this.layers = new float[layerCount][];
        this.chunksIn = new int[layerCount];
        this.chunkSize = chunkSize;
    }

    /**
     * Adds one chunk (already validated against the layout); returns the index of the layer this
     * chunk completed, -1 when none or when it is a duplicate.
     */
    int add(TensorChunk c) {
        int layer = c.getLayerIndex();
        if (!seen.add(((long) layer << 32) | c.getChunkIndex())) {
            return -1;
        }
        if (layers[layer] == null) {
            layers[layer] = new float[c.getLayerLength()];
        }
        TensorCodec.decode(c.getValues(), layers[layer], c.getOffset());
        bytes += c.getValues().remaining();
        firstSentAtMs = Math.min(firstSentAtMs, c.getCreatedAtMs());
        if (++chunksIn[layer] == TensorCodec.chunkCount(c.getLayerLength(), chunkSize)) {
            completeLayers++;
            return layer;
        }
        return -1;
    }

    boolean hasLayer(int layer) {
        return layers[layer] != null && chunksIn[layer] == TensorCodec.chunkCount(layers[layer].length, chunkSize);
    }

    boolean isComplete() {
        return completeLayers == layers.length;
    }

    float[] layer(int layer) {
        return layers[layer];
    }

    float[][] layers() {
        return layers;
    }

    long bytes() {
        return bytes;
    }

    /** When the sender made the earliest chunk received (its clock, epoch ms). */
    long firstSentAtMs() {
        return firstSentAtMs;
    }
}
