package io.byzflink.operators;

import io.byzflink.robust.AggregationPlan;
import io.byzflink.serde.avro.TensorChunk;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/**
 * Adds the robust aggregation of validated update chunks to a job graph: one chunk-local window
 * for rules that need nothing else, or phases A (partial Gram per chunk), B (sum and solve per
 * round) and C (combine per chunk) for rules that look at whole vectors. Either way the output is
 * one aggregated DELTA chunk (sender -1) per round and chunk, plus {@link RoundStat}s.
 *
 * <pre>
 *   updates ──┬──> GramPhaseA (key: round, chunk) ──> GramPhaseB (key: round) ──┐ solution
 *             └─────────────────────────────────────> GramPhaseC (key: round, chunk) <┘ ──> aggregate
 * </pre>
 * Chunk data fans out to A and C, so the graph stays acyclic.
 */
public final class AggregationGraph {

    /**
     * The aggregated chunks and the figures the round tracker sums; with a round gate also the
     * zero-weight aggregates of failed rounds (else null).
     */
    public record Result(SingleOutputStreamOperator<TensorChunk> aggregated, DataStream<RoundStat> stats,
            DataStream<TensorChunk> failedRounds) {

        public Result(SingleOutputStreamOperator<TensorChunk> aggregated, DataStream<RoundStat> stats) {
            this(aggregated, stats, null);
        }

        /** This result plus a round gate's failed rounds and figures. */
        public Result withGate(DataStream<TensorChunk> failed, DataStream<RoundStat> gateStats) {
            return new Result(aggregated, stats.union(gateStats), failed);
        }
    }

    private AggregationGraph() {}

    /**
     * @param updates validated update chunks (senders 0..senders-1)
     * @param previous the previous rounds' aggregates (sender -1), read back from the model
     *     topic; used only when the plan needs a reference vector
     * @param uidPrefix prefix of the operators' uids, distinct per graph in one job
     */
    public static Result build(DataStream<TensorChunk> updates, DataStream<TensorChunk> previous, AggregationPlan plan,
            int senders, ChunkIds ids, long seed, String uidPrefix) {
        return build(updates, previous, plan, senders, senders, ids, seed, uidPrefix);
    }

    /** As above; senders {@code >= honest} are Byzantine (simulation), and their share of each aggregate is measured. */
    public static Result build(DataStream<TensorChunk> updates, DataStream<TensorChunk> previous, AggregationPlan plan,
            int senders, int honest, ChunkIds ids, long seed, String uidPrefix) {
        return build(updates, previous, plan, senders, honest, ids, seed, uidPrefix, false);
    }

    /**
     * As above; with {@code gated}, {@code updates} also carries the round gate's {@link RoundClose}
     * markers, and every window aggregates exactly the participants they name.
     */
    public static Result build(DataStream<TensorChunk> updates, DataStream<TensorChunk> previous, AggregationPlan plan,
            int senders, int honest, ChunkIds ids, long seed, String uidPrefix, boolean gated) {
        if (RoundAggregator.isChunkLocal(plan)) {
            SingleOutputStreamOperator<TensorChunk> aggregated = updates
                    .keyBy(c -> ChunkIds.roundChunkKey(c.getRound(), ids.id(c)), Types.LONG)
                    .process(new RoundAggregator(plan, senders, honest, ids, seed, gated))
                    .name("RoundAggregator").uid(uidPrefix + "round-aggregator");
            return new Result(aggregated, aggregated.getSideOutput(RoundAggregator.STATS));
        }
        KeySelector<TensorChunk, Long> window = new WindowKey(ids);
        SingleOutputStreamOperator<GramPartialEvent> partials = updates.keyBy(window, Types.LONG)
                .connect(previous.keyBy(window, Types.LONG))
                .process(new GramPhaseA(plan, senders, ids, seed, gated)).name("GramPhaseA").uid(uidPrefix + "gram-phase-a");
        SingleOutputStreamOperator<SolutionEvent> solutions = partials.keyBy(e -> e.round, Types.LONG)
                .process(new GramPhaseB(plan, ids, seed)).name("GramPhaseB").uid(uidPrefix + "gram-phase-b");
        SingleOutputStreamOperator<TensorChunk> aggregated = updates.union(previous).keyBy(window, Types.LONG)
                .connect(solutions.keyBy(e -> ChunkIds.roundChunkKey(e.round, e.chunkId), Types.LONG))
                .process(new GramPhaseC(plan, senders, honest, ids, gated)).name("GramPhaseC").uid(uidPrefix + "gram-phase-c");
        return new Result(aggregated,
                aggregated.getSideOutput(RoundAggregator.STATS).union(solutions.getSideOutput(GramPhaseB.STATS)));
    }
}
