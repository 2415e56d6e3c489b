package io.byzflink.operators;

import io.byzflink.serde.TensorLayout;
import io.byzflink.serde.TensorSetAssembler;
import io.byzflink.serde.avro.RejectReason;
import io.byzflink.serde.avro.TensorChunk;
import io.byzflink.serde.avro.TensorKind;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * Decides whether a decoded update chunk may enter aggregation, and if not, why. Stateless (the
 * round window handles duplicates and lateness): checks experiment, kind, sender, round range,
 * fit to the model layout and that every value and the weight are finite.
 */
public final class ChunkValidator implements UpdateCheck {

    private static final long serialVersionUID = 1L;

    private final String experiment;
    private final int senders;
    private final int rounds;
    private final TensorLayout layout;
    private final int chunkSize;

    public ChunkValidator(String experiment, int senders, int rounds, TensorLayout layout, int chunkSize) {
        this.experiment = experiment;
        this.senders = senders;
        this.rounds = rounds;
        this.layout = layout;
        this.chunkSize = chunkSize;
    }

    @Override
    public Verdict check(TensorChunk c) {
        if (!experiment.equals(c.getExperiment())) {
            return new Verdict(RejectReason.WRONG_SCHEMA, "experiment '" + c.getExperiment() + "' is not '" + experiment + "'");
        }
        if (c.getKind() == TensorKind.MODEL) {
            return new Verdict(RejectReason.WRONG_SCHEMA, "a MODEL chunk is not an update");
        }
        if (c.getSender() < 0 || c.getSender() >= senders) {
            return new Verdict(RejectReason.UNKNOWN_SENDER, "sender " + c.getSender() + " is not in 0.." + (senders - 1));
        }
        if (c.getRound() < 0 || c.getRound() >= rounds) {
            return new Verdict(RejectReason.WRONG_ROUND, "round " + c.getRound() + " is not in 0.." + (rounds - 1));
        }
        String misfit = TensorSetAssembler.mismatch(layout, chunkSize, c);
        if (misfit != null) {
            return new Verdict(RejectReason.WRONG_SIZE, misfit);
        }
        if (!Double.isFinite(c.getWeight()) || c.getWeight() <= 0) {
            return new Verdict(RejectReason.NON_FINITE, "weight " + c.getWeight() + " is not a positive finite number");
        }
        int bad = firstNonFinite(c.getValues());
        if (bad >= 0) {
            return new Verdict(RejectReason.NON_FINITE, "value " + (c.getOffset() + bad) + " of layer " + c.getLayer() + " is not finite");
        }
        return null;
    }

    @Override
    public boolean isWellFormed(TensorChunk c) {
        return experiment.equals(c.getExperiment()) && c.getKind() != TensorKind.MODEL
                && c.getSender() >= 0 && c.getSender() < senders && c.getRound() >= 0 && c.getRound() < rounds
                && TensorSetAssembler.mismatch(layout, chunkSize, c) == null
                && Double.isFinite(c.getWeight()) && c.getWeight() > 0;
    }

    /** Index of the first NaN or infinity, or -1. */
    public static int firstNonFinite(ByteBuffer bytes) {
        FloatBuffer floats = bytes.duplicate().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        for (int i = 0, n = floats.remaining(); i < n; i++) {
            if (!Float.isFinite(floats.get(i))) {
                return i;
            }
        }
        return -1;
    }
}
