package io.byzflink.training.store;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * SHA-256 of a model's parameters as float32 little-endian bytes, layer after layer in layout
 * order, no separators: the same bytes a client gets from
 * {@code b"".join(t.numpy().astype('<f4').tobytes() for t in state_dict.values())}, so the hash
 * identifies a model independently of the file format it is stored in.
 */
public final class ParameterHash {

    private ParameterHash() {}

    /** Lowercase hex SHA-256 of {@code layers} (raw float bits, so NaN payloads and -0.0 count). */
    public static String sha256(float[][] layers) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 not available in this JRE", e);
        }
        ByteBuffer buffer = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
        for (float[] layer : layers) {
            for (float v : layer) {
                if (!buffer.hasRemaining()) {
                    sha.update(buffer.flip());
                    buffer.clear();
                }
                buffer.putInt(Float.floatToRawIntBits(v));
            }
        }
        sha.update(buffer.flip());
        return HexFormat.of().formatHex(sha.digest());
    }
}
