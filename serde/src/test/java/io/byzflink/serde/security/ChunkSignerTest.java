package io.byzflink.serde.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.byzflink.serde.AvroEventSchema;
import io.byzflink.serde.TensorCodec;
import io.byzflink.serde.avro.TensorChunk;
import io.byzflink.serde.avro.TensorKind;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

class ChunkSignerTest {

    /** bytes(range(32)) in Python. */
    static final byte[] KEY = HexFormat.of().parseHex(
            "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");

    /**
     * The fixed chunk the pinned values below were computed for. Non-ASCII experiment name pins
     * UTF-8 byte lengths, destination -1 pins two's complement, the values are little-endian
     * float32 1.5 and -2.25.
     */
    static TensorChunk fixedChunk() {
        return TensorChunk.newBuilder()
                .setExperiment("exp-\u03c0")
                .setRound(7)
                .setSender(3)
                .setDestination(-1)
                .setKind(TensorKind.DELTA)
                .setLayer("fc1.weight")
                .setLayerIndex(0)
                .setLayerCount(4)
                .setShape(List.of(2, 3))
                .setChunkIndex(1)
                .setChunkCount(2)
                .setOffset(4)
                .setLayerLength(6)
                .setValues(TensorCodec.encode(new float[] {1.5f, -2.25f}))
                .setWeight(0.5)
                .setCreatedAtMs(1_700_000_000_123L)
                .setSignature(null)
                .build();
    }

    // Computed independently with Python 3.11 (no Java involved):
    // python3 -c "
    // import hmac,hashlib,struct
    // s=lambda x:(lambda b:struct.pack('>i',len(b))+b)(x.encode('utf-8'))
    // v=struct.pack('<2f',1.5,-2.25)
    // c=s('byzflink-chunk-v1')+s('exp-π')+struct.pack('>qii',7,3,-1)+s('DELTA')+s('fc1.weight')+struct.pack('>ii',0,4)+struct.pack('>3i',2,2,3)+struct.pack('>4i',1,2,4,6)+struct.pack('>i',len(v))+v+struct.pack('>dq',0.5,1700000000123)
    // print(c.hex()); print(len(c)); print(hmac.new(bytes(range(32)),c,hashlib.sha256).hexdigest())"
    static final String PYTHON_CANONICAL_HEX = "0000001162797a666c696e6b2d6368756e6b2d7631000000066578702dcf80"
            + "000000000000000700000003ffffffff0000000544454c54410000000a6663312e776569676874000000000000"
            + "000400000002000000020000000300000001000000020000000400000006000000080000c03f000010c03fe000"
            + "00000000000000018bcfe5687b";
    static final String PYTHON_HMAC_HEX = "6c8fb651c4aadf7f8eabfc469602906e745f47aeeffddaaa4ba0f65d43170f06";

    @Test
    void canonicalBytesMatchTheIndependentPythonEncoding() {
        byte[] canonical = ChunkSigner.canonicalBytes(fixedChunk());
        assertThat(canonical).hasSize(134);
        assertThat(HexFormat.of().formatHex(canonical)).isEqualTo(PYTHON_CANONICAL_HEX);
    }

    @Test
    void signatureMatchesTheIndependentPythonHmac() {
        byte[] signature = ChunkSigner.sign(fixedChunk(), KEY);
        assertThat(signature).hasSize(ChunkSigner.SIGNATURE_BYTES);
        assertThat(HexFormat.of().formatHex(signature)).isEqualTo(PYTHON_HMAC_HEX);
    }

    @Test
    void theEncodingCoversEveryFieldButTheSignatureInSchemaOrder() {
        // Fails when someone adds a schema field: decide whether it must be signed, and if so
        // define encoding v2 with a new domain tag (old clients' signatures would break).
        List<String> fields = new ArrayList<>();
        for (Schema.Field f : TensorChunk.getClassSchema().getFields()) {
            fields.add(f.name());
        }
        List<String> expected = new ArrayList<>(ChunkSigner.SIGNED_FIELDS);
        expected.add("signature");
        assertThat(fields).containsExactlyElementsOf(expected);
    }

    @Test
    void signedSetsTheSignatureWithoutTouchingTheInputAndVerifies() {
        TensorChunk chunk = fixedChunk();
        TensorChunk signed = ChunkSigner.signed(chunk, KEY);

        assertThat(chunk.getSignature()).isNull();
        assertThat(HexFormat.of().formatHex(bytes(signed.getSignature()))).isEqualTo(PYTHON_HMAC_HEX);
        assertThat(ChunkSigner.verify(signed, KEY)).isTrue();
        // Signing ignores an existing signature: re-signing a signed chunk gives the same bytes.
        assertThat(ChunkSigner.sign(signed, KEY)).isEqualTo(ChunkSigner.sign(chunk, KEY));
    }

