package io.byzflink.jobs.run;

import io.byzflink.connectors.kafka.EmbeddedKafka;
import io.byzflink.data.FashionMnist;
import io.byzflink.connectors.kafka.ExperimentTopics;
import io.byzflink.connectors.kafka.KafkaEndpoints;
import io.byzflink.connectors.kafka.KafkaProperties;
import io.byzflink.jobs.ExperimentJob;
import io.byzflink.jobs.ModelBootstrap;
import io.byzflink.jobs.config.ExperimentConfig;
import io.byzflink.jobs.config.ExperimentOptions;
import io.byzflink.serde.AvroEventSchema;
import io.byzflink.serde.avro.RoundReport;
import io.byzflink.training.DjlRuntime;

import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * Runs one experiment end to end on this machine: Kafka (embedded or given), model version 0,
 * the job on a MiniCluster with the web dashboard (or on the environment a test hands in), one
 * progress line per round, {@code rounds.jsonl}, {@code rounds.csv} and {@code rounds.png} under
 * the output folder, and a clean stop after the final round.
 */
public final class ExperimentRunner {

    /**
     * How to run: where to write, where to print, the dashboard port, how long a round may take,
     * and who else wants each report as it arrives (while the job still runs).
     */
    public record Options(Path outDir, PrintStream progress, int dashboardPort, Duration roundTimeout,
            BiConsumer<JobID, RoundReport> onRound) {
        public Options(Path outDir, PrintStream progress, int dashboardPort, Duration roundTimeout) {
            this(outDir, progress, dashboardPort, roundTimeout, (job, report) -> {});
        }

        public static Options defaults(Path outDir) {
            return new Options(outDir, System.out, 8081, Duration.ofMinutes(10));
        }

        public Options withOnRound(BiConsumer<JobID, RoundReport> listener) {
            return new Options(outDir, progress, dashboardPort, roundTimeout, listener);
        }

        public Options withDashboardPort(int port) {
            return new Options(outDir, progress, port, roundTimeout, onRound);
        }
    }

    /** What a run produced. */
    public record Result(JobID jobId, List<RoundReport> reports, Path dir) {
        public double finalAccuracy() {
            for (int i = reports.size() - 1; i >= 0; i--) {
                if (reports.get(i).getAccuracy() != null) {
                    return reports.get(i).getAccuracy();
                }
            }
            return Double.NaN;
        }
    }

    private ExperimentRunner() {}

    /** Runs on a local MiniCluster with the web dashboard on {@code options.dashboardPort()}. */
    public static Result run(ExperimentConfig config, Options options) throws Exception {
        try (LocalCluster cluster = LocalCluster.start(options.dashboardPort(), config.get(ExperimentOptions.PARALLELISM))) {
            return run(config, options.withDashboardPort(cluster.port()), cluster::environment);
        }
    }

    /** Runs on the environment {@code envFactory} gives (e.g. a test's MiniCluster). */
    public static Result run(ExperimentConfig config, Options options, Supplier<StreamExecutionEnvironment> envFactory)
            throws Exception {
        DjlRuntime.ensureConfigured();
        config = withCheckpointDir(config, options.outDir());
        // Fail before anything starts when the data is missing: in the job it would only show as
        // restarting trainers. The message says where it looked and how to install the data set.
        FashionMnist.locate(config.get(ExperimentOptions.DATA_PATH));
        String experiment = config.get(ExperimentOptions.EXPERIMENT);
        Path dir = options.outDir().resolve(experiment);
        PrintStream out = options.progress();
        EmbeddedKafka broker = null;
        try {
            String bootstrap = config.get(ExperimentOptions.KAFKA_BOOTSTRAP);
            if (config.embeddedKafka()) {
                long t0 = System.nanoTime();
                broker = EmbeddedKafka.start();
                bootstrap = broker.bootstrapServers();
                out.printf(Locale.ROOT, "Kafka: embedded KRaft broker at %s (started in %.1f s)%n", bootstrap,
                        (System.nanoTime() - t0) / 1e9);
            }
            KafkaEndpoints kafka = new KafkaEndpoints(new KafkaProperties(bootstrap, config.kafkaProperties()));
            ModelBootstrap.prepare(config, kafka);
            StreamExecutionEnvironment env = envFactory.get();
            JobClient job = env.executeAsync(ExperimentJob.build(env, config, kafka));
            out.printf("Flink job %s running; dashboard: http://127.0.0.1:%d/#/job/running/%s/overview%n",
                    job.getJobID(), options.dashboardPort(), job.getJobID());
            try {
                List<RoundReport> reports = followAndPlot(config, kafka, of(job), options);
                return new Result(job.getJobID(), reports, dir);
            } finally {
                stop(job);
            }
        } finally {
            if (broker != null) {
                broker.close();
            }
        }
    }

    /** A job being followed: its id, whether it ended (throwing its failure), and how to cancel it. */
    public interface RunningJob {
        JobID id();

        /** True once the job reached a terminal state; throws the job's failure if it failed. */
        boolean ended() throws Exception;

        void cancel() throws Exception;
    }

