package io.byzflink.operators;

import static io.byzflink.operators.TestChunks.EXPERIMENT;
import static io.byzflink.operators.TestChunks.LAYOUT;
import static io.byzflink.operators.TestChunks.CHUNK_SIZE;
import static org.assertj.core.api.Assertions.assertThat;

import io.byzflink.serde.avro.RejectReason;
import io.byzflink.serde.avro.Rejected;
import io.byzflink.serde.avro.TensorChunk;
import io.byzflink.serde.avro.TensorKind;
import io.byzflink.service.RoundGate;
import io.byzflink.service.RoundPolicy;
import io.byzflink.service.RoundSignal;
import io.byzflink.service.VersionSignals;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The round gate decides each round's participants once, for every chunk: through the real
 * operator in Flink's keyed two-input test harness, with processing time driven by the test.
 * Layout: 3 chunks per update (w/0, w/1, b/0), 2 registered clients.
 */
class RoundGateTest {

    private static final int MAX_AHEAD = 2;

    private KeyedTwoInputStreamOperatorTestHarness<Long, TensorChunk, Tuple2<Long, RoundSignal>, TensorChunk> harness;

    private void start(RoundPolicy policy) throws Exception {
        harness = new KeyedTwoInputStreamOperatorTestHarness<>(
                new KeyedCoProcessOperator<>(new RoundGate(EXPERIMENT, "exp.updates", LAYOUT, CHUNK_SIZE, policy, MAX_AHEAD)),
                TensorChunk::getRound, v -> v.f0, Types.LONG);
        harness.open();
        harness.setProcessingTime(0);
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    /** The three chunks of sender {@code sender}'s update for {@code round}. */
    private static List<TensorChunk> update(long round, int sender) {
        return List.of(
                TestChunks.chunk(round, sender, TensorKind.DELTA, 1.0, 0, 0, 1, 2, 3),
                TestChunks.chunk(round, sender, TensorKind.DELTA, 1.0, 0, 1, 4, 5),
                TestChunks.chunk(round, sender, TensorKind.DELTA, 1.0, 1, 0, 6, 7));
    }

    private void send(TensorChunk c) throws Exception {
        harness.processElement1(new StreamRecord<>(c));
    }

    /** Model version v as the job's {@link VersionSignals} announce it. */
    private void version(long v) throws Exception {
        List<Tuple2<Long, RoundSignal>> signals = new java.util.ArrayList<>();
        new VersionSignals(MAX_AHEAD).flatMap(TestChunks.chunk(v, -1, TensorKind.MODEL, 1.0, 0, 0, 1, 2, 3),
                new org.apache.flink.api.common.functions.util.ListCollector<>(signals));
        assertThat(signals).hasSize(v > 0 ? 3 : 2);
        for (Tuple2<Long, RoundSignal> signal : signals) {
            harness.processElement2(new StreamRecord<>(signal));
        }
    }

    private List<TensorChunk> out() {
        return harness.extractOutputValues();
    }

    private List<String> markers() {
        return out().stream().filter(RoundClose::isMarker)
                .map(m -> m.getRound() + ":" + chunkId(m) + "=" + Arrays.toString(RoundClose.participants(m)))
                .collect(Collectors.toList());
    }

    private static int chunkId(TensorChunk c) {
        return TestChunks.IDS.id(c);
    }

    private List<Rejected> rejected() {
        return harness.getSideOutput(RoundGate.REJECTED) == null ? List.of()
                : harness.getSideOutput(RoundGate.REJECTED).stream().map(StreamRecord::getValue).toList();
    }

    @Test
    void closesWhenEveryClientIsInAndNamesThemToEveryChunk() throws Exception {
        start(new RoundPolicy(2, 1, 100, 1_000));
        version(0);
        update(0, 1).forEach(this::sendUnchecked);
        assertThat(markers()).isEmpty();
        update(0, 0).forEach(this::sendUnchecked);
        assertThat(out().stream().filter(c -> !RoundClose.isMarker(c))).hasSize(6);
        assertThat(markers()).containsExactly("0:0=[0, 1]", "0:1=[0, 1]", "0:2=[0, 1]");
    }

    @Test
    void duplicatesAndLateUpdatesAreDeadLetteredNotForwarded() throws Exception {
        start(new RoundPolicy(2, 1, 100, 1_000));
        version(0);
        TensorChunk first = update(0, 0).get(0);
        send(first);
        send(first);
        assertThat(rejected()).extracting(Rejected::getReason).containsExactly(RejectReason.DUPLICATE);
        update(0, 0).subList(1, 3).forEach(this::sendUnchecked);
        update(0, 1).forEach(this::sendUnchecked);
        send(update(0, 1).get(2)); // after the close
        assertThat(rejected()).extracting(Rejected::getReason).containsExactly(RejectReason.DUPLICATE, RejectReason.LATE);
        assertThat(out().stream().filter(c -> !RoundClose.isMarker(c))).hasSize(6);
    }

    @Test
    void holdsUpdatesUntilTheirModelVersionIsPublished() throws Exception {
        start(new RoundPolicy(2, 2, 100, 1_000));
        version(1); // admits rounds up to 1 + 2
        update(3, 0).forEach(this::sendUnchecked);
        assertThat(out()).isEmpty();
        version(2);
        version(3);
        assertThat(out()).hasSize(3);
        assertThat(rejected()).isEmpty();
    }

    /** A client (registered, signing correctly) racing ahead cannot make the gate hold updates for far-off rounds. */
    @Test
    void updatesFurtherAheadThanMaxAheadAreDeadLetteredNotHeld() throws Exception {
        start(new RoundPolicy(2, 2, 100, 1_000));
        update(1, 0).forEach(this::sendUnchecked); // rounds 0 and 1 may wait before any version is read
        send(update(2, 0).get(0)); // round 2 may not: nothing has been published yet
        version(0); // admits round 2
        send(update(2, 0).get(1));
        send(update(3, 0).get(0));
        send(update(1_000_000, 1).get(0));
        assertThat(rejected()).extracting(Rejected::getRound).containsExactly(2L, 3L, 1_000_000L);
        assertThat(rejected()).extracting(Rejected::getReason).containsOnly(RejectReason.WRONG_ROUND);
        assertThat(rejected().get(0).getDetail()).contains("round.max-ahead = 2");

        version(1);
        assertThat(out()).as("round 1's held update goes in once its version is read").hasSize(3)
                .allSatisfy(c -> assertThat(c.getRound()).isEqualTo(1));
        version(2);
        version(3);
        assertThat(out()).as("of rounds 2 and 3 only the chunk that came once round 2 was admitted")
                .hasSize(4).last().isEqualTo(update(2, 0).get(1));
    }

    /** Held chunks are deduplicated on arrival: a client repeating a chunk of a future round does not grow the state. */
    @Test
    void duplicatesOfAHeldRoundAreDeadLetteredOnArrival() throws Exception {
        start(new RoundPolicy(2, 2, 100, 1_000));
        TensorChunk c = update(1, 0).get(0);
        for (int i = 0; i < 100; i++) {
            send(c);
        }
        assertThat(rejected()).hasSize(99).extracting(Rejected::getReason).containsOnly(RejectReason.DUPLICATE);
        version(0);
        version(1);
        assertThat(out()).containsExactly(c);
    }

    /** A round that ends before its version was read (a skipped version) dead-letters what waited for it. */
    @Test
    void heldUpdatesOfARoundThatEndsUnopenedAreDeadLetteredAsLate() throws Exception {
        start(new RoundPolicy(2, 2, 100, 1_000));
        update(1, 0).forEach(this::sendUnchecked);
        version(2); // versions 0 and 1 never seen: round 1 is over
        assertThat(out()).isEmpty();
        assertThat(rejected()).hasSize(3).allSatisfy(r -> {
            assertThat(r.getReason()).isEqualTo(RejectReason.LATE);
            assertThat(r.getRound()).isEqualTo(1);
        });
    }

    @Test
    void closesWithTheQuorumAtTheTimeoutLeavingOutTheIncompleteClient() throws Exception {
        start(new RoundPolicy(2, 1, 100, 1_000));
        version(0);
        update(0, 0).forEach(this::sendUnchecked);
        send(update(0, 1).get(0)); // client 1 sent one chunk of three
        harness.setProcessingTime(99);
        assertThat(markers()).isEmpty();
        harness.setProcessingTime(100);
        assertThat(markers()).containsExactly("0:0=[0]", "0:1=[0]", "0:2=[0]");
    }

    @Test
    void failsPastTheMaximumWaitWithZeroWeightAggregatesForEveryChunk() throws Exception {
        start(new RoundPolicy(2, 2, 100, 1_000));
        version(5);
        update(5, 0).forEach(this::sendUnchecked);
        harness.setProcessingTime(100);
        harness.setProcessingTime(999);
        assertThat(harness.getSideOutput(RoundGate.FAILED)).isNull();
        harness.setProcessingTime(1_000);
        List<TensorChunk> failed = harness.getSideOutput(RoundGate.FAILED).stream().map(StreamRecord::getValue).toList();
        assertThat(failed).hasSize(3).allSatisfy(c -> {
            assertThat(c.getRound()).isEqualTo(5);
            assertThat(c.getWeight()).isZero();
            assertThat(c.getKind()).isEqualTo(TensorKind.DELTA);
            assertThat(TestChunks.values(c)).containsOnly(0f);
        });
        assertThat(failed).extracting(TestChunks.IDS::id).containsExactly(0, 1, 2);
        assertThat(markers()).isEmpty();
        send(update(5, 1).get(0));
        assertThat(rejected()).extracting(Rejected::getReason).containsExactly(RejectReason.LATE);
    }

    private void sendUnchecked(TensorChunk c) {
        try {
            send(c);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
