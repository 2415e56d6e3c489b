package io.byzflink.training.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Pure Java: no engine. */
class ParameterHashTest {

    @Test
    void matchesPythonOnLittleEndianFloat32() {
        // python3 -c "import hashlib,struct; print(hashlib.sha256(struct.pack('<3f',1.5,-0.0,3.0)+struct.pack('<f',2.0)).hexdigest())"
        assertThat(ParameterHash.sha256(new float[][] {{1.5f, -0.0f, 3.0f}, {2.0f}}))
                .isEqualTo("a0da97dc7a8a933c3d3265271e69c08713a401c57072bf1683a1c24646e5c853");
        // python3 -c "import hashlib; print(hashlib.sha256(b'').hexdigest())"
        assertThat(ParameterHash.sha256(new float[][] {}))
                .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    }

    @Test
    void layerBoundariesDoNotMatterOnlyTheBytes() {
        // Documented: no separators; the layout is pinned separately by the metadata's layers.
        assertThat(ParameterHash.sha256(new float[][] {{1.5f}, {-0.0f, 3.0f, 2.0f}}))
                .isEqualTo(ParameterHash.sha256(new float[][] {{1.5f, -0.0f, 3.0f}, {2.0f}}));
    }

    @Test
    void equalsAOneShotDigestAcrossTheInternalBufferBoundary() throws Exception {
        // 70,001 floats: more than the 64 KiB streaming buffer holds, and not a multiple of it.
        SplittableRandom r = new SplittableRandom(3);
        float[][] layers = {new float[50_000], new float[20_001]};
        ByteBuffer all = ByteBuffer.allocate(70_001 * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float[] layer : layers) {
            for (int i = 0; i < layer.length; i++) {
                layer[i] = (float) r.nextGaussian();
                all.putFloat(layer[i]);
            }
        }
        String expected = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(all.array()));
        assertThat(ParameterHash.sha256(layers)).isEqualTo(expected);
    }

    @Test
    void anyBitChangesTheHash() {
        float[][] a = {{1f, 2f, 3f}};
        float[][] b = {{1f, 2f, Math.nextUp(3f)}};
        assertThat(ParameterHash.sha256(a)).isNotEqualTo(ParameterHash.sha256(b));
        assertThat(ParameterHash.sha256(new float[][] {{0f}})).isNotEqualTo(ParameterHash.sha256(new float[][] {{-0f}}));
    }
}
