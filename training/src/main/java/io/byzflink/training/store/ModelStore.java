package io.byzflink.training.store;

import io.byzflink.training.DjlRuntime;
import io.byzflink.training.ParameterLayout;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Versioned storage of global models.
 *
 * <p>Files of version {@code v} (all in one flat namespace of {@link StoreFiles}):
 * <ul>
 *   <li>{@code model-v<v>-0000.params}: the parameters as a DJL parameter file (DJL's own naming,
 *       so {@code model.load(dir, "model-v<v>")} opens it directly);
 *   <li>{@code model-v<v>.json}: metadata ({@link ModelVersionInfo}): round, rule, attack,
 *       metrics, creation time, SHA-256 of the parameters ({@link ParameterHash}), layer names and
 *       shapes, model spec.
 * </ul>
 * plus {@value #CURRENT} naming the version being served ({@link #current()}).
 *
 * <p>Crash safety: every file is written atomically, the parameter file before the metadata
 * file, and a version exists exactly when its metadata file does. A crash in the middle of
 * {@link #save} leaves at most an orphan parameter file that no listing shows and the next save
 * of that version replaces. Loads recompute the hash, so a file damaged later is caught too.
 *
 * <p>One writer at a time (the job's model updater or an operator's CLI); any number of readers.
 */
public final class ModelStore {

    /** Name of the pointer file written by {@link #rollback} and {@link #save}. */
    public static final String CURRENT = "CURRENT";

    private static final Pattern METADATA = Pattern.compile("model-v(0|[1-9]\\d{0,17})\\.json");

    private final StoreFiles files;

    /** A store on {@code files}. */
    public ModelStore(StoreFiles files) {
        this.files = Objects.requireNonNull(files, "files");
    }

    /** A store in the local directory {@code dir} (created when missing). */
    public static ModelStore local(Path dir) throws IOException {
        return new ModelStore(new LocalStoreFiles(dir));
    }

    /** Base name of version {@code v}'s files: {@code model-v<v>}. */
    public static String baseName(long version) {
        return "model-v" + version;
    }

    /** Name of version {@code v}'s metadata file. */
    public static String metadataFile(long version) {
        return baseName(version) + ".json";
    }

    /** Name of version {@code v}'s DJL parameter file. */
    public static String paramFile(long version) {
        return DjlParameterFiles.fileName(baseName(version));
    }

    /**
     * Stores a new version and makes it {@link #current()}: a model just saved is the one to serve
     * (also after a rollback, when training went on from the rolled-back model).
     *
     * @return the metadata written
     * @throws FileAlreadyExistsException when the version exists: versions are immutable, save
     *     under a new version number
     */
    public ModelVersionInfo save(ModelVersion model) throws IOException {
        long v = model.version();
        if (files.exists(metadataFile(v))) {
            throw new FileAlreadyExistsException(files.describe(metadataFile(v)), null,
                    "model version " + v + " already exists and versions are immutable; save under"
                            + " a new version (latest is " + latest().map(ModelVersionInfo::version).orElse(-1L) + ")");
        }
        ParameterLayout layout = model.spec().layout();
        ModelVersionInfo info = new ModelVersionInfo(v, model.round(), model.rule(), model.attack(),
                model.accuracy(), model.loss(), model.createdAt(), ParameterHash.sha256(model.parameters()),
                layout.totalLength(), paramFile(v), model.spec(), layers(layout));
        Path tmp = Files.createTempDirectory("byzflink-model-");
        try {
            Path params = DjlParameterFiles.save(model.spec(), model.parameters(), tmp, baseName(v));
            files.upload(params, paramFile(v));
        } finally {
            deleteTree(tmp);
        }
        byte[] json = ModelMetadataJson.write(info);
        files.write(metadataFile(v), json);
        files.write(CURRENT, pointer(v));
        // What a reader of the file gets (e.g. non-finite metrics become null).
        return ModelMetadataJson.read(json, files.describe(metadataFile(v)));
    }

    /** Metadata of every stored version, by ascending version. */
    public List<ModelVersionInfo> list() throws IOException {
        List<ModelVersionInfo> out = new ArrayList<>();
        for (long v : storedVersions()) {
            out.add(show(v));
        }
        return out;
    }

    /** The highest version, if any. */
    public Optional<ModelVersionInfo> latest() throws IOException {
        List<ModelVersionInfo> all = list();
        return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
    }

    /**
     * Metadata of version {@code v}.
     *
     * @throws NoSuchFileException naming the stored versions when {@code v} is not one
     * @throws CorruptModelException when the metadata cannot be read or names another version
     */
    public ModelVersionInfo show(long version) throws IOException {
        String name = metadataFile(version);
        byte[] bytes;
        try {
            bytes = files.read(name);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(files.describe(name), null, "no model version " + version
                    + " in the store; stored versions: " + storedVersions());
        }
        ModelVersionInfo info = ModelMetadataJson.read(bytes, files.describe(name));
        if (info.version() != version) {
            throw new CorruptModelException(files.describe(name) + " says version " + info.version()
                    + " but its name says " + version + "; the file was renamed or copied by hand,"
                    + " restore the original");
        }
        return info;
    }

    /**
     * The parameters of version {@code v}, in layout order, after checking them against the
     * recorded SHA-256 and layer shapes.
     *
     * @throws CorruptModelException when the parameter file is damaged, replaced or unreadable
     */
    public float[][] load(long version) throws IOException {
        ModelVersionInfo info = show(version);
        List<ModelVersionInfo.Layer> expectedLayers = layers(info.spec().layout());
        if (!expectedLayers.equals(info.layers())) {
            throw new CorruptModelException(files.describe(metadataFile(version)) + ": layers "
                    + info.layers() + " do not match spec " + info.spec() + " (" + expectedLayers
                    + "); restore the file from a backup or export");
        }
        DjlRuntime.ensureConfigured();
        Path tmp = Files.createTempDirectory("byzflink-model-");
        float[][] params;
        try {
            try {
                files.download(info.paramFile(), tmp.resolve(paramFile(version)));
            } catch (NoSuchFileException e) {
                throw new CorruptModelException("parameter file " + files.describe(info.paramFile())
                        + " of model version " + version + " is missing; restore it from a backup or"
                        + " export, or delete " + metadataFile(version), e);
            }
            params = DjlParameterFiles.load(info.spec(), tmp, baseName(version));
        } finally {
            deleteTree(tmp);
        }
        String actual = ParameterHash.sha256(params);
        if (!actual.equals(info.sha256())) {
            throw new CorruptModelException("parameters of model version " + version + " in "
                    + files.describe(info.paramFile()) + " have SHA-256 " + actual + " but "
                    + metadataFile(version) + " records " + info.sha256() + ": the file was altered or"
                    + " replaced; restore it from a backup or export, or roll back to another version");
        }
        return params;
    }

    /**
     * Copies version {@code v}'s parameter file and metadata into the local directory
     * {@code target} (created when missing), after verifying the parameters like {@link #load}.
     * The copy is a self-contained model: {@code model.load(target, "model-v<v>")} in DJL.
     *
     * @return the two files written
     * @throws FileAlreadyExistsException when {@code target} already holds one of them
     */
    public List<Path> export(long version, Path target) throws IOException {
        load(version);
        Files.createDirectories(target);
        List<Path> written = new ArrayList<>();
        for (String name : List.of(paramFile(version), metadataFile(version))) {
            Path dst = target.resolve(name);
            if (Files.exists(dst)) {
                throw new FileAlreadyExistsException(dst.toString(), null,
                        "export target already holds this file; delete it or export elsewhere");
            }
            files.download(name, dst);
            written.add(dst);
        }
        return written;
    }

    /**
     * Makes version {@code v} the {@link #current()} one, after verifying its parameters like
     * {@link #load} (a rollback to a damaged model would be worse than none). Versions above
     * {@code v} stay stored.
     *
     * @return the metadata of {@code v}
     */
    public ModelVersionInfo rollback(long version) throws IOException {
        load(version);
        files.write(CURRENT, pointer(version));
        return show(version);
    }

    /**
     * The version being served: the one named by {@value #CURRENT} (the last saved or rolled back
     * to), else the {@link #latest()}; empty when the store is empty.
     *
     * @throws CorruptModelException when {@value #CURRENT} is unreadable or names a missing version
     */
    public Optional<ModelVersionInfo> current() throws IOException {
        byte[] bytes;
        try {
            bytes = files.read(CURRENT);
        } catch (NoSuchFileException e) {
            return latest();
        }
        String text = new String(bytes, StandardCharsets.UTF_8).strip();
        long version;
        try {
            version = Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new CorruptModelException(files.describe(CURRENT) + " holds '" + text
                    + "', not a version number; roll back to a stored version " + storedVersions()
                    + " or delete the file to serve the latest");
        }
        if (!files.exists(metadataFile(version))) {
            throw new CorruptModelException(files.describe(CURRENT) + " names model version " + version
                    + ", which is not stored; roll back to a stored version " + storedVersions()
                    + " or delete the file to serve the latest");
        }
        return Optional.of(show(version));
    }

    /** The storage this store uses. */
    public StoreFiles files() {
        return files;
    }

    @Override
    public String toString() {
        return "ModelStore[" + files + "]";
    }

    private static List<ModelVersionInfo.Layer> layers(ParameterLayout layout) {
        return layout.entries().stream()
                .map(e -> new ModelVersionInfo.Layer(e.name(), Arrays.stream(e.shape()).boxed().toList()))
                .toList();
    }

    private static byte[] pointer(long version) {
        return (version + "\n").getBytes(StandardCharsets.UTF_8);
    }

    private List<Long> storedVersions() throws IOException {
        List<Long> versions = new ArrayList<>();
        for (String name : files.list()) {
            Matcher m = METADATA.matcher(name);
            if (m.matches()) {
                versions.add(Long.parseLong(m.group(1)));
            }
        }
        versions.sort(Comparator.naturalOrder());
        return versions;
    }

    /**
     * Best effort: a leftover temporary directory is harmless, and throwing here would hide the
     * exception that may be on its way out of the caller's try block.
     */
    private static void deleteTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException | RuntimeException e) {
            // ignored, see above
        }
    }
}
