package io.byzflink.connectors.kafka;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import kafka.server.BrokerServer;
import kafka.server.ControllerServer;
import kafka.server.FaultHandlerFactory;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.server.Server;
import kafka.server.SharedServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.metrics.Metrics;
import org.apache.kafka.common.network.ListenerName;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.bootstrap.BootstrapMetadata;
import org.apache.kafka.metadata.properties.MetaPropertiesEnsemble;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.raft.QuorumConfig;
import org.apache.kafka.server.ServerSocketFactory;
import org.apache.kafka.server.common.MetadataVersion;
import org.apache.kafka.server.fault.FaultHandler;
import org.apache.kafka.server.fault.LoggingFaultHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple2;

/**
 * A real single-node Kafka 4 cluster inside this JVM: one KRaft node that is both broker and
 * controller, listening only on 127.0.0.1 (ports chosen by the OS), with its own temporary log
 * folder that {@link #close()} deletes. For tests and local runs without Docker.
 *
 * <h2>How it is built, and why not with the ready-made kits</h2>
 * It is assembled from the broker's own parts exactly as {@code kafka.server.KafkaRaftServer}
 * (what {@code bin/kafka-server-start.sh} runs) does it: the log folders are formatted with
 * {@link Formatter} (as {@code kafka-storage.sh format} does), then a {@link SharedServer}, a
 * {@link ControllerServer} and a {@link BrokerServer} are created and started. Two of its inputs
 * are replaced:
 * <ul>
 *   <li>the server socket factory: the controller's socket is bound on 127.0.0.1 port 0 before
 *       the configuration is written, so the quorum address is known without guessing a free
 *       port (no race with other processes); the broker listener asks the OS for a port too.
 *   <li>the fault handler factory: Kafka's default halts the JVM on a fatal fault, which would
 *       kill a whole test run or Flink mini cluster; here faults are logged (and the JVM lives).
 * </ul>
 * {@code KafkaRaftServer} itself accepts neither replacement. {@code KafkaClusterTestKit}
 * (kafka-test-common-runtime) was rejected because it pre-binds its sockets on the wildcard
 * address, i.e. on every network interface, enables unstable feature and API versions, and
 * brings JUnit onto the runtime class path. The price: {@code SharedServer},
 * {@code ControllerServer} and {@code BrokerServer} are Kafka-internal classes whose
 * constructors may change between Kafka releases; this class is pinned to Kafka 4.2 and its
 * tests will show a break on upgrade.
 *
 * <h2>Configuration</h2>
 * Replication factors 1 (internal topics included), automatic topic creation off (a typo in a
 * topic name fails instead of silently creating a topic), consumer-group rebalance delay 0
 * (groups join at once), a 2 MiB log-cleaner buffer instead of 128 MiB (compacted topics work
 * without a large heap), few network and I/O threads (small machines). The record size limit is
 * Kafka's default 1 MiB, on purpose: a record that passes here must also pass on a default
 * production cluster (tensor chunks stay below it). Every setting can be overridden with
 * {@link #start(Map)}.
 */
