package io.byzflink.serde.security;

import io.byzflink.serde.avro.TensorChunk;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The clients allowed to send updates and their HMAC keys: client id (the chunks'
 * {@code sender}) to key bytes.
 *
 * <p>Keys come from the configuration key {@value #CONFIG_KEY}, either inline
 * ({@link #parse(String)}) or from a file ({@link #load(Path)}); a key is hex or
 * {@code base64:<standard base64>} and must have at least {@value #MIN_KEY_BYTES} bytes (128 bits,
 * below which HMAC-SHA256's forgery resistance is limited by the key rather than the hash).
 *
 * <p>Immutable and {@link Serializable}, so a Flink operator can carry it. Keys are secrets:
 * error messages and {@link #toString()} name client ids, never key material.
 */
public final class ClientRegistry implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Configuration key that holds the registry; named in every error. */
    public static final String CONFIG_KEY = "clients.keys";
    /** Shortest accepted key. */
    public static final int MIN_KEY_BYTES = 16;
    /** Prefix of base64-encoded keys. */
    public static final String BASE64_PREFIX = "base64:";

    private static final String GENERATE_HINT = "generate one with `openssl rand -hex 32`";

    private final TreeMap<Integer, byte[]> keys;

    private ClientRegistry(TreeMap<Integer, byte[]> keys) {
        this.keys = keys;
    }

    /** A registry of the given keys (copied); each key must have at least {@value #MIN_KEY_BYTES} bytes. */
    public static ClientRegistry of(Map<Integer, byte[]> keys) {
        TreeMap<Integer, byte[]> copy = new TreeMap<>();
        keys.forEach((id, key) -> {
            checkKey(id, key, CONFIG_KEY);
            copy.put(id, key.clone());
        });
        return checked(copy, CONFIG_KEY);
    }

    /**
     * Parses {@code id:key;id:key;...}: ids are decimal ints, keys hex or
     * {@code base64:...}; blanks around items and a trailing {@code ;} are ignored.
     *
     * @throws IllegalArgumentException naming {@value #CONFIG_KEY} and the offending entry (by
     *     position and client id, never by key), e.g. for a short key, a duplicate id or an empty spec
     */
    public static ClientRegistry parse(String spec) {
        if (spec == null || spec.isBlank()) {
            throw new IllegalArgumentException(CONFIG_KEY + " is empty; give id:key pairs separated by"
                    + " ';' (key as hex or base64:...), e.g. 1:<64 hex digits>; " + GENERATE_HINT);
        }
        TreeMap<Integer, byte[]> keys = new TreeMap<>();
        String[] entries = spec.split(";", -1);
        for (int i = 0; i < entries.length; i++) {
            String entry = entries[i].trim();
            if (entry.isEmpty()) {
                continue;
            }
            String where = CONFIG_KEY + " entry " + (i + 1);
            int colon = entry.indexOf(':');
            if (colon < 0) {
                throw new IllegalArgumentException(where + " has no ':'; expected id:key, e.g. 1:<hex key>");
            }
            put(keys, entry.substring(0, colon), entry.substring(colon + 1), where);
        }
        return checked(keys, CONFIG_KEY);
    }

    /**
     * Reads a key file: one {@code id=key} per line, blank lines and lines starting with {@code #}
     * ignored, key as in {@link #parse(String)}. Parsed by hand rather than with
     * {@link java.util.Properties}, which would silently keep the last of two lines with the same id
     * and interpret backslash escapes inside keys.
     *
     * @throws UncheckedIOException when the file cannot be read
     * @throws IllegalArgumentException naming the file and line
     */
    public static ClientRegistry load(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(CONFIG_KEY + ": cannot read key file " + file + ": " + e, e);
        }
        TreeMap<Integer, byte[]> keys = new TreeMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String where = CONFIG_KEY + " file " + file + " line " + (i + 1);
            int eq = line.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException(where + " has no '='; expected id=key, e.g. 1=<hex key>");
            }
            put(keys, line.substring(0, eq), line.substring(eq + 1), where);
        }
        return checked(keys, CONFIG_KEY + " file " + file);
    }

    /** Whether {@code id} has a key. */
    public boolean known(int id) {
        return keys.containsKey(id);
    }

    /**
     * A copy of the key of client {@code id}.
     *
     * @throws IllegalArgumentException when {@code id} is not registered
     */
    public byte[] key(int id) {
        byte[] key = keys.get(id);
        if (key == null) {
            throw new IllegalArgumentException("client " + id + " has no key in " + CONFIG_KEY
                    + "; registered: " + keys.keySet());
        }
        return key.clone();
    }

    /** Registered client ids, ascending. */
    public Set<Integer> ids() {
        return Collections.unmodifiableSet(keys.keySet());
    }

    /** Number of registered clients. */
    public int size() {
        return keys.size();
    }

    /**
     * Checks the chunk's signature against its sender's key: {@link Verdict#UNKNOWN_SENDER} before
     * {@link Verdict#UNSIGNED} before {@link Verdict#BAD_SIGNATURE}.
     */
    public Verdict verify(TensorChunk chunk) {
        byte[] key = keys.get(chunk.getSender());
        if (key == null) {
            return Verdict.UNKNOWN_SENDER;
        }
        if (chunk.getSignature() == null) {
            return Verdict.UNSIGNED;
        }
        return ChunkSigner.verify(chunk, key) ? Verdict.OK : Verdict.BAD_SIGNATURE;
    }

    /** Names the clients, never the keys. */
    @Override
    public String toString() {
        return "ClientRegistry[" + keys.size() + " clients " + keys.keySet() + "]";
    }

    // ---------------------------------------------------------------- parsing

    private static void put(Map<Integer, byte[]> keys, String idText, String keyText, String where) {
        int id;
        try {
            id = Integer.parseInt(idText.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(where + ": client id '" + idText.trim()
                    + "' is not an integer; expected the sender id the client puts in its chunks");
        }
        byte[] key = decodeKey(keyText.trim(), id, where);
        checkKey(id, key, where);
        if (keys.putIfAbsent(id, key) != null) {
            throw new IllegalArgumentException(where + ": client " + id
                    + " is listed twice; give each client exactly one key");
        }
    }

    private static byte[] decodeKey(String text, int id, String where) {
        if (text.isEmpty()) {
            throw new IllegalArgumentException(where + ": client " + id + " has an empty key; "
                    + GENERATE_HINT);
        }
        if (text.regionMatches(true, 0, BASE64_PREFIX, 0, BASE64_PREFIX.length())) {
            try {
                return Base64.getDecoder().decode(text.substring(BASE64_PREFIX.length()).trim());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + ": key of client " + id
                        + " is not valid standard base64 after '" + BASE64_PREFIX + "'");
            }
        }
        String hex = text.toLowerCase(Locale.ROOT);
        if (hex.startsWith("0x")) {
            hex = hex.substring(2);
        }
        if (hex.length() % 2 != 0 || !hex.chars().allMatch(ClientRegistry::isHexDigit)) {
            throw new IllegalArgumentException(where + ": key of client " + id + " is neither an"
                    + " even number of hex digits nor '" + BASE64_PREFIX + "...'; " + GENERATE_HINT);
        }
        return HexFormat.of().parseHex(hex);
    }

    private static boolean isHexDigit(int c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
    }

    private static void checkKey(Integer id, byte[] key, String where) {
        if (id == null || key == null) {
            throw new IllegalArgumentException(where + ": null client id or key");
        }
        if (key.length < MIN_KEY_BYTES) {
            throw new IllegalArgumentException(where + ": key of client " + id + " has " + key.length
                    + " bytes; keys need at least " + MIN_KEY_BYTES + " bytes (" + (2 * MIN_KEY_BYTES)
                    + " hex digits), " + GENERATE_HINT);
        }
    }

    private static ClientRegistry checked(TreeMap<Integer, byte[]> keys, String where) {
        if (keys.isEmpty()) {
            throw new IllegalArgumentException(where + " lists no client; give at least one id:key"
                    + " (key as hex or base64:...), " + GENERATE_HINT);
        }
        return new ClientRegistry(keys);
    }
}
