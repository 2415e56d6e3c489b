package io.byzflink.training.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.nn.Parameter;
import io.byzflink.training.DjlRuntime;
import io.byzflink.training.LocalModel;
import io.byzflink.training.ModelBlocks;
import io.byzflink.training.ModelKind;
import io.byzflink.training.ModelSpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ModelStore on the local file system with the real DJL/PyTorch engine. */
class ModelStoreTest {

    /** Small MLP (4x4 images, 3 classes): 16*8 + 8 + 8*3 + 3 = 163 floats. */
    static final ModelSpec SPEC = new ModelSpec(ModelKind.MLP, 8, 4, 4, 3);
    static final Instant T0 = Instant.parse("2025-06-01T12:00:00Z");
    /** A bit pattern that occurs once in the parameter file, so a test can find and alter it. */
    static final float MARKER = Float.intBitsToFloat(0x3F9E0651);

    @TempDir
    Path tmp;

    @BeforeAll
    static void engine() {
        DjlRuntime.ensureConfigured();
    }

    static float[][] params(ModelSpec spec, long seed) {
        // Arbitrary bit patterns (not NaN, whose payload a copy may canonicalize): subnormals,
        // -0.0 and huge values must all survive.
        SplittableRandom r = new SplittableRandom(seed);
        float[][] p = spec.layout().zeros();
        for (float[] a : p) {
            for (int j = 0; j < a.length; j++) {
                float v;
                do {
                    v = Float.intBitsToFloat(r.nextInt());
                } while (Float.isNaN(v) || Float.floatToRawIntBits(v) == Float.floatToRawIntBits(MARKER));
                a[j] = v;
            }
        }
        p[0][0] = -0.0f;
        p[0][1] = Float.MIN_VALUE;
        return p;
    }

    static ModelVersion version(long v, float[][] params) {
        return new ModelVersion(v, 10 * v, "krum", v % 2 == 0 ? null : "signflip", 0.5 + v / 100.0,
                1.0 / (v + 1), T0.plusSeconds(v), SPEC, params);
    }

    static void assertBitEqual(float[][] actual, float[][] expected) {
        assertThat(actual).hasSameDimensionsAs(expected);
        for (int i = 0; i < expected.length; i++) {
            for (int j = 0; j < expected[i].length; j++) {
                assertThat(Float.floatToRawIntBits(actual[i][j]))
                        .as("layer %d index %d", i, j)
                        .isEqualTo(Float.floatToRawIntBits(expected[i][j]));
            }
        }
    }

    @Test
    void saveThenLoadIsBitExactAndMetadataIsComplete() throws Exception {
        ModelStore store = ModelStore.local(tmp.resolve("store"));
        float[][] p = params(SPEC, 1);
        ModelVersionInfo info = store.save(version(3, p));

        assertBitEqual(store.load(3), p);
        assertThat(info.version()).isEqualTo(3);
        assertThat(info.round()).isEqualTo(30);
        assertThat(info.rule()).isEqualTo("krum");
        assertThat(info.attack()).isEqualTo("signflip");
        assertThat(info.accuracy()).isEqualTo(0.53);
        assertThat(info.loss()).isEqualTo(0.25);
        assertThat(info.createdAt()).isEqualTo(T0.plusSeconds(3));
        assertThat(info.sha256()).isEqualTo(ParameterHash.sha256(p)).hasSize(64);
        assertThat(info.parameterCount()).isEqualTo(163);
        assertThat(info.spec()).isEqualTo(SPEC);
        assertThat(info.layers()).containsExactly(
                new ModelVersionInfo.Layer("fc1.weight", List.of(8, 16)),
                new ModelVersionInfo.Layer("fc1.bias", List.of(8)),
                new ModelVersionInfo.Layer("fc2.weight", List.of(3, 8)),
                new ModelVersionInfo.Layer("fc2.bias", List.of(3)));
        assertThat(store.show(3)).isEqualTo(info);
        assertThat(store.files().list()).containsExactlyInAnyOrder(
                "model-v3-0000.params", "model-v3.json", "CURRENT");
    }

    @Test
    void cnnRoundTrips() throws Exception {
        ModelSpec cnn = ModelSpec.fashionMnist(ModelKind.CNN);
        ModelStore store = ModelStore.local(tmp);
        float[][] p = cnn.layout().initialParameters(7);
        store.save(new ModelVersion(0, 0, "median", null, null, null, T0, cnn, p));
        assertBitEqual(store.load(0), p);
        assertThat(store.show(0).parameterCount()).isEqualTo(431_080);
    }

