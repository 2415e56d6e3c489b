package io.byzflink.client;

import io.byzflink.serde.TensorCodec;
import io.byzflink.serde.TensorLayout;
import io.byzflink.serde.TensorSetAssembler;
import io.byzflink.serde.avro.TensorChunk;
import io.byzflink.serde.avro.TensorKind;

import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeoutException;

/**
 * Reads the global model from the experiment's compacted model topic.
 *
 * <p>The topic holds one record per (layer, chunk) key; the server overwrites every key with each
 * new version. This reader assigns itself all partitions (no consumer group: every client reads
 * everything, nothing is committed), starts at the beginning, and keeps the newest chunk per key
 * (highest {@code round}; for equal rounds the later record, as compaction would). A version is
 * complete when every chunk of the layout holds it. The consumer stays open between calls and
 * continues where it was, so a round costs only the new records.
 *
 * <p>Accepted: {@code MODEL} chunks of this experiment with sender -1. Silently skipped: the
 * server's aggregates ({@code DELTA} with a negative sender) and tombstones. Counted and logged:
 * undecodable records, other experiments, other kinds. A model chunk that does not fit the
 * client's layout fails at once: the client's {@code model.*} or {@code chunk-size} differ from
 * the server's, and waiting would never help.
 *
 * <p>Not thread-safe, except {@link #wakeup()}.
 */
