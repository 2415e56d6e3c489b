package io.byzflink.serde.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.byzflink.serde.avro.TensorChunk;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClientRegistryTest {

    static final String HEX1 = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
    static final String HEX2 = "ffeeddccbbaa99887766554433221100";

    @Test
    void parsesHexAndBase64Keys() {
        byte[] raw = HexFormat.of().parseHex(HEX2);
        String b64 = Base64.getEncoder().encodeToString(raw);
        ClientRegistry r = ClientRegistry.parse(" 1:" + HEX1 + " ; 7 : base64:" + b64 + ";");

        assertThat(r.size()).isEqualTo(2);
        assertThat(r.ids()).containsExactly(1, 7);
        assertThat(r.known(1)).isTrue();
        assertThat(r.known(2)).isFalse();
        assertThat(r.key(1)).isEqualTo(HexFormat.of().parseHex(HEX1));
        assertThat(r.key(7)).isEqualTo(raw);
    }

    @Test
    void hexIsCaseInsensitiveAndMayStartWith0x() {
        ClientRegistry r = ClientRegistry.parse("3:0x" + HEX2.toUpperCase());
        assertThat(r.key(3)).isEqualTo(HexFormat.of().parseHex(HEX2));
    }

    @Test
    void keysAreDefensivelyCopied() {
        ClientRegistry r = ClientRegistry.parse("1:" + HEX1);
        r.key(1)[0] = 42;
        assertThat(r.key(1)[0]).isZero();
        byte[] mine = HexFormat.of().parseHex(HEX1);
        ClientRegistry fromMap = ClientRegistry.of(Map.of(5, mine));
        mine[0] = 42;
        assertThat(fromMap.key(5)[0]).isZero();
    }

    @Test
    void shortKeysAreRefusedWithTheConfigKeyAndAHowTo() {
        assertThatThrownBy(() -> ClientRegistry.parse("1:" + HEX1 + ";2:00112233445566778899aabbccddee"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("clients.keys")
                .hasMessageContaining("client 2")
                .hasMessageContaining("15 bytes")
                .hasMessageContaining("openssl rand -hex 32")
                // Never echo key material.
                .hasMessageNotContaining("00112233");
        assertThatThrownBy(() -> ClientRegistry.of(Map.of(1, new byte[15])))
                .hasMessageContaining("clients.keys").hasMessageContaining("at least 16 bytes");
    }

    @Test
    void malformedSpecsNameTheKeyAndTheEntry() {
        assertThatThrownBy(() -> ClientRegistry.parse(""))
                .hasMessageContaining("clients.keys is empty");
        assertThatThrownBy(() -> ClientRegistry.parse(" ; ;"))
                .hasMessageContaining("clients.keys").hasMessageContaining("no client");
        assertThatThrownBy(() -> ClientRegistry.parse("1:" + HEX1 + ";" + HEX2))
                .hasMessageContaining("clients.keys entry 2").hasMessageContaining("no ':'");
        assertThatThrownBy(() -> ClientRegistry.parse("one:" + HEX1))
                .hasMessageContaining("clients.keys entry 1").hasMessageContaining("'one' is not an integer");
        assertThatThrownBy(() -> ClientRegistry.parse("1:" + HEX1 + "z"))
                .hasMessageContaining("hex").hasMessageNotContaining(HEX1);
        assertThatThrownBy(() -> ClientRegistry.parse("1:" + HEX1 + "0"))
                .hasMessageContaining("even number of hex digits");
        assertThatThrownBy(() -> ClientRegistry.parse("1:base64:***"))
                .hasMessageContaining("base64");
        assertThatThrownBy(() -> ClientRegistry.parse("1:"))
                .hasMessageContaining("client 1 has an empty key");
        assertThatThrownBy(() -> ClientRegistry.parse("1:" + HEX1 + ";1:" + HEX2))
                .hasMessageContaining("client 1 is listed twice");
    }

    @Test
    void loadsAKeyFileWithComments(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("clients.keys");
        Files.writeString(file, String.join("\n",
                "# ByzFlink client keys: id=key",
                "",
                "1 = " + HEX1,
                "  # indented comment",
                "2=base64:" + Base64.getEncoder().encodeToString(HexFormat.of().parseHex(HEX2)),
                ""), StandardCharsets.UTF_8);
        ClientRegistry r = ClientRegistry.load(file);
        assertThat(r.ids()).containsExactly(1, 2);
        assertThat(r.key(2)).isEqualTo(HexFormat.of().parseHex(HEX2));
    }

    @Test
    void keyFileErrorsNameFileAndLine(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("bad.keys");
        Files.writeString(file, "# header\n1=" + HEX1 + "\n2:" + HEX2 + "\n");
        assertThatThrownBy(() -> ClientRegistry.load(file))
                .hasMessageContaining("clients.keys file " + file + " line 3")
                .hasMessageContaining("no '='");
        Files.writeString(file, "1=" + HEX1 + "\n1=" + HEX2 + "\n");
        assertThatThrownBy(() -> ClientRegistry.load(file))
                .hasMessageContaining("line 2").hasMessageContaining("listed twice");
        Files.writeString(file, "# nothing\n");
        assertThatThrownBy(() -> ClientRegistry.load(file)).hasMessageContaining("no client");
        assertThatThrownBy(() -> ClientRegistry.load(dir.resolve("missing.keys")))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("clients.keys").hasMessageContaining("missing.keys");
    }

    @Test
    void unknownKeyLookupSaysWhichClientsExist() {
        ClientRegistry r = ClientRegistry.parse("1:" + HEX1);
        assertThatThrownBy(() -> r.key(9))
                .hasMessageContaining("client 9").hasMessageContaining("[1]");
    }

    @Test
    void verdicts() {
        ClientRegistry r = ClientRegistry.parse("3:" + HEX1 + ";4:" + HEX2);
        TensorChunk chunk = ChunkSignerTest.fixedChunk(); // sender 3

        assertThat(r.verify(chunk)).isEqualTo(Verdict.UNSIGNED);
        TensorChunk signed = ChunkSigner.signed(chunk, r.key(3));
        assertThat(r.verify(signed)).isEqualTo(Verdict.OK);
        assertThat(r.verify(signed).accepted()).isTrue();

        // Client 4 claims to be client 3 with its own key.
        TensorChunk impostor = ChunkSigner.signed(chunk, r.key(4));
        assertThat(r.verify(impostor)).isEqualTo(Verdict.BAD_SIGNATURE);
        assertThat(r.verify(impostor).accepted()).isFalse();

        TensorChunk garbage = TensorChunk.newBuilder(chunk).setSignature(ByteBuffer.wrap(new byte[3])).build();
        assertThat(r.verify(garbage)).isEqualTo(Verdict.BAD_SIGNATURE);

        TensorChunk stranger = TensorChunk.newBuilder(signed).setSender(99).build();
        assertThat(r.verify(stranger)).isEqualTo(Verdict.UNKNOWN_SENDER);
        stranger.setSignature(null);
        assertThat(r.verify(stranger)).isEqualTo(Verdict.UNKNOWN_SENDER);
    }

    @Test
    void serializesAndNeverPrintsKeys() throws Exception {
        ClientRegistry r = ClientRegistry.parse("1:" + HEX1 + ";2:" + HEX2);
        assertThat(r.toString()).contains("2 clients").contains("[1, 2]")
                .doesNotContain(HEX1).doesNotContain("0001020304");

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(r);
        }
        ClientRegistry back;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            back = (ClientRegistry) in.readObject();
        }
        assertThat(back.ids()).containsExactly(1, 2);
        assertThat(back.key(2)).isEqualTo(r.key(2));
    }
}