    @Test
    void djlLoadsTheStoredFileIntoAFreshBlock() throws Exception {
        ModelStore store = ModelStore.local(tmp.resolve("store"));
        float[][] p = params(SPEC, 2);
        store.save(version(5, p));

        for (Path dir : List.of(tmp.resolve("store"), exportTo(store, 5, tmp.resolve("export")))) {
            try (Model model = Model.newInstance("fresh", Device.cpu(), LocalModel.ENGINE)) {
                model.setBlock(ModelBlocks.build(SPEC));
                model.load(dir, ModelStore.baseName(5));
                List<Parameter> params = model.getBlock().getParameters().values();
                assertThat(params).hasSize(p.length);
                float[][] back = new float[p.length][];
                for (int i = 0; i < back.length; i++) {
                    back[i] = params.get(i).getArray().toFloatArray();
                }
                assertBitEqual(back, p);
            }
        }
    }

    private static Path exportTo(ModelStore store, long v, Path dir) throws Exception {
        List<Path> written = store.export(v, dir);
        assertThat(written).containsExactly(dir.resolve("model-v5-0000.params"), dir.resolve("model-v5.json"));
        return dir;
    }

    @Test
    void tamperedParametersAreDetected() throws Exception {
        ModelStore store = ModelStore.local(tmp);
        float[][] p = params(SPEC, 3);
        p[3][2] = MARKER;
        store.save(version(1, p));

        Path file = tmp.resolve(ModelStore.paramFile(1));
        byte[] bytes = Files.readAllBytes(file);
        int at = indexOfMarker(bytes);
        bytes[at] ^= 1; // flip the lowest mantissa bit of MARKER, whatever the byte order
        Files.write(file, bytes);

        assertThatThrownBy(() -> store.load(1))
                .isInstanceOf(CorruptModelException.class)
                .hasMessageContaining("model version 1")
                .hasMessageContaining(store.show(1).sha256())
                .hasMessageContaining("restore");
        assertThatThrownBy(() -> store.rollback(1)).isInstanceOf(CorruptModelException.class);
        assertThatThrownBy(() -> store.export(1, tmp.resolve("out"))).isInstanceOf(CorruptModelException.class);
    }

    /** Position of MARKER's least significant byte in the file, in either byte order. */
    private static int indexOfMarker(byte[] bytes) {
        int bits = Float.floatToRawIntBits(MARKER);
        byte[] le = {(byte) bits, (byte) (bits >>> 8), (byte) (bits >>> 16), (byte) (bits >>> 24)};
        byte[] be = {le[3], le[2], le[1], le[0]};
        int found = -1;
        for (int i = 0; i + 4 <= bytes.length; i++) {
            if (regionEquals(bytes, i, le)) {
                assertThat(found).as("marker occurs once").isEqualTo(-1);
                found = i;
            } else if (regionEquals(bytes, i, be)) {
                assertThat(found).as("marker occurs once").isEqualTo(-1);
                found = i + 3;
            }
        }
        assertThat(found).as("marker found in the parameter file").isNotNegative();
        return found;
    }

    private static boolean regionEquals(byte[] bytes, int at, byte[] pattern) {
        for (int k = 0; k < pattern.length; k++) {
            if (bytes[at + k] != pattern[k]) {
                return false;
            }
        }
        return true;
    }

