package io.byzflink.service;

import io.byzflink.operators.ChunkIds;
import io.byzflink.operators.RoundClose;
import io.byzflink.operators.RoundStat;
import io.byzflink.serde.AvroEventSchema;
import io.byzflink.serde.TensorCodec;
import io.byzflink.serde.TensorCodec.ChunkHeader;
import io.byzflink.serde.TensorLayout;
import io.byzflink.serde.avro.RejectReason;
import io.byzflink.serde.avro.Rejected;
import io.byzflink.serde.avro.TensorChunk;
import io.byzflink.serde.avro.TensorKind;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Decides, once per round (key = round), which clients take part, so every chunk window of the
 * round aggregates the same senders. Validated update chunks pass through to the windows; when
 * the {@link RoundPolicy} says close, one {@link RoundClose} marker per chunk names the clients
 * whose updates are complete; when it says fail, one zero-weight aggregate per chunk lets the
 * updater publish the next version unchanged. Updates for a model version not published yet
 * wait here (the client may have read it before this job did); duplicates and updates for a
 * closed round are dead-lettered as DUPLICATE or LATE and never reach a window, so nothing is
 * applied twice. Input 2 carries the model versions ({@link VersionSignals}): OPEN, OVER (after
 * a restart, too) and ADMIT. What waits is bounded: only rounds ADMITted (at most
 * {@code round.max-ahead} past the latest version) hold updates, each chunk of a sender once;
 * updates for rounds further ahead are dead-lettered as WRONG_ROUND, so a registered but hostile
 * client cannot fill the state with future rounds.
 */
public class RoundGate extends KeyedCoProcessFunction<Long, TensorChunk, Tuple2<Long, RoundSignal>, TensorChunk> {

    public static final OutputTag<Rejected> REJECTED = new OutputTag<>("gate-rejected", TypeInformation.of(Rejected.class));
    public static final OutputTag<TensorChunk> FAILED = new OutputTag<>("failed-rounds", TypeInformation.of(TensorChunk.class));
    public static final OutputTag<RoundStat> STATS = new OutputTag<>("gate-stats", TypeInformation.of(RoundStat.class));

    private final String experiment;
    private final String topic;
    private final TensorLayout layout;
    private final int chunkSize;
    private final RoundPolicy policy;
    private final int maxAhead;
    private transient ChunkIds ids;
    private transient List<TensorChunk> templates;
    private transient AvroEventSchema<TensorChunk> encoder;
    private transient ValueState<Boolean> open;
    private transient ValueState<Boolean> closed;
    private transient ValueState<Boolean> admitted;
    private transient ValueState<Long> startedAt;
    private transient ListState<TensorChunk> waiting;
    private transient MapState<Long, Boolean> seen;
    private transient MapState<Integer, Integer> chunksBySender;
    private transient MapState<Integer, Boolean> complete;
    private transient Counter lateUpdates;
    private transient Counter duplicateUpdates;
    private transient Counter failedRounds;
    private transient Counter earlyUpdates;
    private transient Counter aheadUpdates;

    /** @param maxAhead rounds below it are admitted from the start, as {@link VersionSignals} admits the later ones */
    public RoundGate(String experiment, String updatesTopic, TensorLayout layout, int chunkSize, RoundPolicy policy,
            int maxAhead) {
        this.experiment = experiment;
        this.topic = updatesTopic;
        this.layout = layout;
        this.chunkSize = chunkSize;
        this.policy = policy;
        this.maxAhead = maxAhead;
    }

