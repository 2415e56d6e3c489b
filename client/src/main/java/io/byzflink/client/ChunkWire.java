package io.byzflink.client;

import io.byzflink.serde.avro.TensorChunk;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;

/**
 * {@link TensorChunk} to and from Kafka record bytes: Avro single-object encoding ({@code C3 01},
 * the 8-byte CRC-64-AVRO fingerprint of the schema, the binary record).
 *
 * <p>The bytes are those of {@code AvroEventSchema.of(TensorChunk.class)} (same schema, same
 * encoder; {@code ChunkWireTest} checks byte equality). Why not call {@code AvroEventSchema}
 * itself: it implements Flink's {@code SerializationSchema}, so loading it needs flink-core, and
 * this client library has no Flink on its class path.
 */
public final class ChunkWire {

    private ChunkWire() {}

    /** The single-object encoding of {@code chunk}. */
    public static byte[] encode(TensorChunk chunk) {
        try {
            ByteBuffer buffer = TensorChunk.getEncoder().encode(chunk);
            byte[] out = new byte[buffer.remaining()];
            buffer.get(out);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode TensorChunk", e);
        }
    }

    /**
     * Decodes single-object encoded bytes.
     *
     * @throws IOException when the bytes are not a single-object encoded {@code TensorChunk}
     *     (bad header, unknown schema fingerprint, truncated or corrupt body)
     */
    public static TensorChunk decode(byte[] bytes) throws IOException {
        try {
            return TensorChunk.getDecoder().decode(bytes);
        } catch (IOException e) {
            throw e;
        } catch (RuntimeException e) {
            // Avro reports some corrupt bodies as runtime exceptions (e.g. negative lengths).
            throw new IOException("corrupt TensorChunk: " + e, e);
        }
    }
}
