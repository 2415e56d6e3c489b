package io.byzflink.client;

import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * One key of a client config: its default, how its text is parsed, the rule the value must
 * follow and the words that explain the rule, so every bad value fails with one message that names
 * the key, the value and what is allowed.
 *
 * @param key dotted key, e.g. {@code train.lr}
 * @param defaultValue the value when the key is absent; null when the key has no default
 * @param parser text to value; may throw any runtime exception for unparsable text
 * @param rule what a parsed value must satisfy
 * @param allowed what the rule allows, in words (shown in errors and the config reference)
 * @param description what the key means (shown in the config reference)
 * @param <T> value type
 */
public record ClientOption<T>(String key, T defaultValue, Function<String, T> parser, Predicate<T> rule,
        String allowed, String description) {

    public ClientOption {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(parser, "parser");
        Objects.requireNonNull(rule, "rule");
    }

    /** An integer option with a lower bound. */
    public static ClientOption<Integer> intAtLeast(String key, Integer defaultValue, int min, String description) {
        return new ClientOption<>(key, defaultValue, Integer::parseInt, v -> v >= min, "an integer >= " + min,
                description);
    }

    /** A long option with a lower bound. */
    public static ClientOption<Long> longAtLeast(String key, Long defaultValue, long min, String description) {
        return new ClientOption<>(key, defaultValue, Long::parseLong, v -> v >= min, "an integer >= " + min,
                description);
    }

    /** A finite number in {@code [min, max]}; NaN and infinities are refused. */
    public static ClientOption<Double> between(String key, Double defaultValue, double min, double max,
            String description) {
        String allowed = max == Double.POSITIVE_INFINITY ? "a finite number >= " + min
                : "a number in [" + min + ", " + max + "]";
        return new ClientOption<>(key, defaultValue, Double::parseDouble,
                v -> Double.isFinite(v) && v >= min && v <= max, allowed, description);
    }

    /** A finite number {@code > 0}. */
    public static ClientOption<Double> positive(String key, Double defaultValue, String description) {
        return new ClientOption<>(key, defaultValue, Double::parseDouble, v -> Double.isFinite(v) && v > 0,
                "a finite number > 0", description);
    }

    /** One of a fixed list of words (compared after trimming and lower-casing). */
    public static ClientOption<String> oneOf(String key, String defaultValue, List<String> values, String description) {
        return new ClientOption<>(key, defaultValue, s -> s.toLowerCase(java.util.Locale.ROOT), values::contains,
                "one of " + String.join(", ", values), description);
    }

    /** Any text (trimmed). */
    public static ClientOption<String> text(String key, String defaultValue, String allowed, String description) {
        return new ClientOption<>(key, defaultValue, s -> s, s -> true, allowed, description);
    }

    /**
     * The value of this option in {@code raw} text, or the default when {@code raw} is null.
     *
     * @throws ClientConfigException naming the key, the text and {@link #allowed()}
     */
    public T parse(String raw) {
        if (raw == null) {
            return defaultValue;
        }
        T value;
        try {
            value = parser.apply(raw.trim());
        } catch (RuntimeException e) {
            throw refused(raw);
        }
        if (value == null || !rule.test(value)) {
            throw refused(raw);
        }
        return value;
    }

    /** The default as text, or "(none)". */
    public String defaultText() {
        return defaultValue == null ? "(none)" : String.valueOf(defaultValue);
    }

    private ClientConfigException refused(String raw) {
        return new ClientConfigException("config key '" + key + "': '" + raw + "' is not allowed; use " + allowed);
    }
}
