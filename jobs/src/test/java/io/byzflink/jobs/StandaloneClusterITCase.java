package io.byzflink.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.byzflink.connectors.kafka.KafkaEndpoints;
import io.byzflink.connectors.kafka.KafkaProperties;
import io.byzflink.data.TestData;
import io.byzflink.jobs.cluster.KafkaProcess;
import io.byzflink.jobs.cluster.RestSubmitter;
import io.byzflink.jobs.cluster.StandaloneCluster;
import io.byzflink.jobs.config.ExperimentConfig;
import io.byzflink.jobs.run.ExperimentRunner;
import io.byzflink.serde.avro.RoundReport;
import io.byzflink.training.store.ModelStore;
import io.byzflink.training.store.ModelVersionInfo;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The cluster path end to end, as separate processes: a Kafka broker process, a standalone Flink
 * session cluster (one JobManager, two TaskManagers) started from the Maven-resolved jars, the
 * parameter-server example submitted as the shaded job jar through the REST API, its custom
 * metrics read through the dashboard's REST API, and one TaskManager killed (SIGKILL) mid-run:
 * the job must restart from its checkpoint on the surviving TaskManager and finish every round,
 * none lost or applied twice. With Chromium installed it also saves a screenshot of the running
 * job's dashboard (target/dashboard.png).
 */
class StandaloneClusterITCase {

    private static final int ROUNDS = 20;

    @Test
    void aJobSubmittedThroughRestSurvivesTheLossOfATaskManager(@TempDir Path tmp) throws Exception {
        Path state = tmp.resolve("cluster");
        KafkaProcess kafkaProcess = new KafkaProcess(state);
        StandaloneCluster cluster = new StandaloneCluster(state);
        try {
            String bootstrap = kafkaProcess.start(freePort(), Duration.ofMinutes(1));
            String url = cluster.start(repoRoot().resolve("flink-conf"), 2, 0,
                    Map.of("heartbeat.interval", "1000", "heartbeat.timeout", "6000", "metrics.fetcher.update-interval", "1000"), Duration.ofMinutes(3));
            ExperimentConfig config = ExperimentConfig.load(null, List.of(
                    "experiment=cluster-itcase", "rounds=" + ROUNDS, "nodes.honest=4", "parallelism=2",
                    "data.path=" + TestData.fashionMnistSubsetDir(), "model.name=mlp", "train.local-epochs=2",
                    "train.batch-size=32", "chunk-size=16384", "checkpoint.interval-ms=500", "kafka.bootstrap=" + bootstrap,
                    "model-store.dir=" + tmp.resolve("models")));
            KafkaEndpoints kafka = new KafkaEndpoints(new KafkaProperties(bootstrap, Map.of()));
            ModelBootstrap.prepare(config, kafka);

            RestSubmitter rest = new RestSubmitter(url);
            String jarId = rest.uploadJar(Path.of("target/byzflink-jobs.jar"));
            List<String> args = new ArrayList<>(List.of("-"));
            config.values().forEach((k, v) -> args.add(k + "=" + v));
            String jobId = rest.run(jarId, "io.byzflink.jobs.ExperimentJob", args);

            Map<String, String> seen = new ConcurrentHashMap<>();
            ExperimentRunner.Options options = new ExperimentRunner.Options(tmp.resolve("out"),
                    new PrintStream(new ByteArrayOutputStream(), true), 0, Duration.ofMinutes(4)).withOnRound((job, report) -> {
                        try {
                            if (report.getRound() == 1) {
                                // The dashboard fetches metrics from the task managers every second here.
                                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                                // Both gauges: the tracker sets the accuracy before it archives the model and
                                // only then the round, so a fetch in between sees round -1.
                                while (!(measured(rest.metric(jobId, "RoundTracker", "testAccuracy"))
                                        && measured(rest.metric(jobId, "RoundTracker", "round")))
                                        && System.nanoTime() < deadline) {
                                    Thread.sleep(200);
                                }
                                seen.put("round", String.valueOf(rest.metric(jobId, "RoundTracker", "round")));
                                seen.put("testAccuracy", String.valueOf(rest.metric(jobId, "RoundTracker", "testAccuracy")));
                                int busy = cluster.busyTaskManager(jobId);
                                seen.put("victim", "tm-" + busy);
                                seen.put("killed", String.valueOf(cluster.killTaskManager(busy))); // mid-run, SIGKILL
                                seen.put("killedBefore", rest.metric(jobId, "RoundTracker", "round"));
                                // After the kill: starting Chromium takes seconds on a loaded machine, long
                                // enough for the job to finish its rounds first.
                                seen.put("screenshot", String.valueOf(Dashboard.screenshot(url + "/#/job/running/" + jobId + "/overview",
                                        Path.of("target/dashboard.png"))));
                            }
                        } catch (Exception e) {
                            throw new AssertionError(e);
                        }
                    });
            List<RoundReport> reports;
            try {
                reports = ExperimentRunner.followAndPlot(config, kafka, rest.follow(jobId), options);
            } finally {
                rest.follow(jobId).cancel();
            }

            assertThat(reports).extracting(RoundReport::getRound).containsExactlyElementsOf(java.util.stream.LongStream.range(0, ROUNDS).boxed().toList());
            assertThat(seen).containsEntry("killed", "true");
            assertThat(Long.parseLong(seen.get("round"))).as("RoundTracker.round through REST").isBetween(0L, (long) ROUNDS - 1);
            assertThat(Long.parseLong(seen.get("killedBefore"))).as("the TaskManager died mid-run").isLessThan(ROUNDS - 5);
            assertThat(Double.parseDouble(seen.get("testAccuracy"))).isBetween(0.1, 1.0);
            assertThat(rest.exceptions(jobId)).as("the job failed over when the TaskManager died").contains(seen.get("victim"));
            assertThat(ModelStore.local(tmp.resolve("models")).list()).extracting(ModelVersionInfo::version)
                    .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(0, ROUNDS).boxed().toList());
            assertThat(reports.get(ROUNDS - 1).getAccuracy()).isGreaterThan(reports.get(0).getAccuracy());
            if (Boolean.parseBoolean(seen.get("screenshot"))) {
                assertThat(Files.size(Path.of("target/dashboard.png"))).isGreaterThan(20_000);
            }
        } finally {
            cluster.stop();
            kafkaProcess.stop();
        }
    }

    /** A gauge value the tracker has set (it starts as NaN until the first evaluated round). */
    private static boolean measured(String metric) {
        return metric != null && !metric.equals("NaN") && !metric.equals("-1");
    }

    private static Path repoRoot() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.exists(p.resolve("flink-conf"))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new AssertionError("no flink-conf/ above " + Path.of("").toAbsolutePath());
        }
        return p;
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Headless Chromium, when installed: a PNG of a dashboard page. */
    static final class Dashboard {
        private Dashboard() {}

        static boolean screenshot(String pageUrl, Path png) {
            Path chromium = Path.of("/usr/bin/chromium");
            if (!Files.isExecutable(chromium)) {
                return false;
            }
            try {
                Process p = new ProcessBuilder(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                        "--hide-scrollbars", "--window-size=1600,1000", "--virtual-time-budget=8000",
                        "--screenshot=" + png.toAbsolutePath(), pageUrl).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0 && Files.exists(png);
            } catch (Exception e) {
                return false;
            }
        }
    }
}
