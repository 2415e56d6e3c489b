package io.byzflink.training.store;

import io.byzflink.training.ModelSpec;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The metadata of a stored model version, as kept in its {@code model-v<version>.json}.
 *
 * @param version store version
 * @param round training round that produced the model
 * @param rule aggregation rule
 * @param attack attack in force, null for none
 * @param accuracy test accuracy, null when unknown
 * @param loss test loss, null when unknown
 * @param createdAt when the model was made
 * @param sha256 {@link ParameterHash#sha256} of the parameters, lowercase hex
 * @param parameterCount total number of floats
 * @param paramFile name of the DJL parameter file in the store
 * @param spec architecture
 * @param layers names and shapes of the tensors, in layout order
 */
public record ModelVersionInfo(long version, long round, String rule, String attack, Double accuracy,
        Double loss, Instant createdAt, String sha256, long parameterCount, String paramFile,
        ModelSpec spec, List<Layer> layers) {

    /** One parameter tensor: PyTorch-style name and row-major shape. */
    public record Layer(String name, List<Integer> shape) {
        public Layer {
            Objects.requireNonNull(name, "name");
            shape = List.copyOf(shape);
        }
    }

    public ModelVersionInfo {
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(sha256, "sha256");
        Objects.requireNonNull(paramFile, "paramFile");
        Objects.requireNonNull(spec, "spec");
        layers = List.copyOf(layers);
    }
}