    @Test
    void unsignedChunksDoNotVerify() {
        assertThat(ChunkSigner.verify(fixedChunk(), KEY)).isFalse();
    }

    @Test
    void anotherKeyDoesNotVerify() {
        byte[] other = KEY.clone();
        other[31] ^= 1;
        assertThat(ChunkSigner.verify(ChunkSigner.signed(fixedChunk(), KEY), other)).isFalse();
    }

    @Test
    void changingAnySignedFieldBreaksTheSignature() {
        TensorChunk signed = ChunkSigner.signed(fixedChunk(), KEY);
        List<Consumer<TensorChunk>> edits = List.of(
                c -> c.setExperiment("exp-pi"),
                c -> c.setRound(8L),
                c -> c.setSender(4),
                c -> c.setDestination(0),
                c -> c.setKind(TensorKind.GRADIENT),
                c -> c.setLayer("fc1.bias"),
                c -> c.setLayerIndex(1),
                c -> c.setLayerCount(5),
                c -> c.setShape(List.of(3, 2)),
                c -> c.setChunkIndex(0),
                c -> c.setChunkCount(3),
                c -> c.setOffset(0),
                c -> c.setLayerLength(7),
                c -> c.setValues(TensorCodec.encode(new float[] {1.5f, -2.0f})),
                c -> c.setWeight(-0.5),
                c -> c.setCreatedAtMs(1_700_000_000_124L));
        assertThat(edits).hasSize(ChunkSigner.SIGNED_FIELDS.size());
        for (Consumer<TensorChunk> edit : edits) {
            TensorChunk tampered = TensorChunk.newBuilder(signed).build();
            edit.accept(tampered);
            assertThat(ChunkSigner.verify(tampered, KEY)).isFalse();
        }
    }

    @Test
    void lengthPrefixesKeepFieldBoundariesApart() {
        // Without length prefixes ("ab","c") and ("a","bc") would encode alike.
        TensorChunk a = fixedChunk();
        a.setExperiment("ab");
        a.setLayer("c");
        TensorChunk b = fixedChunk();
        b.setExperiment("a");
        b.setLayer("bc");
        assertThat(ChunkSigner.sign(a, KEY)).isNotEqualTo(ChunkSigner.sign(b, KEY));
    }

    @Test
    void weightIsSignedByItsRawBits() {
        TensorChunk plus = fixedChunk();
        plus.setWeight(0.0);
        TensorChunk minus = fixedChunk();
        minus.setWeight(-0.0);
        assertThat(ChunkSigner.sign(plus, KEY)).isNotEqualTo(ChunkSigner.sign(minus, KEY));
    }

    @Test
    void aSliceOfALargerBufferSignsLikeAFreshBuffer() {
        // Decoders may hand out buffers whose position is not 0; only position..limit counts, and
        // signing must not consume it.
        ByteBuffer big = ByteBuffer.allocate(16);
        big.position(4);
        big.put(bytes(TensorCodec.encode(new float[] {1.5f, -2.25f})));
        big.position(4).limit(12);
        TensorChunk chunk = fixedChunk();
        chunk.setValues(big);

        assertThat(HexFormat.of().formatHex(ChunkSigner.sign(chunk, KEY))).isEqualTo(PYTHON_HMAC_HEX);
        assertThat(HexFormat.of().formatHex(ChunkSigner.canonicalBytes(chunk))).isEqualTo(PYTHON_CANONICAL_HEX);
        assertThat(big.position()).isEqualTo(4);
        assertThat(big.limit()).isEqualTo(12);
    }

    @Test
    void survivesTheAvroWireFormat() throws Exception {
        AvroEventSchema<TensorChunk> schema = AvroEventSchema.of(TensorChunk.class);
        TensorChunk signed = ChunkSigner.signed(fixedChunk(), KEY);
        TensorChunk back = schema.deserialize(schema.serialize(signed));
        assertThat(ChunkSigner.verify(back, KEY)).isTrue();
    }

    @Test
    void signsConsistentlyFromManyThreads() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                results.add(pool.submit(() -> HexFormat.of().formatHex(ChunkSigner.sign(fixedChunk(), KEY))));
            }
            for (Future<String> r : results) {
                assertThat(r.get()).isEqualTo(PYTHON_HMAC_HEX);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void refusesEmptyKeysAndIncompleteChunks() {
        assertThatThrownBy(() -> ChunkSigner.sign(fixedChunk(), new byte[0]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty");
        assertThatThrownBy(() -> ChunkSigner.sign(fixedChunk(), null))
                .isInstanceOf(IllegalArgumentException.class);
        TensorChunk incomplete = fixedChunk();
        incomplete.setLayer(null);
        assertThatThrownBy(() -> ChunkSigner.canonicalBytes(incomplete))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'layer'");
        assertThatThrownBy(() -> ChunkSigner.sign(incomplete, KEY))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'layer'");
    }

    static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer b = buffer.duplicate();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }
}
