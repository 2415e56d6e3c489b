package io.byzflink.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.byzflink.training.ModelKind;
import io.byzflink.training.ModelSpec;
import io.byzflink.training.store.ModelStore;
import io.byzflink.training.store.ModelVersion;
import io.byzflink.training.store.ModelVersionInfo;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** The model store through Flink's FileSystem API, on a file:// URI (the code path of s3://, hdfs://...). */
class FlinkStoreFilesTest {

    @Test
    void filesAreWrittenAtomicallyListedWithoutTemporariesAndReadBack(@TempDir Path dir) throws Exception {
        FlinkStoreFiles files = new FlinkStoreFiles(dir.toUri().toString());
        files.write("a.json", "one".getBytes(StandardCharsets.UTF_8));
        files.write("a.json", "two".getBytes(StandardCharsets.UTF_8));
        Path local = dir.resolve("local.bin");
        Files.write(local, new byte[] {1, 2, 3});
        files.upload(local, "b.params");
        Files.writeString(dir.resolve(".tmp-crashed-c.json"), "partial");
        assertThat(files.list()).containsExactlyInAnyOrder("a.json", "b.params", "local.bin");
        assertThat(new String(files.read("a.json"), StandardCharsets.UTF_8)).isEqualTo("two");
        Path copy = dir.resolve("copy.bin");
        files.download("b.params", copy);
        assertThat(Files.readAllBytes(copy)).containsExactly(1, 2, 3);
        assertThatThrownBy(() -> files.read("missing.json")).isInstanceOf(NoSuchFileException.class);
        assertThatThrownBy(() -> files.write("../escape", new byte[0])).hasMessageContaining("plain names");
    }

    @Test
    void aModelStoreOnAUriKeepsVersionsExactly(@TempDir Path dir) throws Exception {
        ModelStore store = FlinkStoreFiles.open(dir.toUri().toString());
        ModelSpec spec = ModelSpec.fashionMnist(ModelKind.LOGREG, 0);
        float[][] params = new float[spec.layout().entries().size()][];
        for (int l = 0; l < params.length; l++) {
            params[l] = new float[spec.layout().entries().get(l).length()];
            for (int i = 0; i < params[l].length; i++) {
                params[l][i] = (float) Math.sin(l * 1000 + i);
            }
        }
        store.save(ModelVersion.of(3, 2, "median", null, spec, params));
        ModelVersionInfo info = store.show(3);
        assertThat(info.round()).isEqualTo(2);
        assertThat(store.load(3)[0]).containsExactly(params[0]);
        assertThat(store.list()).extracting(ModelVersionInfo::version).containsExactly(3L);
    }
}
