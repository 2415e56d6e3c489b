package io.byzflink.jobs.cli;

import io.byzflink.connectors.kafka.KafkaEndpoints;
import io.byzflink.connectors.kafka.KafkaProperties;
import io.byzflink.jobs.ModelBootstrap;
import io.byzflink.jobs.cluster.RestSubmitter;
import io.byzflink.jobs.config.ExperimentConfig;
import io.byzflink.jobs.config.ExperimentOptions;
import io.byzflink.jobs.run.ExperimentRunner;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code byzflink submit CONFIG.yaml --cluster URL}: runs an experiment on a Flink cluster through its REST API. */
@Command(name = "submit", mixinStandardHelpOptions = true,
        description = {"Uploads the job jar to a running Flink cluster through its REST API (the dashboard's), starts the",
            "experiment (the whole config travels as job arguments), then follows its reports topic: one line per round,",
            "rounds.jsonl/csv/png under --out, and cancels the job after the last round. kafka.bootstrap must be a broker",
            "both the cluster and this machine reach (e.g. byzflink kafka start).",
            "  byzflink submit examples/fmnist-fedavg.yaml --cluster http://127.0.0.1:8081 --set kafka.bootstrap=127.0.0.1:9092"})
final class SubmitCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "CONFIG.yaml", description = "The experiment.")
    Path config;

    @Option(names = "--cluster", required = true, paramLabel = "URL", description = "The cluster's REST address, e.g. http://127.0.0.1:8081.")
    String cluster;

    @Option(names = "--set", paramLabel = "key=value", description = "Override a config key (repeatable).")
    List<String> overrides = new ArrayList<>();

    @Option(names = "--jar", paramLabel = "JAR", description = "The job jar. Default: jobs/target/byzflink-jobs.jar of this project.")
    Path jar;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "runs", description = "Folder for results. Default: ${DEFAULT-VALUE}.")
    Path out;

    @Option(names = "--round-timeout", paramLabel = "SECONDS", defaultValue = "600",
            description = "Give up when no round finishes for this long. Default: ${DEFAULT-VALUE}.")
    long roundTimeout;

    @Option(names = "--keep-running", description = "Do not cancel the job after the last round.")
    boolean keepRunning;

    @Override
    public Integer call() throws Exception {
        ExperimentConfig cfg = ExperimentConfig.load(config, overrides);
        if (cfg.embeddedKafka()) {
            throw new IllegalArgumentException("kafka.bootstrap is 'embedded': a cluster needs a broker it can reach; start one with "
                    + "'byzflink kafka start' and add --set kafka.bootstrap=127.0.0.1:9092");
        }
        KafkaEndpoints kafka = new KafkaEndpoints(new KafkaProperties(cfg.get(ExperimentOptions.KAFKA_BOOTSTRAP), cfg.kafkaProperties()));
        ModelBootstrap.prepare(cfg, kafka); // topics and version 0 before the job starts reading
        Path jobJar = jar != null ? jar : Path.of(System.getProperty("byzflink.home", ".")).resolve("jobs/target/byzflink-jobs.jar");
        RestSubmitter rest = new RestSubmitter(cluster);
        PrintStream progress = System.out;
        progress.println("Uploading " + jobJar + " to " + cluster + " ...");
        String jarId = rest.uploadJar(jobJar);
        List<String> args = new ArrayList<>(List.of("-"));
        cfg.values().forEach((k, v) -> args.add(k + "=" + v));
        String jobId = rest.run(jarId, "io.byzflink.jobs.ExperimentJob", args);
        progress.println("Flink job " + jobId + " running; dashboard: " + cluster + "/#/job/running/" + jobId + "/overview");
        ExperimentRunner.RunningJob job = rest.follow(jobId);
        try {
            ExperimentRunner.followAndPlot(cfg, kafka, job,
                    new ExperimentRunner.Options(out, progress, 0, Duration.ofSeconds(roundTimeout)));
        } finally {
            if (!keepRunning) {
                job.cancel();
            }
        }
        return 0;
    }
}