    @Override
    public void open(OpenContext openContext) {
        ids = new ChunkIds(layout, chunkSize);
        templates = TensorCodec.splitAll(new ChunkHeader(experiment, 0, -1, -1, TensorKind.DELTA, 0.0, 0), layout,
                layout.newTensors(), chunkSize);
        encoder = AvroEventSchema.of(TensorChunk.class);
        open = getRuntimeContext().getState(new ValueStateDescriptor<>("open", Types.BOOLEAN));
        ValueStateDescriptor<Boolean> closedFlag = new ValueStateDescriptor<>("closed", Types.BOOLEAN);
        closedFlag.enableTimeToLive(StateTtlConfig.newBuilder(Duration.ofHours(1)).build()); // outlives redeliveries
        closed = getRuntimeContext().getState(closedFlag);
        admitted = getRuntimeContext().getState(new ValueStateDescriptor<>("admitted", Types.BOOLEAN));
        startedAt = getRuntimeContext().getState(new ValueStateDescriptor<>("started-at", Types.LONG));
        waiting = getRuntimeContext().getListState(new ListStateDescriptor<>("waiting", TypeInformation.of(TensorChunk.class)));
        seen = getRuntimeContext().getMapState(new MapStateDescriptor<>("seen", Types.LONG, Types.BOOLEAN));
        chunksBySender = getRuntimeContext().getMapState(new MapStateDescriptor<>("chunks-by-sender", Types.INT, Types.INT));
        complete = getRuntimeContext().getMapState(new MapStateDescriptor<>("complete", Types.INT, Types.BOOLEAN));
        lateUpdates = getRuntimeContext().getMetricGroup().counter("lateUpdates");
        duplicateUpdates = getRuntimeContext().getMetricGroup().counter("duplicateUpdates");
        failedRounds = getRuntimeContext().getMetricGroup().counter("failedRounds");
        earlyUpdates = getRuntimeContext().getMetricGroup().counter("earlyUpdates");
        aheadUpdates = getRuntimeContext().getMetricGroup().counter("aheadUpdates");
    }

    @Override
    public void processElement1(TensorChunk chunk, Context ctx, Collector<TensorChunk> out) throws Exception {
        long round = chunk.getRound();
        boolean isOpen = Boolean.TRUE.equals(open.value());
        if (Boolean.TRUE.equals(closed.value())) {
            lateUpdates.inc();
            reject(chunk, RejectReason.LATE, "round " + round + " is closed", ctx);
        } else if (!isOpen && round >= maxAhead && !Boolean.TRUE.equals(admitted.value())) {
            aheadUpdates.inc();
            reject(chunk, RejectReason.WRONG_ROUND, "round " + round + " is not open and not within round.max-ahead = "
                    + maxAhead + " rounds after the latest model version this job has read (a future round, or one closed "
                    + "over an hour ago)", ctx);
        } else if (!firstArrival(chunk)) {
            duplicateUpdates.inc();
            reject(chunk, RejectReason.DUPLICATE, "chunk " + ids.id(chunk) + " of sender " + chunk.getSender()
                    + " already arrived for round " + round, ctx);
        } else if (isOpen) {
            admit(chunk, ctx, out);
        } else {
            earlyUpdates.inc();
            waiting.add(chunk); // its model version is still on its way to this job
        }
    }

    @Override
    public void processElement2(Tuple2<Long, RoundSignal> signal, Context ctx, Collector<TensorChunk> out) throws Exception {
        if (Boolean.TRUE.equals(closed.value())) {
            return;
        }
        switch (signal.f1) {
            case ADMIT -> admitted.update(true);
            case OVER -> {
                // Version round + 1 exists. Anything still waiting never saw its round open
                // (a skipped version): dead-lettered, not dropped.
                for (TensorChunk c : held()) {
                    lateUpdates.inc();
                    reject(c, RejectReason.LATE, "round " + c.getRound() + " ended before its model version was read", ctx);
                }
                closed.update(true);
                clearRound();
            }
            case OPEN -> {
                if (Boolean.TRUE.equals(open.value())) {
                    return;
                }
                open.update(true);
                List<TensorChunk> held = held();
                waiting.clear();
                for (TensorChunk c : held) {
                    if (!Boolean.TRUE.equals(closed.value())) {
                        admit(c, ctx, out);
                    } else {
                        lateUpdates.inc(); // the quorum closed the round while the held updates went in
                        reject(c, RejectReason.LATE, "round " + c.getRound() + " closed with a quorum before this chunk", ctx);
                    }
                }
            }
        }
    }

