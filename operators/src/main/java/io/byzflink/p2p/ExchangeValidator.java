package io.byzflink.p2p;

import io.byzflink.operators.ChunkValidator;
import io.byzflink.operators.UpdateCheck;
import io.byzflink.serde.TensorCodec;
import io.byzflink.serde.TensorLayout;
import io.byzflink.serde.TensorSetAssembler;
import io.byzflink.serde.avro.RejectReason;
import io.byzflink.serde.avro.TensorChunk;
import io.byzflink.serde.avro.TensorKind;

/**
 * Decides whether a message on the exchange topic may reach its node: the experiment, a round in
 * range, a sender that is a neighbour of the destination in the topology (anything else is an
 * unknown sender), and a body that fits its kind: MODEL chunks fit the model layout and are
 * finite; SCORES carry 0 or one finite non-negative float per layer; PULL lists distinct layer
 * indices.
 */
public final class ExchangeValidator implements UpdateCheck {

    private static final long serialVersionUID = 1L;

    private final PeerSettings settings;
    private final TensorLayout layout;

    public ExchangeValidator(PeerSettings settings) {
        this.settings = settings;
        this.layout = settings.job().tensorLayout();
    }

    @Override
    public Verdict check(TensorChunk c) {
        Verdict shape = checkShape(c);
        if (shape != null) {
            return shape;
        }
        if (c.getKind() == TensorKind.MODEL && ChunkValidator.firstNonFinite(c.getValues()) >= 0) {
            return new Verdict(RejectReason.NON_FINITE, "model chunk of layer " + c.getLayer() + " has a non-finite value");
        }
        return null;
    }

    @Override
    public boolean isWellFormed(TensorChunk c) {
        return c.getKind() == TensorKind.MODEL && checkShape(c) == null;
    }

    private Verdict checkShape(TensorChunk c) {
        if (!settings.job().experiment().equals(c.getExperiment())) {
            return new Verdict(RejectReason.WRONG_SCHEMA, "experiment '" + c.getExperiment() + "' is not '" + settings.job().experiment() + "'");
        }
        int n = settings.nodes();
        int from = c.getSender();
        int to = c.getDestination();
        if (from < 0 || from >= n || to < 0 || to >= n || !settings.topology().areNeighbours(from, to)) {
            return new Verdict(RejectReason.UNKNOWN_SENDER, "node " + from + " is not a neighbour of node " + to
                    + " in " + settings.topology().describe());
        }
        if (c.getRound() < 0 || c.getRound() >= settings.job().rounds()) {
            return new Verdict(RejectReason.WRONG_ROUND, "round " + c.getRound() + " is not in 0.." + (settings.job().rounds() - 1));
        }
        return switch (c.getKind()) {
            case MODEL -> {
                String misfit = TensorSetAssembler.mismatch(layout, settings.job().chunkSize(), c);
                yield misfit == null ? null : new Verdict(RejectReason.WRONG_SIZE, misfit);
            }
            case SCORES -> checkScores(TensorCodec.decode(c.getValues()));
            case PULL -> checkPull(TensorCodec.decode(c.getValues()));
            default -> new Verdict(RejectReason.WRONG_SCHEMA, c.getKind() + " is not a decentralized message");
        };
    }

    private Verdict checkScores(float[] g) {
        if (g.length != 0 && g.length != layout.layerCount()) {
            return new Verdict(RejectReason.WRONG_SIZE, "SCORES carries " + g.length + " floats, not 0 or " + layout.layerCount());
        }
        for (float v : g) {
            if (!Float.isFinite(v) || v < 0) {
                return new Verdict(RejectReason.NON_FINITE, "SCORES value " + v + " is not a finite non-negative number");
            }
        }
        return null;
    }

    private Verdict checkPull(float[] layers) {
        boolean[] seen = new boolean[layout.layerCount()];
        for (float v : layers) {
            int l = (int) v;
            if (l != v || l < 0 || l >= seen.length || seen[l]) {
                return new Verdict(RejectReason.MALFORMED, "PULL asks for layer " + v + ": not a distinct index in 0.."
                        + (seen.length - 1));
            }
            seen[l] = true;
        }
        return null;
    }
}
