package io.byzflink.jobs;

import io.byzflink.jobs.config.ExperimentConfig;
import io.byzflink.jobs.config.ExperimentOptions;

import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Checkpointing of an experiment's job: exactly-once barriers every {@code checkpoint.interval-ms}
 * and, when {@code checkpoint.dir} is set, state written to that folder (any Flink file system:
 * file://, s3://, hdfs://...). Without a folder Flink keeps checkpoints in the JobManager's memory,
 * which refuses state above 5 MB: a decentralized run keeps several models per node and passes
 * that after a few nodes, so the local runner always sets a folder.
 */
final class Checkpointing {

    private Checkpointing() {}

    static void apply(StreamExecutionEnvironment env, ExperimentConfig config) {
        long interval = config.get(ExperimentOptions.CHECKPOINT_INTERVAL);
        if (interval <= 0) {
            return;
        }
        env.enableCheckpointing(interval, CheckpointingMode.EXACTLY_ONCE);
        String dir = config.get(ExperimentOptions.CHECKPOINT_DIR);
        if (dir != null && !dir.isBlank()) {
            Configuration storage = new Configuration();
            storage.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
            storage.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, dir);
            env.configure(storage);
        }
    }
}
