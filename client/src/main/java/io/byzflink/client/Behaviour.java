package io.byzflink.client;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * What a client sends for a model version: the honest pseudo-gradient, or one of the classic
 * Byzantine forgeries, so robustness experiments can run with real clients over Kafka.
 *
 * <p>The forgeries act on the client's own update only (a real client knows nothing of the
 * others), which is why the omniscient attacks of the simulation (ALIE, IPM, ...) are absent.
 */
public enum Behaviour {
    /** Sends {@code DELTA = w_v - w_local}. */
    HONEST("honest"),
    /** Sends {@code -DELTA}. */
    SIGN_FLIP("sign-flip"),
    /** Sends {@code -tau * DELTA} ({@code client.tau}). */
    SCALED("scaled"),
    /** Sends noise: every coordinate drawn from {@code N(0, sigma^2)} ({@code client.sigma}), ignoring DELTA. */
    GAUSSIAN("gaussian"),
    /** Trains on flipped labels ({@code C-1-l}) and sends the resulting DELTA unchanged. */
    LABEL_FLIP("label-flip");

    private final String id;

    Behaviour(String id) {
        this.id = id;
    }

    /** The word used in configs, e.g. {@code sign-flip}. */
    public String id() {
        return id;
    }

    /** Every config word, in declaration order. */
    public static List<String> ids() {
        return Arrays.stream(values()).map(Behaviour::id).toList();
    }

    /**
     * Parses a config word (case-insensitive, blanks around it ignored).
     *
     * @throws IllegalArgumentException naming the allowed words
     */
    public static Behaviour parse(String text) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        for (Behaviour b : values()) {
            if (b.id.equals(t)) {
                return b;
            }
        }
        throw new IllegalArgumentException("unknown client behaviour '" + text + "'; allowed: "
                + String.join(", ", ids()));
    }

    /** Whether local training uses flipped labels. */
    public boolean flipsLabels() {
        return this == LABEL_FLIP;
    }

    /**
     * Turns the honest {@code delta} into what this behaviour sends, in place.
     *
     * @param delta in: {@code w_v - w_local}, one array per layer; out: the update to send
     * @param tau scale of {@link #SCALED}
     * @param sigma standard deviation of {@link #GAUSSIAN}
     * @param seed noise seed of {@link #GAUSSIAN} (a function of the round, so a rerun forges the
     *     same noise)
     * @return {@code delta}
     */
    public float[][] apply(float[][] delta, double tau, double sigma, long seed) {
        switch (this) {
            case HONEST, LABEL_FLIP -> { }
            case SIGN_FLIP -> {
                for (float[] layer : delta) {
                    for (int i = 0; i < layer.length; i++) {
                        layer[i] = -layer[i];
                    }
                }
            }
            case SCALED -> {
                for (float[] layer : delta) {
                    for (int i = 0; i < layer.length; i++) {
                        layer[i] = (float) (-tau * layer[i]);
                    }
                }
            }
            case GAUSSIAN -> {
                SplittableRandom random = new SplittableRandom(seed);
                for (float[] layer : delta) {
                    for (int i = 0; i < layer.length; i++) {
                        layer[i] = (float) (sigma * random.nextGaussian());
                    }
                }
            }
            default -> throw new AssertionError(this);
        }
        return delta;
    }

    @Override
    public String toString() {
        return id;
    }
}
