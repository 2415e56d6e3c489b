package io.byzflink.training.store;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.byzflink.training.ModelKind;
import io.byzflink.training.ModelSpec;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads and writes {@link ModelVersionInfo} as JSON with Gson (already on the classpath through
 * DJL's API, which uses it for its own metadata).
 *
 * <p>The layout is written field by field rather than by reflection, so renaming a Java field
 * can never silently change the file format that Python tools read. {@value #FORMAT} in the
 * {@code format} field lets a future layout be told apart.
 */
final class ModelMetadataJson {

    /** Value of the {@code format} field. */
    static final String FORMAT = "byzflink-model-v1";

    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping()
            .serializeNulls().create();

    private ModelMetadataJson() {}

    static byte[] write(ModelVersionInfo info) {
        JsonObject o = new JsonObject();
        o.addProperty("format", FORMAT);
        o.addProperty("version", info.version());
        o.addProperty("round", info.round());
        o.addProperty("rule", info.rule());
        o.addProperty("attack", info.attack());
        o.addProperty("accuracy", finiteOrNull(info.accuracy()));
        o.addProperty("loss", finiteOrNull(info.loss()));
        o.addProperty("createdAt", info.createdAt().toString());
        o.addProperty("sha256", info.sha256());
        o.addProperty("parameterCount", info.parameterCount());
        o.addProperty("paramFile", info.paramFile());
        JsonObject spec = new JsonObject();
        spec.addProperty("kind", info.spec().kind().id());
        spec.addProperty("hidden", info.spec().hidden());
        spec.addProperty("rows", info.spec().rows());
        spec.addProperty("cols", info.spec().cols());
        spec.addProperty("numClasses", info.spec().numClasses());
        o.add("spec", spec);
        JsonArray layers = new JsonArray();
        for (ModelVersionInfo.Layer l : info.layers()) {
            JsonObject layer = new JsonObject();
            layer.addProperty("name", l.name());
            JsonArray shape = new JsonArray();
            l.shape().forEach(shape::add);
            layer.add("shape", shape);
            layers.add(layer);
        }
        o.add("layers", layers);
        return (GSON.toJson(o) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Parses metadata.
     *
     * @param source where the bytes came from, for messages
     * @throws CorruptModelException naming {@code source} and the bad field
     */
    static ModelVersionInfo read(byte[] bytes, String source) throws CorruptModelException {
        try {
            JsonObject o = JsonParser.parseString(new String(bytes, StandardCharsets.UTF_8)).getAsJsonObject();
            String format = string(o, "format", false);
            if (!FORMAT.equals(format)) {
                throw new CorruptModelException(source + ": format is '" + format + "', this version of"
                        + " ByzFlink reads '" + FORMAT + "'; use a matching ByzFlink version");
            }
            JsonObject s = required(o, "spec").getAsJsonObject();
            ModelSpec spec = new ModelSpec(ModelKind.parse(string(s, "kind", false)),
                    required(s, "hidden").getAsInt(), required(s, "rows").getAsInt(),
                    required(s, "cols").getAsInt(), required(s, "numClasses").getAsInt());
            List<ModelVersionInfo.Layer> layers = new ArrayList<>();
            for (JsonElement e : required(o, "layers").getAsJsonArray()) {
                JsonObject l = e.getAsJsonObject();
                List<Integer> shape = new ArrayList<>();
                for (JsonElement d : required(l, "shape").getAsJsonArray()) {
                    shape.add(d.getAsInt());
                }
                layers.add(new ModelVersionInfo.Layer(string(l, "name", false), shape));
            }
            return new ModelVersionInfo(
                    required(o, "version").getAsLong(),
                    required(o, "round").getAsLong(),
                    string(o, "rule", false),
                    string(o, "attack", true),
                    number(o, "accuracy"),
                    number(o, "loss"),
                    Instant.parse(string(o, "createdAt", false)),
                    string(o, "sha256", false),
                    required(o, "parameterCount").getAsLong(),
                    string(o, "paramFile", false),
                    spec,
                    layers);
        } catch (CorruptModelException e) {
            throw e;
        } catch (JsonParseException | IllegalStateException | IllegalArgumentException
                | UnsupportedOperationException | DateTimeParseException | NullPointerException e) {
            // Gson reports wrong types as IllegalStateException/UnsupportedOperationException.
            throw new CorruptModelException(source + " is not valid model metadata (" + e.getMessage()
                    + "); restore it from a backup or export, or delete this version", e);
        }
    }

    private static Double finiteOrNull(Double v) {
        return v == null || !Double.isFinite(v) ? null : v;
    }

    private static JsonElement required(JsonObject o, String field) {
        JsonElement e = o.get(field);
        if (e == null || e.isJsonNull()) {
            throw new IllegalArgumentException("field '" + field + "' is missing");
        }
        return e;
    }

    private static String string(JsonObject o, String field, boolean nullable) {
        JsonElement e = o.get(field);
        if (e == null || e.isJsonNull()) {
            if (nullable) {
                return null;
            }
            throw new IllegalArgumentException("field '" + field + "' is missing");
        }
        return e.getAsString();
    }

    private static Double number(JsonObject o, String field) {
        JsonElement e = o.get(field);
        return e == null || e.isJsonNull() ? null : e.getAsDouble();
    }
}
