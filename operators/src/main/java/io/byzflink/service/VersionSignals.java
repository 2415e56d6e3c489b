package io.byzflink.service;

import io.byzflink.serde.avro.TensorChunk;
import io.byzflink.serde.avro.TensorKind;

import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.util.Collector;

/**
 * Turns the model topic into the round gate's signals: model version v (seen through its first
 * chunk) opens round v, ends round v - 1 and admits early updates for round v + maxAhead (rounds
 * below maxAhead are admitted from the start). Replays repeat signals, which the gate ignores.
 */
public class VersionSignals implements FlatMapFunction<TensorChunk, Tuple2<Long, RoundSignal>> {

    private final int maxAhead;

    /** @param maxAhead how many rounds past the latest version may already hold updates, >= 1 */
    public VersionSignals(int maxAhead) {
        if (maxAhead < 1) {
            throw new IllegalArgumentException("round.max-ahead must be >= 1, got " + maxAhead);
        }
        this.maxAhead = maxAhead;
    }

    @Override
    public void flatMap(TensorChunk c, Collector<Tuple2<Long, RoundSignal>> out) {
        if (c.getKind() != TensorKind.MODEL || c.getLayerIndex() != 0 || c.getChunkIndex() != 0) {
            return;
        }
        long v = c.getRound();
        out.collect(Tuple2.of(v, RoundSignal.OPEN));
        if (v > 0) {
            out.collect(Tuple2.of(v - 1, RoundSignal.OVER));
        }
        out.collect(Tuple2.of(v + maxAhead, RoundSignal.ADMIT));
    }
}
