package io.byzflink.connectors.kafka;

import java.io.Serializable;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The Kafka topics of one experiment, all named {@code <experiment>.<role>}, and how each must
 * be configured.
 *
 * <ul>
 *   <li>{@link #model()} {@code <exp>.model}: the global model, one record per (layer, chunk).
 *       Workers read it from the earliest offset, so it must always hold at least the newest
 *       version of every chunk, and should not grow with the number of rounds: it is
 *       <b>compacted</b> ({@code cleanup.policy=compact}). Compaction keeps the last record per
 *       key, so producers must key model records by layer and chunk only (never by round):
 *       then the newest round's chunk replaces the older ones. Segments roll every 10 minutes so
 *       compaction can run during a long experiment. If the model layout (layers, chunk size)
 *       changes, use a new experiment name: old keys would otherwise stay in the topic.
 *   <li>{@link #updates()} {@code <exp>.updates}: worker/client update chunks. Deleted after one
 *       hour: a round needs them for seconds, a restart from a checkpoint for at most minutes,
 *       and they are large (every worker, every round).
 *   <li>{@link #exchange()} {@code <exp>.exchange}: decentralized model exchange keyed by
 *       destination node; same retention as updates for the same reasons.
 *   <li>{@link #reports()} {@code <exp>.reports}: one small report per round, kept forever
 *       ({@code retention.ms=-1}), one partition so a reader sees rounds in order.
 *   <li>{@link #deadLetter()} {@code <exp>.dead-letter}: rejected inputs with their raw bytes,
 *       kept 7 days for inspection, one partition.
 * </ul>
 *
 * @param experiment experiment name: letters, digits, '.', '_' and '-', at most
 *     {@value #MAX_EXPERIMENT_LENGTH} characters
 */
public record ExperimentTopics(String experiment) implements Serializable {

    public static final String MODEL_SUFFIX = ".model";
    public static final String UPDATES_SUFFIX = ".updates";
    public static final String EXCHANGE_SUFFIX = ".exchange";
    public static final String REPORTS_SUFFIX = ".reports";
    public static final String DEAD_LETTER_SUFFIX = ".dead-letter";

    /** Longest experiment name whose longest topic ({@code <exp>.dead-letter}) Kafka accepts. */
    public static final int MAX_EXPERIMENT_LENGTH = TopicSpec.MAX_NAME_LENGTH - DEAD_LETTER_SUFFIX.length();

    private static final String ONE_HOUR_MS = "3600000";
    private static final String TEN_MINUTES_MS = "600000";
    private static final String SEVEN_DAYS_MS = "604800000";

    public ExperimentTopics {
        Objects.requireNonNull(experiment, "experiment name");
        if (experiment.isEmpty() || experiment.length() > MAX_EXPERIMENT_LENGTH
                || !TopicSpec.LEGAL_NAME.matcher(experiment).matches()) {
            throw new IllegalArgumentException("experiment name '" + experiment + "' cannot be used in"
                    + " Kafka topic names (<experiment>.model, ...): use 1 to " + MAX_EXPERIMENT_LENGTH
                    + " letters, digits, '.', '_' or '-', e.g. 'fmnist-krum-alie'");
        }
    }

    public String model() {
        return experiment + MODEL_SUFFIX;
    }

    public String updates() {
        return experiment + UPDATES_SUFFIX;
    }

    public String exchange() {
        return experiment + EXCHANGE_SUFFIX;
    }

    public String reports() {
        return experiment + REPORTS_SUFFIX;
    }

    public String deadLetter() {
        return experiment + DEAD_LETTER_SUFFIX;
    }

    /** All five topic names, in the order of {@link #specs}. */
    public List<String> names() {
        return List.of(model(), updates(), exchange(), reports(), deadLetter());
    }

    /**
     * Specs of the five topics. {@code partitions} applies to model, updates and exchange (the
     * topics read in parallel); reports and dead-letter always have one partition.
     */
    public List<TopicSpec> specs(int partitions) {
        if (partitions < 1) {
            throw new IllegalArgumentException("experiment topics need at least 1 partition, got " + partitions);
        }
        return List.of(
                new TopicSpec(model(), partitions, Map.of(
                        "cleanup.policy", "compact",
                        // Versions stay an hour before compaction may drop them: a job restored from a
                        // checkpoint replays the topic from its offsets and its trainers must see
                        // every version since then (they train each version in order).
                        "min.compaction.lag.ms", ONE_HOUR_MS,
                        "segment.ms", TEN_MINUTES_MS)),
                new TopicSpec(updates(), partitions, Map.of(
                        "cleanup.policy", "delete",
                        "retention.ms", ONE_HOUR_MS,
                        "segment.ms", TEN_MINUTES_MS)),
                new TopicSpec(exchange(), partitions, Map.of(
                        "cleanup.policy", "delete",
                        "retention.ms", ONE_HOUR_MS,
                        "segment.ms", TEN_MINUTES_MS)),
                new TopicSpec(reports(), 1, Map.of(
                        "cleanup.policy", "delete",
                        "retention.ms", "-1")),
                new TopicSpec(deadLetter(), 1, Map.of(
                        "cleanup.policy", "delete",
                        "retention.ms", SEVEN_DAYS_MS)));
    }
}
