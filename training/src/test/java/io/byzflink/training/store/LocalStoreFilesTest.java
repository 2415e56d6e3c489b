package io.byzflink.training.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalStoreFilesTest {

    @TempDir
    Path tmp;

    @Test
    void writesReplacesAndReads() throws Exception {
        LocalStoreFiles files = new LocalStoreFiles(tmp.resolve("a/b"));
        assertThat(files.dir()).isDirectory();
        assertThat(files.exists("x")).isFalse();
        files.write("x", "one".getBytes(StandardCharsets.UTF_8));
        files.write("x", "two".getBytes(StandardCharsets.UTF_8));
        assertThat(files.exists("x")).isTrue();
        assertThat(new String(files.read("x"), StandardCharsets.UTF_8)).isEqualTo("two");
        assertThat(files.list()).containsExactly("x");
        // No temporary file is left behind.
        try (var entries = Files.list(files.dir())) {
            assertThat(entries.map(p -> p.getFileName().toString())).containsExactly("x");
        }
    }

    @Test
    void uploadsAndDownloads() throws Exception {
        LocalStoreFiles files = new LocalStoreFiles(tmp.resolve("store"));
        Path src = Files.writeString(tmp.resolve("src.bin"), "payload");
        files.upload(src, "p.bin");
        Path dst = tmp.resolve("dst.bin");
        Files.writeString(dst, "old");
        files.download("p.bin", dst);
        assertThat(Files.readString(dst)).isEqualTo("payload");
        assertThatThrownBy(() -> files.download("missing", tmp.resolve("m")))
                .isInstanceOf(NoSuchFileException.class);
        assertThatThrownBy(() -> files.read("missing")).isInstanceOf(NoSuchFileException.class);
    }

    @Test
    void listIgnoresTemporaryFilesAndDirectories() throws Exception {
        LocalStoreFiles files = new LocalStoreFiles(tmp);
        Files.writeString(tmp.resolve(LocalStoreFiles.TEMP_PREFIX + "123-model-v1.json"), "{");
        Files.createDirectory(tmp.resolve("sub"));
        files.write("model-v1.json", new byte[] {1});
        assertThat(files.list()).containsExactly("model-v1.json");
    }

    @Test
    void refusesNamesOutsideTheDirectory() throws Exception {
        LocalStoreFiles files = new LocalStoreFiles(tmp.resolve("s"));
        for (String bad : new String[] {"../x", "a/b", "..", ".", ""}) {
            assertThatThrownBy(() -> files.write(bad, new byte[0]))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("file name");
        }
    }
}
