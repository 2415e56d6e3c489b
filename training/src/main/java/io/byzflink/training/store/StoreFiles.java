package io.byzflink.training.store;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The few file operations {@link ModelStore} needs on its storage location: a flat namespace of
 * named files. Kept this small so a store on another file system (Flink's {@code FileSystem},
 * an object store) is a short adapter.
 *
 * <p>Contract for every implementation: {@link #write} and {@link #upload} are atomic (a reader
 * sees the old content or the new one, never a partial file), and {@link #list} never lists the
 * temporary files they use.
 */
public interface StoreFiles {

    /** Names of the complete files in the store, in no particular order. */
    List<String> list() throws IOException;

    /** Whether the file {@code name} exists. */
    boolean exists(String name) throws IOException;

    /**
     * The whole content of a (small) file.
     *
     * @throws java.nio.file.NoSuchFileException when it does not exist
     */
    byte[] read(String name) throws IOException;

    /** Creates or atomically replaces {@code name} with {@code content}. */
    void write(String name, byte[] content) throws IOException;

    /** Creates or atomically replaces {@code name} with a copy of the local file {@code source}. */
    void upload(Path source, String name) throws IOException;

    /**
     * Copies {@code name} to the local file {@code target} (replacing it).
     *
     * @throws java.nio.file.NoSuchFileException when {@code name} does not exist
     */
    void download(String name, Path target) throws IOException;

    /** Human-readable location of {@code name}, for messages. */
    String describe(String name);
}
