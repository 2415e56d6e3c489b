package io.byzflink.training.store;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * {@link StoreFiles} in one directory of the local file system.
 *
 * <p>Atomic writes: the content goes to a hidden temporary file in the same directory (same file
 * system, so the rename cannot degrade to a copy), is forced to disk, then renamed over the
 * target with {@link StandardCopyOption#ATOMIC_MOVE}. A crash leaves at most a stray
 * {@value #TEMP_PREFIX}* file, which {@link #list()} ignores.
 */
public final class LocalStoreFiles implements StoreFiles {

    /** Prefix of temporary files; names starting with it are never listed. */
    static final String TEMP_PREFIX = ".tmp-";

    private final Path dir;

    /** Uses {@code dir}, creating it (and its parents) when missing. */
    public LocalStoreFiles(Path dir) throws IOException {
        this.dir = Objects.requireNonNull(dir, "dir").toAbsolutePath();
        Files.createDirectories(this.dir);
    }

    /** The directory. */
    public Path dir() {
        return dir;
    }

    @Override
    public List<String> list() throws IOException {
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path p : entries) {
                String name = p.getFileName().toString();
                if (!name.startsWith(TEMP_PREFIX) && Files.isRegularFile(p)) {
                    names.add(name);
                }
            }
        }
        return names;
    }

    @Override
    public boolean exists(String name) {
        return Files.isRegularFile(resolve(name));
    }

    @Override
    public byte[] read(String name) throws IOException {
        return Files.readAllBytes(resolve(name));
    }

    @Override
    public void write(String name, byte[] content) throws IOException {
        Path target = resolve(name);
        Path tmp = tempFor(name);
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                    OutputStream out = java.nio.channels.Channels.newOutputStream(ch)) {
                out.write(content);
                out.flush();
                ch.force(true);
            }
            move(tmp, target);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    @Override
    public void upload(Path source, String name) throws IOException {
        Path target = resolve(name);
        Path tmp = tempFor(name);
        try {
            Files.copy(source, tmp);
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            move(tmp, target);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    @Override
    public void download(String name, Path target) throws IOException {
        Files.copy(resolve(name), target, StandardCopyOption.REPLACE_EXISTING);
    }

    @Override
    public String describe(String name) {
        return resolve(name).toString();
    }

    @Override
    public String toString() {
        return "LocalStoreFiles[" + dir + "]";
    }

    private Path resolve(String name) {
        // Names come from the store itself, but refuse anything that would leave the directory.
        if (name.isEmpty() || name.contains("/") || name.contains("\\") || name.equals(".")
                || name.equals("..")) {
            throw new IllegalArgumentException("bad store file name '" + name + "': expected a plain file name");
        }
        return dir.resolve(name);
    }

    private Path tempFor(String name) {
        return dir.resolve(TEMP_PREFIX + UUID.randomUUID() + "-" + name);
    }

    private static void move(Path tmp, Path target) throws IOException {
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            // Some file systems (e.g. certain network mounts) cannot rename atomically; a plain
            // replace is the best they offer.
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
