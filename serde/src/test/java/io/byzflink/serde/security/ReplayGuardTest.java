package io.byzflink.serde.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.byzflink.serde.TensorCodec;
import io.byzflink.serde.avro.TensorChunk;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import org.junit.jupiter.api.Test;

class ReplayGuardTest {

    static final byte[] KEY = ChunkSignerTest.KEY;

    static TensorChunk chunk(int sender, long round, int layer, int index) {
        TensorChunk c = ChunkSignerTest.fixedChunk();
        c.setSender(sender);
        c.setRound(round);
        c.setLayerIndex(layer);
        c.setChunkIndex(index);
        return c;
    }

    @Test
    void acceptsEachIdentityOnce() {
        ReplayGuard g = new ReplayGuard(4, 100);
        assertThat(g.firstTime(chunk(1, 10, 0, 0))).isTrue();
        assertThat(g.firstTime(chunk(1, 10, 0, 0))).isFalse();
        // Each identity component distinguishes.
        assertThat(g.firstTime(chunk(2, 10, 0, 0))).isTrue();
        assertThat(g.firstTime(chunk(1, 11, 0, 0))).isTrue();
        assertThat(g.firstTime(chunk(1, 10, 1, 0))).isTrue();
        assertThat(g.firstTime(chunk(1, 10, 0, 1))).isTrue();
        assertThat(g.size()).isEqualTo(5);
        assertThat(g.trackedRounds()).isEqualTo(2);
    }

    @Test
    void tellsRedeliveryFromEquivocation() {
        ReplayGuard g = new ReplayGuard(4, 100);
        TensorChunk signed = ChunkSigner.signed(chunk(1, 10, 0, 0), KEY);
        assertThat(g.check(signed)).isEqualTo(ReplayVerdict.FIRST);
        assertThat(g.check(TensorChunk.newBuilder(signed).build())).isEqualTo(ReplayVerdict.DUPLICATE);

        TensorChunk other = chunk(1, 10, 0, 0);
        other.setValues(TensorCodec.encode(new float[] {9f, 9f}));
        assertThat(g.check(ChunkSigner.signed(other, KEY))).isEqualTo(ReplayVerdict.CONFLICT);
        assertThat(g.check(ChunkSigner.signed(other, KEY)).accepted()).isFalse();
        assertThat(g.size()).isEqualTo(1);
    }

    @Test
    void unsignedChunksAreClassifiedByContentHash() {
        ReplayGuard g = new ReplayGuard(4, 100);
        assertThat(g.check(chunk(1, 10, 0, 0))).isEqualTo(ReplayVerdict.FIRST);
        assertThat(g.check(chunk(1, 10, 0, 0))).isEqualTo(ReplayVerdict.DUPLICATE);
        TensorChunk other = chunk(1, 10, 0, 0);
        other.setWeight(2.0);
        assertThat(g.check(other)).isEqualTo(ReplayVerdict.CONFLICT);
    }

    @Test
    void forgetsOldRoundsAndRefusesThemAfterwards() {
        ReplayGuard g = new ReplayGuard(4, 100);
        g.forgetBefore(10);
        assertThat(g.floor()).isEqualTo(10);
        assertThat(g.firstTime(chunk(1, 10, 0, 0))).isTrue();
        assertThat(g.firstTime(chunk(1, 11, 0, 0))).isTrue();
        assertThat(g.firstTime(chunk(1, 12, 0, 0))).isTrue();

        g.forgetBefore(12);
        assertThat(g.size()).isEqualTo(1);
        assertThat(g.trackedRounds()).isEqualTo(1);
        // A replay of a forgotten round must not look new.
        assertThat(g.check(chunk(1, 10, 0, 0))).isEqualTo(ReplayVerdict.STALE);
        assertThat(g.check(chunk(1, 11, 0, 0))).isEqualTo(ReplayVerdict.STALE);
        assertThat(g.check(chunk(1, 12, 0, 0))).isEqualTo(ReplayVerdict.DUPLICATE);

        // The floor never moves back.
        g.forgetBefore(5);
        assertThat(g.floor()).isEqualTo(12);
        assertThat(g.check(chunk(1, 10, 0, 0))).isEqualTo(ReplayVerdict.STALE);
    }

    @Test
    void memoryIsBoundedByWindowAndPerRoundCap() {
        ReplayGuard g = new ReplayGuard(2, 3);
        g.forgetBefore(0);
        for (int i = 0; i < 3; i++) {
            assertThat(g.check(chunk(i, 0, 0, 0))).isEqualTo(ReplayVerdict.FIRST);
        }
        assertThat(g.check(chunk(9, 0, 0, 0))).isEqualTo(ReplayVerdict.ROUND_FULL);
        // A full round still recognises what it holds.
        assertThat(g.check(chunk(0, 0, 0, 0))).isEqualTo(ReplayVerdict.DUPLICATE);
        assertThat(g.check(chunk(0, 1, 0, 0))).isEqualTo(ReplayVerdict.FIRST);
        // No sender can open rounds far in the future.
        for (long r = 2; r < 1_000; r++) {
            assertThat(g.check(chunk(0, r, 0, 0))).isEqualTo(ReplayVerdict.TOO_FAR_AHEAD);
        }
        assertThat(g.size()).isEqualTo(4);
        assertThat(g.trackedRounds()).isEqualTo(2);

        g.forgetBefore(1);
        assertThat(g.check(chunk(0, 2, 0, 0))).isEqualTo(ReplayVerdict.FIRST);
        assertThat(g.size()).isEqualTo(2);
    }

    @Test
    void theFirstChunkSetsTheFloorWhenNoneWasGiven() {
        ReplayGuard g = new ReplayGuard(3, 10);
        assertThat(g.floor()).isEqualTo(Long.MIN_VALUE);
        assertThat(g.check(chunk(1, 5, 0, 0))).isEqualTo(ReplayVerdict.FIRST);
        assertThat(g.floor()).isEqualTo(5);
        assertThat(g.check(chunk(1, 4, 0, 0))).isEqualTo(ReplayVerdict.STALE);
        assertThat(g.check(chunk(1, 8, 0, 0))).isEqualTo(ReplayVerdict.TOO_FAR_AHEAD);
    }

    @Test
    void serializesWithItsState() throws Exception {
        ReplayGuard g = new ReplayGuard(4, 100);
        g.forgetBefore(3);
        g.check(chunk(1, 3, 0, 0));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(g);
        }
        ReplayGuard back;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            back = (ReplayGuard) in.readObject();
        }
        assertThat(back.floor()).isEqualTo(3);
        assertThat(back.check(chunk(1, 3, 0, 0))).isEqualTo(ReplayVerdict.DUPLICATE);
        assertThat(back.check(chunk(1, 2, 0, 0))).isEqualTo(ReplayVerdict.STALE);
    }

    @Test
    void rejectsBadBounds() {
        assertThatThrownBy(() -> new ReplayGuard(0, 1)).hasMessageContaining("roundWindow");
        assertThatThrownBy(() -> new ReplayGuard(1, 0)).hasMessageContaining("maxChunksPerRound");
    }
}
