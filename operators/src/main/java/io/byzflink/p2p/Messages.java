package io.byzflink.p2p;

import io.byzflink.serde.TensorCodec;
import io.byzflink.serde.TensorCodec.ChunkHeader;
import io.byzflink.serde.TensorLayout;
import io.byzflink.serde.avro.TensorChunk;
import io.byzflink.serde.avro.TensorKind;

import java.util.ArrayList;
import java.util.List;

/**
 * The node-to-node messages on the exchange topic, all {@link TensorChunk}s keyed by destination:
 * MODEL chunks carry a model or pulled layers; SCORES carries one float per layer (MPLS's layer
 * change since the receiver last pulled, empty for the other protocols); PULL lists the layer
 * indices the sender asks for (empty: nothing this round, which also tells the receiver it may
 * drop its snapshot of that round).
 */
final class Messages {

    static final String SCORES_LAYER = "scores";
    static final String PULL_LAYER = "pull";

    private Messages() {}

    /** The chunks of {@code layers} (all when {@code only} is null) from {@code sender} to {@code destination}. */
    static List<TensorChunk> model(PeerSettings s, TensorLayout layout, long round, int sender, int destination,
            float[][] layers, int[] only) {
        ChunkHeader header = header(s, round, sender, destination, TensorKind.MODEL);
        List<TensorChunk> out = new ArrayList<>();
        if (only == null) {
            return TensorCodec.splitAll(header, layout, layers, s.job().chunkSize());
        }
        for (int l : only) {
            out.addAll(TensorCodec.split(header, layout.name(l), l, layout.layerCount(), layout.shape(l), layers[l],
                    s.job().chunkSize()));
        }
        return out;
    }

    static TensorChunk scores(PeerSettings s, TensorLayout layout, long round, int sender, int destination, float[] values) {
        return control(s, layout, round, sender, destination, TensorKind.SCORES, SCORES_LAYER, values);
    }

    static TensorChunk pull(PeerSettings s, TensorLayout layout, long round, int sender, int destination, int[] layers) {
        float[] values = new float[layers.length];
        for (int i = 0; i < layers.length; i++) {
            values[i] = layers[i]; // layer indices are small integers, exact in float32
        }
        return control(s, layout, round, sender, destination, TensorKind.PULL, PULL_LAYER, values);
    }

    /** The layer indices of a PULL message. */
    static int[] pulledLayers(TensorChunk pull) {
        float[] values = TensorCodec.decode(pull.getValues());
        int[] layers = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            layers[i] = (int) values[i];
        }
        return layers;
    }

    private static TensorChunk control(PeerSettings s, TensorLayout layout, long round, int sender, int destination,
            TensorKind kind, String name, float[] values) {
        return TensorCodec.split(header(s, round, sender, destination, kind), name, 0, layout.layerCount(),
                List.of(values.length), values, Math.max(1, values.length)).get(0);
    }

    private static ChunkHeader header(PeerSettings s, long round, int sender, int destination, TensorKind kind) {
        return new ChunkHeader(s.job().experiment(), round, sender, destination, kind, 1.0, System.currentTimeMillis());
    }
}
