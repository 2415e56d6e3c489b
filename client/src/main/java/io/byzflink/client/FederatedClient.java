package io.byzflink.client;

import io.byzflink.data.LabeledImages;
import io.byzflink.training.DjlRuntime;
import io.byzflink.training.LocalModel;
import io.byzflink.training.TrainResult;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * A real federation member: per round it fetches the newest global model version from Kafka,
 * trains it with DJL on its own shard, and publishes the signed pseudo-gradient
 * {@code DELTA = w_v - w_local} (or a forgery, see {@link Behaviour}) for version {@code v}.
 *
 * <p>It computes exactly what the simulation's {@code LocalTrainer} computes for worker
 * {@code client.id}: same shard derivation, same batch-sampling seed
 * ({@code seed * 1_000_003 + id * 7919 + v}), SGD momentum kept across rounds, weight = shard size.
 *
 * <p>Use in try-with-resources: it owns a native DJL model, a Kafka consumer and a producer.
 * {@link #stop()} may be called from any thread (e.g. a Ctrl-C hook): a wait for the next model
 * ends at once, a training in progress finishes and its update is still sent, then
 * {@link #participate} returns.
 */
public final class FederatedClient implements AutoCloseable {

    private final ClientSettings settings;
    private final LabeledImages shard;
    private final LocalModel model;
    private final ModelFetcher fetcher;
    private final UpdatePublisher publisher;
    private final float[][] momentum;
    private volatile boolean stopping;
    private long lastVersion = -1;

    /** A client on its shard of the configured dataset ({@link LocalShard#load}). */
    public FederatedClient(ClientSettings settings) {
        this(settings, LocalShard.load(settings));
    }

    /**
     * A client on the given training data (e.g. a member's own data set).
     *
     * @throws IllegalArgumentException when {@code shard} is empty or does not fit the model
     */
    public FederatedClient(ClientSettings settings, LabeledImages shard) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.shard = Objects.requireNonNull(shard, "shard");
        if (shard.count() == 0) {
            throw new IllegalArgumentException("client " + settings.clientId() + " has no training images;"
                    + " check data.train-limit and partition.*");
        }
        DjlRuntime.ensureConfigured();
        LocalModel m = new LocalModel(settings.modelSpec(), null);
        ModelFetcher f = null;
        try {
            f = ModelFetcher.open(settings);
            this.publisher = UpdatePublisher.open(settings);
        } catch (RuntimeException e) {
            if (f != null) {
                f.close();
            }
            m.close();
            throw e;
        }
        this.model = m;
        this.fetcher = f;
        this.momentum = model.layout().zeros();
    }

    /** {@link #participate(int, Consumer)} for {@code client.rounds} rounds, without progress reports. */
    public List<RoundResult> participate() throws TimeoutException, InterruptedException {
        return participate(settings.rounds(), r -> { });
    }

    /**
     * Takes part in {@code rounds} rounds: each waits for a complete model version newer than the
     * last one used (the first round takes the newest version on the topic), trains, publishes
     * the update and reports it to {@code progress}.
     *
     * @return the rounds done; fewer than {@code rounds} only after {@link #stop()}
     * @throws TimeoutException when no newer version arrives within {@code client.timeout-ms}
     * @throws InterruptedException when interrupted while sending
     */
    public List<RoundResult> participate(int rounds, Consumer<RoundResult> progress)
            throws TimeoutException, InterruptedException {
        List<RoundResult> done = new ArrayList<>(rounds);
        while (done.size() < rounds && !stopping) {
            long t0 = System.nanoTime();
            GlobalModel global;
            try {
                global = fetcher.await(lastVersion + 1, settings.timeout());
            } catch (CancellationException e) {
                if (stopping) {
                    break;
                }
                throw e;
            }
            long t1 = System.nanoTime();
            long v = global.version();
            float[][] w = global.parameters();
            float[][] local = model.layout().copy(w);
            TrainResult trained = model.train(local, momentum, shard, settings.trainConfig(), trainSeed(v));
            float[][] update = settings.behaviour().apply(subtractInto(w, local), settings.tau(), settings.sigma(),
                    trainSeed(v) ^ 0x6A09E667F3BCC909L);
            long t2 = System.nanoTime();
            UpdatePublisher.Sent sent = publisher.publish(v, update, shard.count());
            long t3 = System.nanoTime();
            lastVersion = v;
            RoundResult result = new RoundResult(done.size() + 1, v, trained.meanLoss(), trained.samples(),
                    shard.count(), ms(t1 - t0), ms(t2 - t1), ms(t3 - t2), sent.chunks(), sent.bytes());
            done.add(result);
            progress.accept(result);
        }
        return done;
    }

    /** Ends {@link #participate} after the current round (or at once while waiting); thread-safe. */
    public void stop() {
        stopping = true;
        fetcher.wakeup();
    }

    /** Whether {@link #stop()} was called. */
    public boolean stopped() {
        return stopping;
    }

    /** The training images of this client. */
    public LabeledImages shard() {
        return shard;
    }

    /** The settings this client runs with. */
    public ClientSettings settings() {
        return settings;
    }

    /** The last model version an update was sent for, or -1. */
    public long lastVersion() {
        return lastVersion;
    }

    /**
     * The batch-sampling seed for model {@code version}: the simulation's formula for worker
     * {@code client.id}, so real and simulated runs are comparable.
     */
    public long trainSeed(long version) {
        return trainSeed(settings.seed(), settings.clientId(), version);
    }

    /** {@code seed * 1_000_003 + clientId * 7919 + version}, as the simulation's LocalTrainer. */
    public static long trainSeed(long seed, int clientId, long version) {
        return seed * 1_000_003L + clientId * 7919L + version;
    }

    @Override
    public void close() {
        stopping = true;
        // Each resource closes even if another fails (reverse order: the model last).
        try (model; fetcher; publisher) {
            // nothing to do but close
        }
    }

    /** {@code a -= b} per element; returns {@code a}, now the pseudo-gradient {@code global - local}. */
    private static float[][] subtractInto(float[][] a, float[][] b) {
        for (int l = 0; l < a.length; l++) {
            float[] x = a[l];
            float[] y = b[l];
            for (int i = 0; i < x.length; i++) {
                x[i] -= y[i];
            }
        }
        return a;
    }

    private static long ms(long nanos) {
        return nanos / 1_000_000;
    }
}
