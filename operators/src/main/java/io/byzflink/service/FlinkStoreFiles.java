package io.byzflink.service;

import io.byzflink.training.store.ModelStore;
import io.byzflink.training.store.StoreFiles;

import org.apache.flink.core.fs.FSDataInputStream;
import org.apache.flink.core.fs.FSDataOutputStream;
import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.FileSystem.WriteMode;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A {@link ModelStore} location on any Flink file system ({@code file://}, {@code s3://},
 * {@code hdfs://}... whatever the cluster has plugins for): writes go to a hidden temporary file
 * that is then renamed over the target, which is atomic on local and HDFS-like file systems (on
 * object stores a rename is a copy; readers may then see a missing file briefly, never a partial
 * one, since the JSON metadata that makes a version visible is written last).
 */
public final class FlinkStoreFiles implements StoreFiles {

    private static final String TMP_PREFIX = ".tmp-";

    private final org.apache.flink.core.fs.Path dir;

    public FlinkStoreFiles(String uri) throws IOException {
        this.dir = new org.apache.flink.core.fs.Path(uri);
        FileSystem fs = dir.getFileSystem();
        if (!fs.exists(dir)) {
            fs.mkdirs(dir);
        }
    }

    /** A model store at {@code location}: a local folder or any Flink file system URI. */
    public static ModelStore open(String location) throws IOException {
        return location.contains("://") ? new ModelStore(new FlinkStoreFiles(location))
                : ModelStore.local(java.nio.file.Path.of(location));
    }

    private FileSystem fs() throws IOException {
        return dir.getFileSystem();
    }

    private org.apache.flink.core.fs.Path at(String name) {
        if (name.contains("/") || name.startsWith(".")) {
            throw new IllegalArgumentException("store file names are plain names, got '" + name + "'");
        }
        return new org.apache.flink.core.fs.Path(dir, name);
    }

    @Override
    public List<String> list() throws IOException {
        List<String> names = new ArrayList<>();
        FileStatus[] all = fs().listStatus(dir);
        if (all != null) {
            for (FileStatus f : all) {
                String name = f.getPath().getName();
                if (!f.isDir() && !name.startsWith(TMP_PREFIX)) {
                    names.add(name);
                }
            }
        }
        return names;
    }

    @Override
    public boolean exists(String name) throws IOException {
        return fs().exists(at(name));
    }

    @Override
    public byte[] read(String name) throws IOException {
        if (!exists(name)) {
            throw new NoSuchFileException(describe(name));
        }
        try (FSDataInputStream in = fs().open(at(name))) {
            return in.readAllBytes();
        }
    }

    @Override
    public void write(String name, byte[] content) throws IOException {
        replace(name, out -> out.write(content));
    }

    @Override
    public void upload(java.nio.file.Path source, String name) throws IOException {
        replace(name, out -> Files.copy(source, out));
    }

    @Override
    public void download(String name, java.nio.file.Path target) throws IOException {
        if (!exists(name)) {
            throw new NoSuchFileException(describe(name));
        }
        try (InputStream in = fs().open(at(name))) {
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    @Override
    public String describe(String name) {
        return at(name).toString();
    }

    private interface Writer {
        void to(FSDataOutputStream out) throws IOException;
    }

    private void replace(String name, Writer writer) throws IOException {
        org.apache.flink.core.fs.Path target = at(name);
        org.apache.flink.core.fs.Path tmp = new org.apache.flink.core.fs.Path(dir, TMP_PREFIX + UUID.randomUUID() + "-" + name);
        FileSystem fs = fs();
        try (FSDataOutputStream out = fs.create(tmp, WriteMode.NO_OVERWRITE)) {
            writer.to(out);
            out.sync();
        }
        // A local rename replaces the target atomically; file systems whose rename refuses an
        // existing target (HDFS) get delete-then-rename, only ever used for the CURRENT pointer.
        if (!fs.rename(tmp, target) && !(fs.exists(target) && fs.delete(target, false) && fs.rename(tmp, target))) {
            fs.delete(tmp, false);
            throw new IOException("could not move " + tmp + " to " + target);
        }
    }
}
