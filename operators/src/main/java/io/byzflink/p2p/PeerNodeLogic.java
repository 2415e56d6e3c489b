package io.byzflink.p2p;

import io.byzflink.p2p.NodeState.Phase;
import io.byzflink.serde.TensorCodec;
import io.byzflink.serde.TensorLayout;
import io.byzflink.serde.avro.TensorChunk;
import io.byzflink.serde.avro.TensorKind;
import io.byzflink.training.Evaluation;
import io.byzflink.training.TrainResult;

import java.util.HashMap;
import java.util.Map;

/**
 * One node's synchronous rounds, free of Flink: round r starts from the node's model, trains
 * locally (honest nodes and label flippers), exchanges with the neighbours by the configured
 * {@link Protocol}, and ends with the node's next model and a {@link NodeReport}. A phase that
 * waits for neighbours gives up at its deadline and goes on with what arrived, so a silent or
 * dead neighbour never stalls its peers. Messages of rounds the node has closed are counted as
 * late and dropped; messages of later rounds wait in the inbox.
 */
final class PeerNodeLogic {

    final PeerSettings s;
    final TensorLayout layout;
    final NodeHost host;
    final int node;
    final NodeState st;

    PeerNodeLogic(PeerSettings s, TensorLayout layout, NodeHost host, int node, NodeState st) {
        this.s = s;
        this.layout = layout;
        this.host = host;
        this.node = node;
        this.st = st;
    }

    /** The start signal with the node's seeded initial model ({@link PeerSettings#initSeed}). Ignored once started. */
    void onStart(float[][] initial) {
        if (st.round >= 0) {
            return; // replayed start signal after recovery
        }
        st.model = initial;
        st.velocity = layout.newTensors();
        if (s.protocol().pulls()) {
            PullExchange.init(this, initial);
        }
        startRound(0);
    }

    void onChunk(TensorChunk c) {
        switch (c.getKind()) {
            case PULL -> PullExchange.onPull(this, c);
            case SCORES -> {
                if (accept(c)) {
                    st.scores.computeIfAbsent(c.getRound(), r -> new HashMap<>()).put(c.getSender(),
                            TensorCodec.decode(c.getValues()));
                    progress(false);
                }
            }
            case MODEL -> {
                if (accept(c)) {
                    int completed = inboxOf(c.getRound(), c.getSender()).add(c);
                    if (completed >= 0 && c.getRound() == st.round && s.protocol().pulls()) {
                        PullExchange.onLayer(this, c.getSender());
                    }
                    progress(false);
                }
            }
            default -> st.late++; // the validator lets nothing else through
        }
    }

    /** A timer fired: if it is the current phase's deadline, stop waiting. */
    void onTimeout(long timestamp) {
        if (st.phase != Phase.DONE && st.round >= 0 && timestamp == st.deadline) {
            progress(true);
        }
    }

    /** Moves the current phase on when its messages are in (or, with {@code timedOut}, regardless). */
    private void progress(boolean timedOut) {
        if (st.round < 0 || st.phase == null) {
            return;
        }
        switch (st.phase) {
            case WAIT_MODELS -> GossipExchange.tryFinish(this, timedOut);
            case WAIT_HONEST -> {
                if (s.protocol().pulls()) {
                    ByzantinePuller.tryForge(this, timedOut);
                } else {
                    ByzantineNode.tryForge(this, timedOut);
                }
            }
            case WAIT_SCORES -> PullExchange.tryPlan(this, timedOut);
            case WAIT_LAYERS -> PullExchange.tryMerge(this, timedOut);
            case DONE -> { }
        }
    }

    private boolean accept(TensorChunk c) {
        if (c.getRound() < st.round || st.phase == Phase.DONE) {
            st.late++;
            return false;
        }
        return true;
    }

    PeerTensors inboxOf(long round, int sender) {
        return st.inbox.computeIfAbsent(round, r -> new HashMap<>())
                .computeIfAbsent(sender, x -> new PeerTensors(layout.layerCount(), s.job().chunkSize()));
    }

    Map<Integer, PeerTensors> inbox(long round) {
        return st.inbox.getOrDefault(round, Map.of());
    }

    void startRound(long round) {
        st.round = round;
        st.roundStartedAt = host.now();
        st.bytesExchanged = 0;
        boolean lies = s.isByzantine(node) && !s.job().labelFlipping();
        if (lies) {
            if (s.protocol().pulls()) {
                ByzantinePuller.startRound(this);
            } else {
                waitFor(Phase.WAIT_HONEST);
            }
            return;
        }
        st.trained = Flat.copy(st.model);
        TrainResult result = host.train(node, round, st.trained, st.velocity);
        st.trainLoss = result.meanLoss();
        st.trainMs = result.elapsedNanos() / 1_000_000;
        if (s.protocol().pulls()) {
            PullExchange.afterTraining(this);
        } else {
            GossipExchange.afterTraining(this);
        }
    }

    /** Enters a waiting phase with a fresh deadline and handles what already arrived. */
    void waitFor(Phase phase) {
        st.phase = phase;
        st.deadline = host.now() + s.timeoutMs();
        host.wakeAt(st.deadline);
        progress(false);
    }

    void send(TensorChunk c) {
        // A served layer is counted by its puller, unless the puller is a Byzantine node (which reports nothing).
        if (!(s.protocol().pulls() && c.getKind() == TensorKind.MODEL) || s.isByzantine(c.getDestination())) {
            st.bytesExchanged += c.getValues().remaining();
        }
        host.send(c);
    }

    /** Ends round {@code st.round} with the node's next model and goes on to the next round. */
    void finishRound(float[][] next, NodeReport report) {
        long r = st.round;
        st.model = next;
        if (!s.isByzantine(node)) {
            report.round = r;
            report.node = node;
            report.trainLoss = st.trainLoss;
            report.trainMs = st.trainMs;
            report.bytesExchanged = st.bytesExchanged;
            report.late = st.late;
            report.startedAtMs = st.roundStartedAt;
            long t0 = System.nanoTime();
            Evaluation e = host.evaluate(r + 1, next);
            if (e != null) {
                report.accuracy = e.accuracy();
                report.loss = e.meanLoss();
                report.evalMs = (System.nanoTime() - t0) / 1_000_000;
            }
            report.roundMs = host.now() - st.roundStartedAt;
            report.model = Flat.flatten(next);
            host.report(report);
        }
        st.late = 0;
        nextRound();
    }

    /** Forgets round {@code st.round}'s messages and starts the next round, or stops after the last. */
    void nextRound() {
        long r = st.round;
        st.inbox.headMap(r, true).clear();
        st.scores.headMap(r, true).clear();
        if (s.protocol().pulls()) {
            PullExchange.prune(this);
        }
        if (r + 1 < s.job().rounds()) {
            startRound(r + 1);
        } else {
            st.phase = Phase.DONE;
            st.trained = null;
        }
    }
}