public final class ModelFetcher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ModelFetcher.class);
    /** Longest single poll, so deadlines and missing topics are re-checked often. */
    private static final Duration MAX_POLL = Duration.ofMillis(500);
    private static final int MAX_LOGGED_SKIPS = 10;

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final String topic;
    private final String experiment;
    private final TensorLayout layout;
    private final int chunkSize;
    private final String bootstrap;
    /** First chunk id of each layer: chunk id = layerStart[layer] + chunkIndex. */
    private final int[] layerStart;
    private final TensorChunk[] newest;
    /** How many chunk ids currently hold each round; a round is complete when its count is total. */
    private final TreeMap<Long, Integer> holders = new TreeMap<>();
    private List<TopicPartition> partitions;
    private long skipped;

    /**
     * Opens a consumer (not yet connected).
     *
     * @param consumerProperties byte[] consumer properties without a group, e.g.
     *     {@link ClientKafka#consumerProperties}
     * @param topic the model topic, {@code <experiment>.model}
     * @param experiment chunks of other experiments are skipped
     * @param layout the model's layers
     * @param chunkSize the server's chunk size
     */
    public ModelFetcher(Properties consumerProperties, String topic, String experiment, TensorLayout layout,
            int chunkSize) {
        Properties p = new Properties();
        p.putAll(consumerProperties);
        p.remove(ConsumerConfig.GROUP_ID_CONFIG); // assign() without a group: nothing to commit or rebalance
        p.setProperty(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        this.bootstrap = String.valueOf(p.get(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG));
        this.consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.topic = topic;
        this.experiment = experiment;
        this.layout = layout;
        this.chunkSize = chunkSize;
        this.layerStart = new int[layout.layerCount()];
        int total = 0;
        for (int l = 0; l < layout.layerCount(); l++) {
            layerStart[l] = total;
            total += TensorCodec.chunkCount(layout.length(l), chunkSize);
        }
        this.newest = new TensorChunk[total];
    }

    /** A fetcher of the settings' model topic. */
    public static ModelFetcher open(ClientSettings s) {
        return new ModelFetcher(ClientKafka.consumerProperties(s.kafka()), s.topics().model(), s.experiment(),
                s.tensorLayout(), s.chunkSize());
    }

    /**
     * The newest complete model version {@code >= minVersion}: first reads everything already
     * on the topic (so an older complete version is never returned while a newer one is there),
     * then waits for more.
     *
     * @throws TimeoutException when no such version is complete within {@code timeout}; the
     *     message says what was seen
     * @throws CancellationException when {@link #wakeup()} was called
     */
    public GlobalModel await(long minVersion, Duration timeout) throws TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            if (!assign(deadline)) {
                throw new TimeoutException("model topic " + topic + " does not exist on " + bootstrap + " after waiting "
                        + timeout.toMillis() + " ms: start the server for experiment '" + experiment
                        + "' first, or check the experiment name and kafka.bootstrap");
            }
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, remaining(deadline));
            while (!caughtUp(end) && System.nanoTime() < deadline) {
                pollOnce(deadline);
            }
            while (true) {
                long complete = completeVersion();
                if (complete >= minVersion) {
                    return assemble(complete);
                }
                if (System.nanoTime() >= deadline) {
                    throw new TimeoutException("no complete model version >= " + minVersion + " on " + topic + " within "
                            + timeout.toMillis() + " ms (" + describe() + "); is the server running and are enough"
                            + " clients sending updates? Raise client.timeout-ms to wait longer");
                }
                pollOnce(deadline);
            }
        } catch (WakeupException e) {
            throw new CancellationException("stopped while waiting for model version " + minVersion);
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            TimeoutException t = new TimeoutException("Kafka at " + bootstrap + " did not answer within "
                    + timeout.toMillis() + " ms: check kafka.bootstrap and kafka.properties.*");
            t.initCause(e);
            throw t;
        }
    }

    /** The newest version complete among the records read so far, or -1. */
    public long completeVersion() {
        if (holders.size() == 1 && holders.firstEntry().getValue() == newest.length) {
            return holders.firstKey();
        }
        return -1;
    }

    /** Records skipped so far (undecodable, other experiments, unexpected kinds). */
    public long skipped() {
        return skipped;
    }

    /** Makes a blocked or the next {@link #await} throw {@link CancellationException}; thread-safe. */
    public void wakeup() {
        consumer.wakeup();
    }

    @Override
    public void close() {
        consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
    }

    // ---------------------------------------------------------------- reading

    /** Assigns all partitions of the topic from the beginning; false when it does not exist before the deadline. */
    private boolean assign(long deadline) {
        while (partitions == null) {
            List<PartitionInfo> infos;
            try {
                // Short attempts: for a topic that does not exist (yet) the consumer retries until
                // the timeout and then throws, and the server may create the topic meanwhile.
                Duration attempt = remaining(deadline);
                infos = consumer.partitionsFor(topic, attempt.compareTo(MAX_POLL) < 0 ? attempt : MAX_POLL);
            } catch (org.apache.kafka.common.errors.TimeoutException e) {
                infos = null;
            }
            if (infos != null && !infos.isEmpty()) {
                partitions = infos.stream().map(i -> new TopicPartition(topic, i.partition())).toList();
                consumer.assign(partitions);
                consumer.seekToBeginning(partitions);
                return true;
            }
            if (System.nanoTime() >= deadline) {
                return false;
            }
            sleep(Math.min(200, remaining(deadline).toMillis()));
        }
        return true;
    }

    private boolean caughtUp(Map<TopicPartition, Long> end) {
        for (TopicPartition tp : partitions) {
            if (consumer.position(tp) < end.getOrDefault(tp, 0L)) {
                return false;
            }
        }
        return true;
    }

    private void pollOnce(long deadline) {
        Duration wait = remaining(deadline);
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(wait.compareTo(MAX_POLL) < 0 ? wait : MAX_POLL)) {
            accept(record);
        }
    }

    private void accept(ConsumerRecord<byte[], byte[]> record) {
        if (record.value() == null) {
            return; // tombstone
        }
        TensorChunk chunk;
        try {
            chunk = ChunkWire.decode(record.value());
        } catch (IOException e) {
            skip(record, "undecodable: " + e.getMessage());
            return;
        }
        if (!experiment.equals(chunk.getExperiment())) {
            skip(record, "experiment '" + chunk.getExperiment() + "'");
            return;
        }
        if (chunk.getKind() == TensorKind.DELTA && chunk.getSender() < 0) {
            return; // the server's aggregate, not a model
        }
        if (chunk.getKind() != TensorKind.MODEL || chunk.getSender() != -1) {
            skip(record, chunk.getKind() + " from sender " + chunk.getSender());
            return;
        }
        String problem = TensorSetAssembler.mismatch(layout, chunkSize, chunk);
        if (problem != null) {
            throw new IllegalStateException("model chunk of version " + chunk.getRound() + " on " + topic + " (offset "
                    + record.offset() + ") does not fit this client's model: " + problem + ". Set model.name, "
                    + "model.hidden and chunk-size to the server's values (client layout: " + layout + ", chunk-size "
                    + chunkSize + ")");
        }
        int id = layerStart[chunk.getLayerIndex()] + chunk.getChunkIndex();
        TensorChunk old = newest[id];
        if (old != null) {
            if (chunk.getRound() < old.getRound()) {
                return; // versions only go up
            }
            release(old.getRound());
        }
        newest[id] = chunk;
        holders.merge(chunk.getRound(), 1, Integer::sum);
    }

    private void release(long round) {
        holders.computeIfPresent(round, (r, n) -> n == 1 ? null : n - 1);
    }

    private GlobalModel assemble(long version) {
        TensorSetAssembler assembler = new TensorSetAssembler(layout, chunkSize);
        long publishedAt = 0;
        for (TensorChunk c : newest) {
            assembler.add(c);
            publishedAt = Math.max(publishedAt, c.getCreatedAtMs());
        }
        return new GlobalModel(version, assembler.tensors(), publishedAt);
    }

    private String describe() {
        if (holders.isEmpty()) {
            return "the topic holds no model chunk yet";
        }
        return "chunks per version: " + holders.descendingMap() + " of " + newest.length + " needed";
    }

    private void skip(ConsumerRecord<byte[], byte[]> record, String why) {
        skipped++;
        if (skipped <= MAX_LOGGED_SKIPS) {
            LOG.warn("skipped record {}-{}@{} on the model topic: {}", record.topic(), record.partition(),
                    record.offset(), why);
        }
    }

    private static Duration remaining(long deadline) {
        return Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(Math.max(1, ms));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancellationException("interrupted while waiting for the model topic");
        }
    }
}
