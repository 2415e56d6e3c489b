package io.byzflink.client;

import io.byzflink.serde.security.ClientRegistry;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * Reads a client's own HMAC key from {@code client.key} or {@code client.key-file}, in the text
 * forms the server's {@link ClientRegistry} accepts (hex, optionally {@code 0x}-prefixed, or
 * {@code base64:<standard base64>}, at least {@value #MIN_KEY_BYTES} bytes), so one generated key
 * is pasted unchanged on both sides. Error messages name the config key, never key material.
 */
public final class ClientKeys {

    /** Shortest accepted key, as the server requires. */
    public static final int MIN_KEY_BYTES = ClientRegistry.MIN_KEY_BYTES;

    private static final String HINT = "generate one with `openssl rand -hex 32` and register it with the server"
            + " (clients.keys)";

    private ClientKeys() {}

    /**
     * The key from exactly one of {@code inline} and {@code file}.
     *
     * @param clientId this client's id: picks the line of an {@code id=key} file
     * @throws ClientConfigException when both or neither are given, or the key is malformed or short
     */
    public static byte[] resolve(int clientId, String inline, String file) {
        boolean hasInline = inline != null && !inline.isBlank();
        boolean hasFile = file != null && !file.isBlank();
        if (hasInline && hasFile) {
            throw new ClientConfigException("config keys 'client.key' and 'client.key-file' are both set; give only one");
        }
        if (hasInline) {
            return decode(inline.trim(), "config key 'client.key'");
        }
        if (hasFile) {
            return fromFile(clientId, Path.of(file.trim()));
        }
        throw new ClientConfigException("config key 'client.key' (or 'client.key-file') is required: the HMAC key of"
                + " client " + clientId + " as hex or base64:...; " + HINT);
    }

    /**
     * Reads a key file: either the key alone (blank lines and {@code #} comments ignored), or
     * {@code id=key} lines like the server's key file, of which the line of {@code clientId} is used.
     */
    static byte[] fromFile(int clientId, Path file) {
        String where = "config key 'client.key-file' (" + file + ")";
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ClientConfigException(where + ": cannot read the key file: " + e);
        }
        List<String> content = new ArrayList<>();
        for (String line : lines) {
            String t = line.strip();
            if (!t.isEmpty() && !t.startsWith("#")) {
                content.add(t);
            }
        }
        if (content.size() == 1 && content.get(0).indexOf('=') < 0) {
            return decode(content.get(0), where);
        }
        try {
            ClientRegistry registry = ClientRegistry.load(file);
            if (!registry.known(clientId)) {
                throw new ClientConfigException(where + " has no line for client.id " + clientId + "; add "
                        + clientId + "=<key> or put this client's key alone in the file");
            }
            return registry.key(clientId);
        } catch (IllegalArgumentException | java.io.UncheckedIOException e) {
            if (e instanceof ClientConfigException c) {
                throw c;
            }
            throw new ClientConfigException(where + ": " + e.getMessage());
        }
    }

    /** Decodes hex or {@code base64:...} text; {@code where} names the config key in errors. */
    static byte[] decode(String text, String where) {
        byte[] key;
        if (text.regionMatches(true, 0, ClientRegistry.BASE64_PREFIX, 0, ClientRegistry.BASE64_PREFIX.length())) {
            try {
                key = Base64.getDecoder().decode(text.substring(ClientRegistry.BASE64_PREFIX.length()).trim());
            } catch (IllegalArgumentException e) {
                throw new ClientConfigException(where + ": the key is not valid standard base64 after '"
                        + ClientRegistry.BASE64_PREFIX + "'");
            }
        } else {
            String hex = text.toLowerCase(Locale.ROOT);
            if (hex.startsWith("0x")) {
                hex = hex.substring(2);
            }
            if (hex.isEmpty() || hex.length() % 2 != 0 || !hex.chars().allMatch(ClientKeys::isHexDigit)) {
                throw new ClientConfigException(where + ": the key is neither an even number of hex digits nor '"
                        + ClientRegistry.BASE64_PREFIX + "...'; " + HINT);
            }
            key = HexFormat.of().parseHex(hex);
        }
        if (key.length < MIN_KEY_BYTES) {
            throw new ClientConfigException(where + ": the key has " + key.length + " bytes; keys need at least "
                    + MIN_KEY_BYTES + " bytes (" + 2 * MIN_KEY_BYTES + " hex digits); " + HINT);
        }
        return key;
    }

    private static boolean isHexDigit(int c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
    }
}
