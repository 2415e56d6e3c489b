package io.byzflink.serde.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Command-line overrides {@code key=value} (the CLIs' {@code --set}), shared by the job's and the client's config loaders. */
public final class KeyValues {

    private KeyValues() {}

    /**
     * The overrides as a map, later ones winning; keys and values trimmed.
     *
     * @throws IllegalArgumentException naming the first argument without a key and '='
     */
    public static Map<String, String> parse(List<String> overrides) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String override : overrides) {
            int eq = override.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("--set expects key=value, got '" + override + "'");
            }
            out.put(override.substring(0, eq).trim(), override.substring(eq + 1).trim());
        }
        return out;
    }
}
