package io.byzflink.training.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.byzflink.training.ModelKind;
import io.byzflink.training.ModelSpec;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The metadata file format; pure Java, no engine. */
class ModelMetadataJsonTest {

    static ModelVersionInfo info(String attack, Double accuracy, Double loss) {
        return new ModelVersionInfo(12, 30, "krum \"nnm\"\n\u00e9", attack, accuracy, loss,
                Instant.parse("2025-01-02T03:04:05.678Z"), "ab".repeat(32), 110,
                "model-v12-0000.params", new ModelSpec(ModelKind.MLP, 8, 3, 4, 2),
                List.of(new ModelVersionInfo.Layer("fc1.weight", List.of(8, 12)),
                        new ModelVersionInfo.Layer("fc1.bias", List.of(8))));
    }

    @Test
    void roundTripsIncludingEscapesAndNulls() throws Exception {
        for (ModelVersionInfo i : List.of(info("signflip", 0.87, 0.35), info(null, null, null))) {
            assertThat(ModelMetadataJson.read(ModelMetadataJson.write(i), "test")).isEqualTo(i);
        }
    }

    @Test
    void writesTheDocumentedFieldsForOtherLanguages() {
        String text = new String(ModelMetadataJson.write(info(null, 0.5, null)), StandardCharsets.UTF_8);
        JsonObject o = JsonParser.parseString(text).getAsJsonObject();
        assertThat(o.keySet()).containsExactly("format", "version", "round", "rule", "attack",
                "accuracy", "loss", "createdAt", "sha256", "parameterCount", "paramFile", "spec", "layers");
        assertThat(o.get("format").getAsString()).isEqualTo("byzflink-model-v1");
        assertThat(o.get("attack").isJsonNull()).isTrue();
        assertThat(o.get("loss").isJsonNull()).isTrue();
        assertThat(o.get("accuracy").getAsDouble()).isEqualTo(0.5);
        assertThat(o.get("createdAt").getAsString()).isEqualTo("2025-01-02T03:04:05.678Z");
        assertThat(o.getAsJsonObject("spec").get("kind").getAsString()).isEqualTo("mlp");
        assertThat(o.getAsJsonArray("layers").get(0).getAsJsonObject().get("shape").toString()).isEqualTo("[8,12]");
        assertThat(text).contains("\"rule\": \"krum \\\"nnm\\\"\\n\u00e9\"");
    }

    @Test
    void nonFiniteMetricsAreStoredAsNull() throws Exception {
        ModelVersionInfo back = ModelMetadataJson.read(
                ModelMetadataJson.write(info(null, Double.NaN, Double.POSITIVE_INFINITY)), "t");
        assertThat(back.accuracy()).isNull();
        assertThat(back.loss()).isNull();
    }

    @Test
    void corruptMetadataNamesTheSourceAndWhatToDo() {
        assertThatThrownBy(() -> ModelMetadataJson.read("{not json".getBytes(StandardCharsets.UTF_8), "/s/model-v1.json"))
                .isInstanceOf(CorruptModelException.class)
                .hasMessageContaining("/s/model-v1.json").hasMessageContaining("restore");
        String noSha = new String(ModelMetadataJson.write(info(null, null, null)), StandardCharsets.UTF_8)
                .replace("\"sha256\"", "\"sha\"");
        assertThatThrownBy(() -> ModelMetadataJson.read(noSha.getBytes(StandardCharsets.UTF_8), "f"))
                .isInstanceOf(CorruptModelException.class).hasMessageContaining("'sha256' is missing");
        String future = new String(ModelMetadataJson.write(info(null, null, null)), StandardCharsets.UTF_8)
                .replace("byzflink-model-v1", "byzflink-model-v9");
        assertThatThrownBy(() -> ModelMetadataJson.read(future.getBytes(StandardCharsets.UTF_8), "f"))
                .isInstanceOf(CorruptModelException.class).hasMessageContaining("byzflink-model-v9");
    }
}
