package io.byzflink.operators;

import io.byzflink.serde.InboundChunk;
import io.byzflink.serde.avro.Rejected;
import io.byzflink.serde.avro.TensorChunk;
import io.byzflink.serde.AvroEventSchema;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

import java.nio.ByteBuffer;
import java.util.EnumMap;
import java.util.Map;

import io.byzflink.serde.avro.RejectReason;

/**
 * The door of aggregation: passes valid update chunks on, turns everything else into a counted
 * dead letter (side output {@link #REJECTED}) carrying the original bytes, so bad input never
 * fails the job and is never silently lost. A well-formed chunk from a known sender whose values
 * are not finite is both dead-lettered and passed on: the aggregation plans exclude such inputs,
 * and the round can close without waiting for a sender that will never send a finite update. Counters: {@code rejectedUpdates} and one per reason
 * under the {@code rejected} group.
 */
public class ValidateUpdates extends ProcessFunction<InboundChunk, TensorChunk> {

    public static final OutputTag<Rejected> REJECTED = new OutputTag<>("rejected", TypeInformation.of(Rejected.class));

    private final UpdateCheck validator;
    private final boolean deliverNonFinite;
    private transient Counter rejectedTotal;
    private transient Map<RejectReason, Counter> byReason;
    private transient AvroEventSchema<TensorChunk> encoder;

    public ValidateUpdates(UpdateCheck validator) {
        this(validator, true);
    }

    /**
     * @param deliverNonFinite also pass on well-formed chunks with non-finite values (simulation:
     *     every worker is awaited, so a diverged one must still arrive); the aggregation service
     *     has a round gate with a quorum and only dead-letters them
     */
    public ValidateUpdates(UpdateCheck validator, boolean deliverNonFinite) {
        this.validator = validator;
        this.deliverNonFinite = deliverNonFinite;
    }

    @Override
    public void open(OpenContext openContext) {
        MetricGroup metrics = getRuntimeContext().getMetricGroup();
        rejectedTotal = metrics.counter("rejectedUpdates");
        byReason = new EnumMap<>(RejectReason.class);
        MetricGroup reasons = metrics.addGroup("rejected");
        for (RejectReason r : RejectReason.values()) {
            byReason.put(r, reasons.counter(r.name()));
        }
        encoder = AvroEventSchema.of(TensorChunk.class);
    }

    @Override
    public void processElement(InboundChunk in, Context ctx, Collector<TensorChunk> out) {
        if (!in.isValid()) {
            reject(in.rejected, ctx);
            return;
        }
        UpdateCheck.Verdict verdict = validator.check(in.chunk);
        if (verdict == null) {
            out.collect(in.chunk);
            return;
        }
        if (deliverNonFinite && verdict.reason() == RejectReason.NON_FINITE && validator.isWellFormed(in.chunk)) {
            // A worker whose model diverged: counted and dead-lettered, but still delivered so the
            // round closes; every robust plan excludes non-finite inputs from the aggregate.
            out.collect(in.chunk);
        }
        TensorChunk c = in.chunk;
        // The decoded chunk re-encodes to the same single-object bytes it was read from.
        reject(Rejected.newBuilder()
                .setExperiment(c.getExperiment())
                .setReason(verdict.reason())
                .setDetail(verdict.detail())
                .setSender(c.getSender())
                .setRound(c.getRound())
                .setTopic(in.topic)
                .setPartition(in.partition)
                .setOffset(in.offset)
                .setRaw(ByteBuffer.wrap(encoder.serialize(c)))
                .setTimestampMs(System.currentTimeMillis())
                .build(), ctx);
    }

    private void reject(Rejected rejected, Context ctx) {
        rejectedTotal.inc();
        byReason.get(rejected.getReason()).inc();
        ctx.output(REJECTED, rejected);
    }
}
