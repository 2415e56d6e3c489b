package io.byzflink.training.store;

import io.byzflink.training.ModelSpec;
import java.time.Instant;
import java.util.Objects;

/**
 * A global model to save: its parameters and what produced it.
 *
 * <p>Holds the caller's arrays without copying (records compare arrays by reference):
 * {@link ModelStore#save} only reads them.
 *
 * @param version store version, at least 0; versions are immutable once saved
 * @param round training round that produced the model (at least 0)
 * @param rule aggregation rule, e.g. {@code krum}
 * @param attack attack in force, or null for none
 * @param accuracy test accuracy, or null when not evaluated (non-finite values are stored as null)
 * @param loss test loss, or null when not evaluated (non-finite values are stored as null)
 * @param createdAt when the model was made
 * @param spec architecture, fixes the parameter layout
 * @param parameters one array per tensor of {@code spec.layout()}, in layout order
 */
public record ModelVersion(long version, long round, String rule, String attack, Double accuracy,
        Double loss, Instant createdAt, ModelSpec spec, float[][] parameters) {

    public ModelVersion {
        if (version < 0) {
            throw new IllegalArgumentException("model version must be >= 0, got " + version);
        }
        if (round < 0) {
            throw new IllegalArgumentException("round must be >= 0, got " + round);
        }
        if (rule == null || rule.isBlank()) {
            throw new IllegalArgumentException("rule must name the aggregation rule, e.g. \"krum\"");
        }
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(spec, "spec");
        spec.layout().check(parameters, "parameters");
    }

    /** A version created now, without evaluation metrics. */
    public static ModelVersion of(long version, long round, String rule, String attack, ModelSpec spec,
            float[][] parameters) {
        return new ModelVersion(version, round, rule, attack, null, null, Instant.now(), spec, parameters);
    }

    /** This version with test accuracy and loss. */
    public ModelVersion withMetrics(Double accuracy, Double loss) {
        return new ModelVersion(version, round, rule, attack, accuracy, loss, createdAt, spec, parameters);
    }
}
