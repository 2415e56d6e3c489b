package io.byzflink.serde.security;

import io.byzflink.serde.avro.TensorChunk;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.List;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HMAC-SHA256 signatures of {@link TensorChunk}s over a canonical byte encoding that any language
 * can reproduce without an Avro library.
 *
 * <p>Why not sign the Avro bytes: Avro's binary form depends on the writer's schema version and
 * zig-zag varints, and a client that builds records with another library may order or encode
 * defaults differently. The encoding below depends only on field values.
 *
 * <h2>Canonical encoding, version 1</h2>
 *
 * The concatenation of the following items, each written with these primitive rules:
 * <ul>
 *   <li><b>int</b>: 4 bytes, two's complement, big-endian;
 *   <li><b>long</b>: 8 bytes, two's complement, big-endian;
 *   <li><b>double</b>: the 8 bytes of its IEEE-754 binary64 bit pattern, big-endian (raw bits:
 *       NaN payloads are kept, {@code -0.0} differs from {@code 0.0});
 *   <li><b>string</b>: its UTF-8 byte length as an int, then the UTF-8 bytes;
 *   <li><b>enum</b>: its symbol name as a string (e.g. {@code "DELTA"}), so adding symbols to the
 *       schema never changes existing signatures;
 *   <li><b>array of int</b>: the element count as an int, then each element as an int;
 *   <li><b>bytes</b>: the byte length as an int, then the bytes as they are (for {@code values}:
 *       the little-endian float32 payload exactly as sent).
 * </ul>
 * Items, in this order (the schema's field order, without {@code signature}):
 * <ol>
 *   <li>the domain tag {@value #DOMAIN_TAG} as a string (so a chunk signature can never be
 *       replayed as a signature of some other message type made with the same key);
 *   <li>{@code experiment} string, {@code round} long, {@code sender} int, {@code destination} int,
 *       {@code kind} enum, {@code layer} string, {@code layerIndex} int, {@code layerCount} int,
 *       {@code shape} array of int, {@code chunkIndex} int, {@code chunkCount} int, {@code offset}
 *       int, {@code layerLength} int, {@code values} bytes, {@code weight} double,
 *       {@code createdAtMs} long.
 * </ol>
 * The signature is {@code HMAC-SHA256(key, canonicalBytes)}, 32 bytes, stored in the chunk's
 * {@code signature} field. In Python:
 * <pre>{@code
 * import hmac, hashlib, struct
 * def s(x): b = x.encode('utf-8'); return struct.pack('>i', len(b)) + b
 * def canonical(c):
 *     return (s('byzflink-chunk-v1') + s(c.experiment) + struct.pack('>qii', c.round, c.sender, c.destination)
 *         + s(c.kind) + s(c.layer) + struct.pack('>ii', c.layerIndex, c.layerCount)
 *         + struct.pack('>i%di' % len(c.shape), len(c.shape), *c.shape)
 *         + struct.pack('>iiii', c.chunkIndex, c.chunkCount, c.offset, c.layerLength)
 *         + struct.pack('>i', len(c.values)) + c.values + struct.pack('>dq', c.weight, c.createdAtMs))
 * signature = hmac.new(key, canonical(c), hashlib.sha256).digest()
 * }</pre>
 * A new schema field is not covered until the encoding gets a new version and domain tag
 * ({@code ChunkSignerTest} fails when the schema's field list changes, to force that decision).
 *
 * <p>Thread-safe: each thread reuses its own {@link Mac} (signing runs once per chunk, and
 * {@code Mac.getInstance} looks up security providers every time).
 */
public final class ChunkSigner {

    /** Domain-separation tag, the first item of the canonical encoding. */
    public static final String DOMAIN_TAG = "byzflink-chunk-v1";
    /** JCA name of the MAC. */
    public static final String ALGORITHM = "HmacSHA256";
    /** Length of a signature in bytes. */
    public static final int SIGNATURE_BYTES = 32;
    /**
     * The schema fields the encoding covers, in order. Every other field must be
     * {@code signature}: tests compare this list with the schema.
     */
    public static final List<String> SIGNED_FIELDS = List.of(
            "experiment", "round", "sender", "destination", "kind", "layer", "layerIndex",
            "layerCount", "shape", "chunkIndex", "chunkCount", "offset", "layerLength", "values",
            "weight", "createdAtMs");

    private static final ThreadLocal<Mac> MAC = ThreadLocal.withInitial(() -> {
        try {
            return Mac.getInstance(ALGORITHM);
        } catch (GeneralSecurityException e) {
            // Every Java SE runtime must provide HmacSHA256; reaching this means a broken JRE.
            throw new IllegalStateException(ALGORITHM + " not available in this JRE", e);
        }
    });

    private ChunkSigner() {}

    /**
     * The canonical encoding of {@code chunk} (see the class comment); the {@code signature}
     * field is ignored.
     *
     * @throws IllegalArgumentException when a required field is null
     */
    public static byte[] canonicalBytes(TensorChunk chunk) {
        ArraySink sink = new ArraySink(canonicalLength(chunk));
        encode(chunk, sink);
        return sink.bytes;
    }

    /**
     * {@code HMAC-SHA256(key, canonicalBytes(chunk))}, streamed into the MAC without building the
     * canonical byte array.
     *
     * @throws IllegalArgumentException when {@code key} is null or empty or a field is null
     */
    public static byte[] sign(TensorChunk chunk, byte[] key) {
        Mac mac = initMac(key);
        encode(chunk, new MacSink(mac));
        return mac.doFinal();
    }

    /**
     * A copy of {@code chunk} with {@code signature} set to {@link #sign(TensorChunk, byte[])};
     * {@code chunk} itself is not modified.
     */
    public static TensorChunk signed(TensorChunk chunk, byte[] key) {
        byte[] signature = sign(chunk, key);
        return TensorChunk.newBuilder(chunk).setSignature(ByteBuffer.wrap(signature)).build();
    }

    /**
     * Whether {@code chunk} carries a valid signature made with {@code key}. False when the chunk
     * is unsigned. The comparison takes the same time wherever the first differing byte is, so a
     * forger learns nothing from timing.
     */
    public static boolean verify(TensorChunk chunk, byte[] key) {
        ByteBuffer signature = chunk.getSignature();
        if (signature == null) {
            return false;
        }
        byte[] expected = sign(chunk, key);
        return MessageDigest.isEqual(expected, remaining(signature));
    }

    // ---------------------------------------------------------------- encoding

    /** Where encoded bytes go: an array for {@link #canonicalBytes}, the MAC for {@link #sign}. */
    private interface Sink {
        void put(byte[] bytes, int from, int length);

        void put(ByteBuffer bytes);
    }

    private static void encode(TensorChunk c, Sink out) {
        byte[] scratch = new byte[8];
        string(out, scratch, DOMAIN_TAG);
        string(out, scratch, required(c.getExperiment(), "experiment"));
        int64(out, scratch, c.getRound());
        int32(out, scratch, c.getSender());
        int32(out, scratch, c.getDestination());
        string(out, scratch, required(c.getKind(), "kind").name());
        string(out, scratch, required(c.getLayer(), "layer"));
        int32(out, scratch, c.getLayerIndex());
        int32(out, scratch, c.getLayerCount());
        List<Integer> shape = required(c.getShape(), "shape");
        int32(out, scratch, shape.size());
        for (Integer dim : shape) {
            int32(out, scratch, required(dim, "shape element"));
        }
        int32(out, scratch, c.getChunkIndex());
        int32(out, scratch, c.getChunkCount());
        int32(out, scratch, c.getOffset());
        int32(out, scratch, c.getLayerLength());
        ByteBuffer values = required(c.getValues(), "values");
        int32(out, scratch, values.remaining());
        out.put(values.duplicate());
        int64(out, scratch, Double.doubleToRawLongBits(c.getWeight()));
        int64(out, scratch, c.getCreatedAtMs());
    }

    /** Exact size of the encoding, so {@link #canonicalBytes} allocates once. */
    private static int canonicalLength(TensorChunk c) {
        long n = 4L + utf8Length(DOMAIN_TAG)
                + 4 + utf8Length(required(c.getExperiment(), "experiment"))
                + 8 + 4 + 4
                + 4 + utf8Length(required(c.getKind(), "kind").name())
                + 4 + utf8Length(required(c.getLayer(), "layer"))
                + 4 + 4
                + 4 + 4L * required(c.getShape(), "shape").size()
                + 4 * 4
                + 4 + required(c.getValues(), "values").remaining()
                + 8 + 8;
        return Math.toIntExact(n);
    }

    private static int utf8Length(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    private static void string(Sink out, byte[] scratch, String s) {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        int32(out, scratch, utf8.length);
        out.put(utf8, 0, utf8.length);
    }

    private static void int32(Sink out, byte[] scratch, int v) {
        scratch[0] = (byte) (v >>> 24);
        scratch[1] = (byte) (v >>> 16);
        scratch[2] = (byte) (v >>> 8);
        scratch[3] = (byte) v;
        out.put(scratch, 0, 4);
    }

    private static void int64(Sink out, byte[] scratch, long v) {
        for (int i = 0; i < 8; i++) {
            scratch[i] = (byte) (v >>> (56 - 8 * i));
        }
        out.put(scratch, 0, 8);
    }

    private static <T> T required(T value, String field) {
        if (value == null) {
            throw new IllegalArgumentException("TensorChunk field '" + field
                    + "' is null; build chunks with TensorChunk.newBuilder() or TensorCodec.split,"
                    + " which set every field");
        }
        return value;
    }

    private static Mac initMac(byte[] key) {
        if (key == null || key.length == 0) {
            throw new IllegalArgumentException("HMAC key is null or empty; use the sender's key"
                    + " from the client registry (clients.keys)");
        }
        Mac mac = MAC.get();
        try {
            // init also resets any state a previous failed call may have left.
            mac.init(new SecretKeySpec(key, ALGORITHM));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot use key for " + ALGORITHM + ": " + e.getMessage(), e);
        }
        return mac;
    }

    private static byte[] remaining(ByteBuffer buffer) {
        ByteBuffer b = buffer.duplicate();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    private static final class ArraySink implements Sink {
        final byte[] bytes;
        int position;

        ArraySink(int length) {
            this.bytes = new byte[length];
        }

        @Override
        public void put(byte[] src, int from, int length) {
            System.arraycopy(src, from, bytes, position, length);
            position += length;
        }

        @Override
        public void put(ByteBuffer src) {
            int n = src.remaining();
            src.get(bytes, position, n);
            position += n;
        }
    }

    private static final class MacSink implements Sink {
        final Mac mac;

        MacSink(Mac mac) {
            this.mac = Objects.requireNonNull(mac);
        }

        @Override
        public void put(byte[] src, int from, int length) {
            mac.update(src, from, length);
        }

        @Override
        public void put(ByteBuffer src) {
            mac.update(src);
        }
    }
}
