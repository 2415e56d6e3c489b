package io.byzflink.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.byzflink.serde.TensorCodec;
import io.byzflink.serde.TensorCodec.ChunkHeader;
import io.byzflink.serde.avro.TensorChunk;
import io.byzflink.serde.avro.TensorKind;

import org.apache.avro.SchemaNormalization;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;

/**
 * The client's chunk bytes are Avro single-object encoding of the TensorChunk schema, i.e. what
 * the server's {@code AvroEventSchema} reads. Checked by structure rather than against
 * AvroEventSchema itself, which would put flink-core on this module's test class path and hide a
 * Flink dependency of the client at run time.
 */
class ChunkWireTest {

    private final TensorChunk chunk = TensorCodec.split(ChunkHeader.of("wire", 3, 7, TensorKind.DELTA, 12.0), "fc.weight",
            0, 2, List.of(2, 2), new float[] {1, -2, 3.5f, 0}, 4).get(0);

    @Test
    void writesMarkerFingerprintAndBody() throws IOException {
        byte[] bytes = ChunkWire.encode(chunk);
        assertThat(bytes[0]).isEqualTo((byte) 0xC3);
        assertThat(bytes[1]).isEqualTo((byte) 0x01);
        long fingerprint = SchemaNormalization.parsingFingerprint64(TensorChunk.getClassSchema());
        long written = ByteBuffer.wrap(bytes, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertThat(written).isEqualTo(fingerprint);
        assertThat(ChunkWire.decode(bytes)).isEqualTo(chunk);
        ByteBuffer generated = chunk.toByteBuffer();
        byte[] viaGenerated = new byte[generated.remaining()];
        generated.get(viaGenerated);
        assertThat(bytes).isEqualTo(viaGenerated);
    }

    @Test
    void refusesForeignOrTruncatedBytes() {
        byte[] bytes = ChunkWire.encode(chunk);
        byte[] foreign = bytes.clone();
        foreign[5] ^= 1; // another schema fingerprint
        assertThatThrownBy(() -> ChunkWire.decode(foreign)).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> ChunkWire.decode(Arrays.copyOf(bytes, 14))).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> ChunkWire.decode(new byte[] {1, 2, 3})).isInstanceOf(IOException.class);
    }
}
