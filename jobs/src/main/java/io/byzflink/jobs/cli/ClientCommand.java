package io.byzflink.jobs.cli;

import io.byzflink.client.ClientSettings;
import io.byzflink.client.FederatedClient;
import io.byzflink.client.RoundResult;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** {@code byzflink client --config CLIENT.yaml}: runs one real federation member against a running server. */
@Command(name = "client", mixinStandardHelpOptions = true,
        description = {"Runs a federation member: fetches the global model from <experiment>.model, trains it on this "
                + "client's data shard, and sends a signed update to <experiment>.updates, once per model version.",
            "Prints one line per round; Ctrl-C stops after the round in progress (a wait for the next model ends at once).",
            "Example: bin/byzflink client --config examples/client.yaml --set client.id=3 --set client.key-file=client3.key"})
final class ClientCommand implements java.util.concurrent.Callable<Integer> {

    /** Longest a Ctrl-C waits for the round in progress to finish and its update to be sent. */
    private static final long STOP_GRACE_SECONDS = 60;

    @Option(names = "--config", paramLabel = "CLIENT.yaml", description = "Client config (YAML), e.g. examples/client.yaml.")
    Path config;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override a config key, e.g. --set client.rounds=5 (repeatable).")
    List<String> overrides = new ArrayList<>();

    @Option(names = "--help-config", description = "List every client config key with its default and description, then exit.")
    boolean helpConfig;

    @Override
    public Integer call() throws Exception {
        PrintStream out = System.out;
        if (helpConfig) {
            out.print(ClientSettings.reference());
            return 0;
        }
        if (config == null && overrides.isEmpty()) {
            System.err.println("error: give a client config, e.g. bin/byzflink client --config examples/client.yaml");
            return 2;
        }
        ClientSettings settings = ClientSettings.load(config, overrides);
        CountDownLatch finished = new CountDownLatch(1);
        try (FederatedClient client = new FederatedClient(settings)) {
            // Ctrl-C: stop after the current round (its update is still sent), then let the JVM exit
            // once the client has closed its Kafka connections and the native model.
            Thread hook = new Thread(() -> {
                client.stop();
                try {
                    finished.await(STOP_GRACE_SECONDS, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "byzflink-client-stop");
            Runtime.getRuntime().addShutdownHook(hook);
            try {
                out.printf(Locale.ROOT, "client %d (%s), experiment %s: shard %d of %d (%d images), model %s; waiting for "
                        + "model versions on %s%n", settings.clientId(), settings.behaviour(), settings.experiment(),
                        settings.partitionIndex(), settings.partitionClients(), client.shard().count(),
                        settings.modelSpec().kind(), settings.topics().model());
                List<RoundResult> done = client.participate(settings.rounds(), r -> out.println(line(r)));
                out.printf(Locale.ROOT, "%s after %d update%s (last model version %d)%n",
                        client.stopped() && done.size() < settings.rounds() ? "Stopped" : "Done", done.size(),
                        done.size() == 1 ? "" : "s", client.lastVersion());
            } catch (TimeoutException e) {
                throw new IllegalStateException(e.getMessage(), e);
            } finally {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // Ctrl-C in progress: the hook is waiting for `finished`.
                }
            }
        } finally {
            finished.countDown();
        }
        return 0;
    }

    /** One round as one line. */
    static String line(RoundResult r) {
        return String.format(Locale.ROOT, "round %3d  model v%-4d loss %.4f  samples %d  weight %.0f  wait %d ms  train %d ms"
                + "  send %d ms (%d chunks, %.1f KiB)", r.round(), r.modelVersion(), r.meanLoss(), r.samples(), r.weight(),
                r.waitMs(), r.trainMs(), r.publishMs(), r.chunks(), r.bytes() / 1024.0);
    }
}