    private List<TensorChunk> held() throws Exception {
        List<TensorChunk> held = new ArrayList<>();
        Iterable<TensorChunk> w = waiting.get();
        if (w != null) {
            w.forEach(held::add);
        }
        return held;
    }

    /** Records the chunk as arrived; false when this sender's chunk already did. */
    private boolean firstArrival(TensorChunk chunk) throws Exception {
        long id = ((long) chunk.getSender() << 32) | ids.id(chunk);
        if (seen.contains(id)) {
            return false;
        }
        seen.put(id, true);
        return true;
    }

    /** Forwards a first-arrived chunk of the open round; closes the round when the policy says so. */
    private void admit(TensorChunk chunk, Context ctx, Collector<TensorChunk> out) throws Exception {
        long now = ctx.timerService().currentProcessingTime();
        if (startedAt.value() == null) {
            startedAt.update(now);
            ctx.timerService().registerProcessingTimeTimer(policy.nextDeadline(now, now));
        }
        out.collect(chunk);
        Integer have = chunksBySender.get(chunk.getSender());
        int now1 = have == null ? 1 : have + 1;
        chunksBySender.put(chunk.getSender(), now1);
        if (now1 == ids.total()) {
            complete.put(chunk.getSender(), true);
            if (policy.onUpdate(completeCount(), now - startedAt.value()) == RoundPolicy.Decision.CLOSE) {
                close(chunk.getRound(), ctx, out);
            }
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<TensorChunk> out) throws Exception {
        if (Boolean.TRUE.equals(closed.value()) || startedAt.value() == null) {
            return;
        }
        long round = ctx.getCurrentKey();
        long waited = timestamp - startedAt.value();
        switch (policy.onDeadline(completeCount(), waited)) {
            case CLOSE -> close(round, ctx, out);
            case FAIL -> fail(round, ctx);
            case WAIT -> ctx.timerService().registerProcessingTimeTimer(policy.nextDeadline(startedAt.value(), timestamp));
        }
    }

    /** Names the participants to every chunk window of the round. */
    private void close(long round, Context ctx, Collector<TensorChunk> out) throws Exception {
        List<Integer> in = new ArrayList<>();
        complete.keys().forEach(in::add);
        int[] participants = in.stream().mapToInt(Integer::intValue).sorted().toArray();
        for (TensorChunk t : templates) {
            out.collect(RoundClose.marker(TensorChunk.newBuilder(t).setRound(round).build(), participants));
        }
        RoundStat stat = RoundStat.of(RoundStat.Kind.GATE, round, 0, 0);
        stat.count = participants.length;
        ctx.output(STATS, stat);
        closed.update(true);
        clearRound();
    }

    /** No quorum in time: zero-weight aggregates make the updater repeat the current version. */
    private void fail(long round, Context ctx) throws Exception {
        failedRounds.inc();
        for (TensorChunk t : templates) {
            ctx.output(FAILED, TensorChunk.newBuilder(t).setRound(round).setCreatedAtMs(System.currentTimeMillis()).build());
        }
        RoundStat stat = RoundStat.of(RoundStat.Kind.GATE, round, 0, 0);
        stat.count = 0;
        stat.failed = true;
        ctx.output(STATS, stat);
        closed.update(true);
        clearRound();
    }

    private int completeCount() throws Exception {
        int n = 0;
        for (Integer ignored : complete.keys()) {
            n++;
        }
        return n;
    }

    private void clearRound() {
        open.clear();
        admitted.clear();
        startedAt.clear();
        waiting.clear();
        seen.clear();
        chunksBySender.clear();
        complete.clear();
    }

    private void reject(TensorChunk c, RejectReason reason, String detail, Context ctx) {
        // After validation the source offset is gone; the bytes are the original ones (a decoded
        // chunk re-encodes to the same single-object bytes).
        ctx.output(REJECTED, Rejected.newBuilder()
                .setExperiment(experiment).setReason(reason).setDetail(detail).setTopic(topic)
                .setSender(c.getSender()).setRound(c.getRound())
                .setRaw(ByteBuffer.wrap(encoder.serialize(c))).setTimestampMs(System.currentTimeMillis())
                .build());
    }
}