public final class EmbeddedKafka implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);

    static final String BROKER_LISTENER = "BROKER";
    static final String CONTROLLER_LISTENER = "CONTROLLER";
    private static final String LOOPBACK = "127.0.0.1";
    /**
     * Node ids are unique per JVM so that several embedded clusters in one JVM register their
     * metrics under different names.
     */
    private static final AtomicInteger NEXT_NODE_ID = new AtomicInteger(1);

    private final Path logDir;
    private final Metrics metrics;
    private final ControllerServer controller;
    private final BrokerServer broker;
    private final int port;
    private final int controllerPort;
    private final Duration startupTime;
    private final AtomicBoolean closed = new AtomicBoolean();

    private EmbeddedKafka(Path logDir, Metrics metrics, ControllerServer controller, BrokerServer broker,
            int port, int controllerPort, Duration startupTime) {
        this.logDir = logDir;
        this.metrics = metrics;
        this.controller = controller;
        this.broker = broker;
        this.port = port;
        this.controllerPort = controllerPort;
        this.startupTime = startupTime;
        // A run stopped with Ctrl-C or SIGTERM must not leave gigabytes of topic data in /tmp.
        Runtime.getRuntime().addShutdownHook(new Thread(this::closeQuietly, "embedded-kafka-cleanup"));
    }

    private void closeQuietly() {
        try {
            close();
        } catch (RuntimeException e) {
            LOG.warn("embedded Kafka cleanup at exit failed: {}", e.toString());
        }
    }

    /** Starts a broker with the default configuration described in the class comment. */
    public static EmbeddedKafka start() {
        return start(Map.of());
    }

    /**
     * Starts a broker; {@code brokerConfigOverrides} (Kafka broker properties) replace the
     * defaults. Returns once the broker accepts clients.
     *
     * @throws IllegalStateException if the broker could not start (the message says why)
     */
    public static EmbeddedKafka start(Map<String, String> brokerConfigOverrides) {
        return start(0, brokerConfigOverrides);
    }

    /**
     * Starts a broker whose client listener is on {@code brokerPort} (0: a free port), e.g. a
     * long-lived broker for a local cluster that other processes find at a known address.
     */
    public static EmbeddedKafka start(int brokerPort, Map<String, String> brokerConfigOverrides) {
        long startNanos = System.nanoTime();
        int nodeId = NEXT_NODE_ID.getAndIncrement();
        Path logDir = null;
        ServerSocketChannel controllerSocket = null;
        Metrics metrics = null;
        ControllerServer controller = null;
        BrokerServer broker = null;
        try {
            logDir = Files.createTempDirectory("byzflink-kafka-");
            Path dataDir = Files.createDirectory(logDir.resolve("data"));
            Path metadataDir = Files.createDirectory(logDir.resolve("metadata"));
            controllerSocket = ServerSocketChannel.open();
            controllerSocket.configureBlocking(false);
            controllerSocket.bind(new InetSocketAddress(InetAddress.getByName(LOOPBACK), 0));
            int controllerPort = ((InetSocketAddress) controllerSocket.getLocalAddress()).getPort();

            Map<String, Object> props = defaults(nodeId, controllerPort, brokerPort, dataDir, metadataDir);
            props.putAll(brokerConfigOverrides);
            KafkaConfig config = new KafkaConfig(props, false);

            String clusterId = Uuid.randomUuid().toString();
            new Formatter()
                    .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                    .setNodeId(nodeId)
                    .setClusterId(clusterId)
                    .setDirectories(List.of(dataDir.toString(), metadataDir.toString()))
                    .setMetadataLogDirectory(metadataDir.toString())
                    .setControllerListenerName(CONTROLLER_LISTENER)
                    .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                    .run();

            Tuple2<MetaPropertiesEnsemble, BootstrapMetadata> formatted =
                    KafkaRaftServer.initializeLogDirs(config, LOG, "[EmbeddedKafka node " + nodeId + "] ");
            metrics = Server.initializeMetrics(config, Time.SYSTEM, clusterId);
            SharedServer shared = new SharedServer(config, formatted._1(), Time.SYSTEM, metrics,
                    CompletableFuture.completedFuture(QuorumConfig.parseVoterConnections(config.quorumConfig().voters())),
                    QuorumConfig.parseBootstrapServers(config.quorumConfig().bootstrapServers()),
                    new LoggingFaultHandlerFactory(),
                    new PreboundControllerSocketFactory(controllerSocket));
            controller = new ControllerServer(shared, KafkaRaftServer.configSchema(), formatted._2());
            broker = new BrokerServer(shared);
            controller.startup();
            broker.startup();

            int port = broker.boundPort(ListenerName.normalised(BROKER_LISTENER));
            Duration startup = Duration.ofNanos(System.nanoTime() - startNanos);
            LOG.info("Embedded Kafka node {} listening on {}:{} (controller {}) started in {} ms, log dir {}",
                    nodeId, LOOPBACK, port, controllerPort, startup.toMillis(), logDir);
            return new EmbeddedKafka(logDir, metrics, controller, broker, port, controllerPort, startup);
        } catch (Exception e) {
            shutdownQuietly(broker, controller, metrics);
            closeQuietly(controllerSocket);
            if (logDir != null) {
                deleteQuietly(logDir);
            }
            throw new IllegalStateException("the embedded Kafka broker did not start: " + e.getMessage()
                    + (brokerConfigOverrides.isEmpty() ? "" : " (broker overrides: " + brokerConfigOverrides + ")"),
                    e);
        }
    }

    private static Map<String, Object> defaults(int nodeId, int controllerPort, int brokerPort, Path dataDir, Path metadataDir) {
        Map<String, Object> p = new HashMap<>();
        p.put("process.roles", "broker,controller");
        p.put("node.id", Integer.toString(nodeId));
        p.put("controller.quorum.voters", nodeId + "@" + LOOPBACK + ":" + controllerPort);
        p.put("controller.listener.names", CONTROLLER_LISTENER);
        p.put("listeners", BROKER_LISTENER + "://" + LOOPBACK + ":" + brokerPort + "," + CONTROLLER_LISTENER + "://" + LOOPBACK + ":"
                + controllerPort);
        p.put("listener.security.protocol.map", BROKER_LISTENER + ":PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
        p.put("inter.broker.listener.name", BROKER_LISTENER);
        p.put("log.dirs", dataDir.toString());
        p.put("metadata.log.dir", metadataDir.toString());
        p.put("auto.create.topics.enable", "false");
        p.put("default.replication.factor", "1");
        p.put("min.insync.replicas", "1");
        p.put("num.partitions", "1");
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "1");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("log.cleaner.dedupe.buffer.size", Integer.toString(2 * 1024 * 1024));
        p.put("message.max.bytes", "1048588");
        p.put("num.network.threads", "2");
        p.put("num.io.threads", "2");
        p.put("background.threads", "2");
        p.put("num.recovery.threads.per.data.dir", "1");
        p.put("server.max.startup.time.ms", "120000");
        return p;
    }

    /** {@code 127.0.0.1:<port>}, for the clients' {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return LOOPBACK + ":" + port;
    }

    /** Client settings for this broker (no extra properties). */
    public KafkaProperties clientProperties() {
        return KafkaProperties.of(bootstrapServers());
    }

    /** The port of the client listener. */
    public int port() {
        return port;
    }

    /** The port of the KRaft controller listener (also on 127.0.0.1). */
    int controllerPort() {
        return controllerPort;
    }

    /** The temporary folder holding the broker's data and metadata logs. */
    public Path logDir() {
        return logDir;
    }

    /** Time from the call to {@link #start} until the broker accepted clients. */
    public Duration startupTime() {
        return startupTime;
    }

    /** Creates the topics that do not exist yet, see {@link TopicAdmin#createTopics}. */
    public Set<String> createTopics(Collection<TopicSpec> topics) {
        try (TopicAdmin admin = TopicAdmin.connect(clientProperties())) {
            return admin.createTopics(topics);
        }
    }

    /** Stops the broker and the controller and deletes the log folder; idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        long start = System.nanoTime();
        shutdownQuietly(broker, controller, metrics);
        try {
            deleteRecursively(logDir);
        } catch (IOException e) {
            throw new UncheckedIOException("embedded Kafka stopped but its log folder " + logDir
                    + " could not be deleted", e);
        }
        LOG.info("Embedded Kafka on port {} stopped in {} ms", port, (System.nanoTime() - start) / 1_000_000);
    }

    @Override
    public String toString() {
        return "EmbeddedKafka[" + bootstrapServers() + ", " + logDir + "]";
    }

    /** Broker first, then controller: the broker's controlled shutdown needs the controller. */
    private static void shutdownQuietly(BrokerServer broker, ControllerServer controller, Metrics metrics) {
        if (broker != null) {
            try {
                broker.shutdown();
            } catch (RuntimeException e) {
                LOG.warn("embedded Kafka broker shutdown failed", e);
            }
        }
        if (controller != null) {
            try {
                controller.shutdown();
            } catch (RuntimeException e) {
                LOG.warn("embedded Kafka controller shutdown failed", e);
            }
        }
        if (metrics != null) {
            metrics.close();
        }
    }

    private static void closeQuietly(ServerSocketChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                LOG.warn("could not close the controller socket", e);
            }
        }
    }

    private static void deleteQuietly(Path dir) {
        try {
            deleteRecursively(dir);
        } catch (IOException e) {
            LOG.warn("could not delete {}", dir, e);
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                throw e;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                if (e != null && !(e instanceof NoSuchFileException)) {
                    throw e;
                }
                Files.deleteIfExists(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /**
     * Hands the pre-bound 127.0.0.1 controller socket to the controller's listener; every other
     * listener is opened normally (on the host its listener config names, also 127.0.0.1).
     */
    private static final class PreboundControllerSocketFactory implements ServerSocketFactory {

        private final AtomicReference<ServerSocketChannel> prebound;

        PreboundControllerSocketFactory(ServerSocketChannel controllerSocket) {
            this.prebound = new AtomicReference<>(controllerSocket);
        }

        @Override
        public ServerSocketChannel openServerSocket(String listenerName, InetSocketAddress address,
                int listenBacklogSize, int recvBufferSize) throws IOException {
            if (CONTROLLER_LISTENER.equals(listenerName)) {
                ServerSocketChannel channel = prebound.getAndSet(null);
                if (channel != null && channel.isOpen()) {
                    return channel;
                }
            }
            return ServerSocketFactory.INSTANCE.openServerSocket(listenerName, address, listenBacklogSize,
                    recvBufferSize);
        }
    }

    /**
     * Logs faults and runs their recovery action, for fatal ones too: Kafka's default handler
     * would halt the JVM, taking the test run or the Flink mini cluster down with it.
     */
    private static final class LoggingFaultHandlerFactory implements FaultHandlerFactory {

        @Override
        public FaultHandler build(String name, boolean fatal, Runnable action) {
            return new LoggingFaultHandler((fatal ? "fatal " : "") + name, action);
        }
    }
}