    @Test
    void aParameterFileSwappedForAnotherVersionIsDetected() throws Exception {
        ModelStore store = ModelStore.local(tmp);
        store.save(version(1, params(SPEC, 1)));
        store.save(version(2, params(SPEC, 2)));
        // A well-formed DJL file, just not the one the metadata describes.
        Files.copy(tmp.resolve(ModelStore.paramFile(2)), tmp.resolve(ModelStore.paramFile(1)),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertThatThrownBy(() -> store.load(1)).isInstanceOf(CorruptModelException.class)
                .hasMessageContaining("SHA-256");
        assertThat(store.load(2)).isNotNull();
    }

    @Test
    void truncatedOrMissingParameterFilesAreReportedAsCorrupt() throws Exception {
        ModelStore store = ModelStore.local(tmp);
        store.save(version(1, params(SPEC, 1)));
        store.save(version(2, params(SPEC, 2)));
        Path f1 = tmp.resolve(ModelStore.paramFile(1));
        Files.write(f1, java.util.Arrays.copyOf(Files.readAllBytes(f1), 100));
        assertThatThrownBy(() -> store.load(1)).isInstanceOf(CorruptModelException.class)
                .hasMessageContaining("model-v1-0000.params");
        Files.delete(tmp.resolve(ModelStore.paramFile(2)));
        assertThatThrownBy(() -> store.load(2)).isInstanceOf(CorruptModelException.class)
                .hasMessageContaining("missing");
    }

    @Test
    void listLatestShowRollbackCurrent() throws Exception {
        ModelStore store = ModelStore.local(tmp);
        assertThat(store.list()).isEmpty();
        assertThat(store.latest()).isEmpty();
        assertThat(store.current()).isEmpty();

        // Saved out of order, including a two-digit version that sorts after 9 numerically.
        for (long v : new long[] {2, 10, 0, 9}) {
            store.save(version(v, params(SPEC, v)));
        }
        assertThat(store.list()).extracting(ModelVersionInfo::version).containsExactly(0L, 2L, 9L, 10L);
        assertThat(store.latest()).get().extracting(ModelVersionInfo::version).isEqualTo(10L);
        // The last save is current.
        assertThat(store.current()).get().extracting(ModelVersionInfo::version).isEqualTo(9L);
        assertThat(store.show(2).round()).isEqualTo(20);
        assertThat(store.show(2).attack()).isNull();

        assertThat(store.rollback(2).version()).isEqualTo(2);
        assertThat(store.current()).get().extracting(ModelVersionInfo::version).isEqualTo(2L);
        assertThat(new String(Files.readAllBytes(tmp.resolve("CURRENT")), StandardCharsets.UTF_8)).isEqualTo("2\n");
        // Rolled-back-over versions stay stored.
        assertThat(store.list()).hasSize(4);
        assertBitEqual(store.load(store.current().orElseThrow().version()), params(SPEC, 2));

        // Training goes on from version 2: the new version becomes current.
        store.save(version(11, params(SPEC, 11)));
        assertThat(store.current()).get().extracting(ModelVersionInfo::version).isEqualTo(11L);

        // Without a pointer, current is the latest.
        Files.delete(tmp.resolve("CURRENT"));
        store.rollback(0);
        Files.delete(tmp.resolve("CURRENT"));
        assertThat(store.current()).get().extracting(ModelVersionInfo::version).isEqualTo(11L);
    }

    @Test
    void clearErrorsForMissingVersionsBadPointersAndOverwrites() throws Exception {
        ModelStore store = ModelStore.local(tmp);
        store.save(version(1, params(SPEC, 1)));
        store.save(version(4, params(SPEC, 4)));

        assertThatThrownBy(() -> store.show(3)).isInstanceOf(NoSuchFileException.class)
                .hasMessageContaining("no model version 3").hasMessageContaining("[1, 4]");
        assertThatThrownBy(() -> store.load(3)).isInstanceOf(NoSuchFileException.class);
        assertThatThrownBy(() -> store.rollback(3)).isInstanceOf(NoSuchFileException.class);
        assertThat(store.current()).get().extracting(ModelVersionInfo::version).isEqualTo(4L);

        assertThatThrownBy(() -> store.save(version(4, params(SPEC, 5))))
                .isInstanceOf(FileAlreadyExistsException.class)
                .hasMessageContaining("immutable").hasMessageContaining("latest is 4");
        assertBitEqual(store.load(4), params(SPEC, 4));

        Files.writeString(tmp.resolve("CURRENT"), "7\n");
        assertThatThrownBy(store::current).isInstanceOf(CorruptModelException.class)
                .hasMessageContaining("version 7").hasMessageContaining("[1, 4]");
        Files.writeString(tmp.resolve("CURRENT"), "latest");
        assertThatThrownBy(store::current).isInstanceOf(CorruptModelException.class)
                .hasMessageContaining("'latest'");

        // Metadata copied under another version's name.
        Files.copy(tmp.resolve("model-v1.json"), tmp.resolve("model-v2.json"));
        assertThatThrownBy(() -> store.show(2)).isInstanceOf(CorruptModelException.class)
                .hasMessageContaining("says version 1");
    }

    @Test
    void anOrphanParameterFileFromACrashedSaveIsInvisibleAndReplaced() throws Exception {
        ModelStore store = ModelStore.local(tmp);
        Files.write(tmp.resolve(ModelStore.paramFile(6)), new byte[] {1, 2, 3});
        Files.writeString(tmp.resolve(LocalStoreFiles.TEMP_PREFIX + "x-model-v6.json"), "{");
        assertThat(store.list()).isEmpty();
        float[][] p = params(SPEC, 6);
        store.save(version(6, p));
        assertBitEqual(store.load(6), p);
    }

    @Test
    void exportRefusesToOverwrite() throws Exception {
        ModelStore store = ModelStore.local(tmp.resolve("s"));
        store.save(version(1, params(SPEC, 1)));
        Path out = tmp.resolve("out");
        store.export(1, out);
        assertThatThrownBy(() -> store.export(1, out)).isInstanceOf(FileAlreadyExistsException.class)
                .hasMessageContaining("export elsewhere");
        // The export is self-describing: its metadata reads back equal.
        assertThat(ModelMetadataJson.read(Files.readAllBytes(out.resolve("model-v1.json")), "x"))
                .isEqualTo(store.show(1));
    }

    @Test
    void savingChecksTheParametersAgainstTheSpec() {
        float[][] wrong = params(SPEC, 1);
        wrong[1] = new float[7];
        assertThatThrownBy(() -> version(1, wrong)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("fc1.bias");
        assertThatThrownBy(() -> new ModelVersion(-1, 0, "krum", null, null, null, T0, SPEC, params(SPEC, 1)))
                .hasMessageContaining("version");
        assertThatThrownBy(() -> new ModelVersion(1, 0, " ", null, null, null, T0, SPEC, params(SPEC, 1)))
                .hasMessageContaining("rule");
    }
}
