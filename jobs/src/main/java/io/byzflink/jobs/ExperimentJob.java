package io.byzflink.jobs;

import io.byzflink.connectors.kafka.KafkaEndpoints;
import io.byzflink.connectors.kafka.KafkaProperties;
import io.byzflink.jobs.config.ExperimentConfig;
import io.byzflink.jobs.config.ExperimentOptions;

import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The job an experiment config describes: {@link FederatedJob} ({@code mode: parameter-server}),
 * {@link DecentralizedJob} ({@code mode: decentralized}) or {@link AggregationServiceJob}
 * ({@code mode: service}). Its {@link #main} is the shaded
 * jar's entry point for {@code flink run}.
 */
public final class ExperimentJob {

    private ExperimentJob() {}

    /** Adds the configured job's graph to {@code env}; returns a name for the job. */
    public static String build(StreamExecutionEnvironment env, ExperimentConfig config, KafkaEndpoints kafka) {
        String experiment = config.get(ExperimentOptions.EXPERIMENT);
        if (config.decentralized()) {
            DecentralizedJob.build(env, config, kafka);
            return "ByzFlink decentralized: " + experiment;
        }
        if (config.service()) {
            AggregationServiceJob.build(env, config, kafka);
            return "ByzFlink aggregation service: " + experiment;
        }
        FederatedJob.build(env, config, kafka);
        return "ByzFlink parameter server: " + experiment;
    }

    /**
     * Entry point for {@code flink run byzflink-jobs.jar CONFIG.yaml [key=value ...]}. Needs a
     * reachable Kafka in {@code kafka.bootstrap}; creates the topics (and publishes model version
     * 0 for a parameter server whose model topic is empty), then runs until cancelled.
     */
    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            throw new IllegalArgumentException("usage: flink run byzflink-jobs.jar CONFIG.yaml|- [key=value ...]");
        }
        List<String> overrides = new ArrayList<>(List.of(args).subList(1, args.length));
        // "-" instead of a file: the whole config comes as key=value arguments (byzflink submit
        // sends it that way, so the cluster needs no copy of the file).
        ExperimentConfig config = ExperimentConfig.load("-".equals(args[0]) ? null : Path.of(args[0]), overrides);
        if (config.embeddedKafka()) {
            throw new IllegalArgumentException("kafka.bootstrap is 'embedded': on a cluster set it to your brokers, "
                    + "e.g. kafka.bootstrap=broker:9092, or run locally with 'bin/byzflink run'");
        }
        KafkaEndpoints kafka = new KafkaEndpoints(new KafkaProperties(config.get(ExperimentOptions.KAFKA_BOOTSTRAP), config.kafkaProperties()));
        ModelBootstrap.prepare(config, kafka);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.execute(build(env, config, kafka));
    }
}
