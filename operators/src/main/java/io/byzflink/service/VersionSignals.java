package io.byzflink.service;

import io.byzflink.serde.avro.TensorChunk;
import io.byzflink.serde.avro.TensorKind;

import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.util.Collector;

/**
 * Turns the model topic into the round gate's signals: model version v (seen through its first
 * chunk) opens round v, {@code (v, true)}, and ends round v - 1, {@code (v - 1, false)}. Replays
 * repeat signals, which the gate ignores.
 */
public class VersionSignals implements FlatMapFunction<TensorChunk, Tuple2<Long, Boolean>> {

    @Override
    public void flatMap(TensorChunk c, Collector<Tuple2<Long, Boolean>> out) {
        if (c.getKind() != TensorKind.MODEL || c.getLayerIndex() != 0 || c.getChunkIndex() != 0) {
            return;
        }
        long v = c.getRound();
        out.collect(Tuple2.of(v, true));
        if (v > 0) {
            out.collect(Tuple2.of(v - 1, false));
        }
    }
}