    /** A job submitted through an environment of this JVM. */
    static RunningJob of(JobClient job) {
        return new RunningJob() {
            @Override
            public JobID id() {
                return job.getJobID();
            }

            @Override
            public boolean ended() throws Exception {
                if (job.getJobStatus().get(10, TimeUnit.SECONDS).isGloballyTerminalState()) {
                    job.getJobExecutionResult().get(10, TimeUnit.SECONDS); // throws the job's failure
                    return true;
                }
                return false;
            }

            @Override
            public void cancel() {
                stop(job);
            }
        };
    }

    /**
     * Follows a running job's reports topic until round {@code rounds - 1}: one progress line per
     * round, rounds.jsonl/csv and the plot under {@code options.outDir()/<experiment>}.
     */
    public static List<RoundReport> followAndPlot(ExperimentConfig config, KafkaEndpoints kafka, RunningJob job, Options options)
            throws Exception {
        String experiment = config.get(ExperimentOptions.EXPERIMENT);
        Path dir = options.outDir().resolve(experiment);
        List<RoundReport> reports = follow(config, kafka, job, dir, options);
        RoundPlot.write(reports, experiment + " (" + config.get(ExperimentOptions.RULE) + ")", dir.resolve("rounds.png"));
        options.progress().printf("Results: %s/rounds.jsonl, rounds.csv, rounds.png%n", dir);
        return reports;
    }

    private static List<RoundReport> follow(ExperimentConfig config, KafkaEndpoints kafka, RunningJob job, Path dir,
            Options options) throws Exception {
        int rounds = config.get(ExperimentOptions.ROUNDS);
        String topic = new ExperimentTopics(config.get(ExperimentOptions.EXPERIMENT)).reports();
        AvroEventSchema<RoundReport> schema = AvroEventSchema.of(RoundReport.class);
        List<RoundReport> reports = new ArrayList<>();
        long lastProgress = System.nanoTime();
        try (RoundLog log = new RoundLog(dir, config.decentralized() ? RoundLog.DECENTRALIZED_COLUMNS : List.of());
                KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(kafka.consumerProperties(),
                        new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long next = 0;
            while (next < rounds) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    RoundReport report = schema.deserialize(record.value());
                    if (report.getRound() != next) {
                        continue; // a replay after recovery: each round is reported once here
                    }
                    reports.add(report);
                    log.append(report);
                    options.progress().println(progressLine(report, rounds));
                    options.onRound().accept(job.id(), report);
                    next++;
                    lastProgress = System.nanoTime();
                }
                if (job.ended()) {
                    throw new IllegalStateException("the job ended before round " + next);
                }
                if (System.nanoTime() - lastProgress > options.roundTimeout().toNanos()) {
                    throw new IllegalStateException("no round finished in " + options.roundTimeout().toSeconds()
                            + " s (waiting for round " + next + "); see the dashboard and the task manager log");
                }
            }
        }
        return reports;
    }

    /** The config with {@code checkpoint.dir} set to {@code <out>/<experiment>/checkpoints} when it is not set. */
    static ExperimentConfig withCheckpointDir(ExperimentConfig config, Path outDir) {
        if (config.get(ExperimentOptions.CHECKPOINT_DIR) != null) {
            return config;
        }
        java.util.Map<String, String> values = new java.util.TreeMap<>(config.values());
        Path dir = outDir.resolve(config.get(ExperimentOptions.EXPERIMENT)).resolve("checkpoints").toAbsolutePath();
        values.put(ExperimentOptions.CHECKPOINT_DIR.key(), dir.toUri().toString());
        return ExperimentConfig.of(values);
    }

    /** One line a round: what a person watching wants to see. */
    static String progressLine(RoundReport r, int rounds) {
        String acc = r.getAccuracy() == null ? "   -  " : String.format(Locale.ROOT, "%.4f", r.getAccuracy());
        String loss = r.getLoss() == null ? "   -  " : String.format(Locale.ROOT, "%.4f", r.getLoss());
        String line = String.format(Locale.ROOT,
                "round %3d/%d  accuracy %s  loss %s  train-loss %.4f  accepted %d  rejected %d  "
                        + "round %5d ms (train %d, transport %d, aggregate %d, update %d)",
                r.getRound() + 1, rounds, acc, loss, r.getTrainLoss() == null ? Double.NaN : r.getTrainLoss(),
                r.getAccepted(), r.getRejected(), r.getRoundMs(), r.getTrainMs(), r.getTransportMs(),
                r.getAggregateMs(), r.getUpdateMs());
        Double consensus = RoundLog.metric(r, "consensus_distance");
        if (consensus != null) { // decentralized: the honest nodes' spread, worst node and traffic
            Double worst = RoundLog.metric(r, "min_accuracy");
            line += String.format(Locale.ROOT, "  worst-node %s  consensus %.4g  sent %.1f MB",
                    worst == null ? "-" : String.format(Locale.ROOT, "%.4f", worst), consensus,
                    RoundLog.metric(r, "bytes_exchanged") / 1e6);
        }
        return line;
    }

    /** Cancels the job and waits until it has ended, so its slots are free for the next run on the cluster. */
    private static void stop(JobClient job) {
        try {
            if (!job.getJobStatus().get(10, TimeUnit.SECONDS).isGloballyTerminalState()) {
                job.cancel().get(60, TimeUnit.SECONDS);
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!job.getJobStatus().get(10, TimeUnit.SECONDS).isGloballyTerminalState() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
        } catch (Exception e) {
            // The run's results are already written; a job that will not cancel ends with the JVM.
        }
    }
}
