package io.byzflink.jobs.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A Flink standalone session cluster on this machine, as separate processes: one JobManager
 * (StandaloneSessionClusterEntrypoint) and N TaskManagers (TaskManagerRunner), started from the
 * Maven-resolved Flink jars this JVM runs with (flink-dist is not on Maven Central), with the
 * dashboard and every port on the loopback interface, DJL and its PyTorch natives on the task
 * managers' classpath (loaded parent-first: natives load once per JVM), and memory settings
 * derived by Flink's own BashJavaUtils, as flink-dist's scripts do. Its state (pid files, logs,
 * the effective config, checkpoints, uploaded jars) lives in one folder, so {@code stop} and
 * {@code status} work from another process.
 */
public final class StandaloneCluster {

    private static final String JM_MAIN = "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint";
    private static final String TM_MAIN = "org.apache.flink.runtime.taskexecutor.TaskManagerRunner";
    private static final String BASH_UTILS = "org.apache.flink.runtime.util.bash.BashJavaUtils";
    private static final String RESULT_PREFIX = "BASH_JAVA_UTILS_EXEC_RESULT:";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path state;

    /** A cluster whose files live in {@code stateDir} (e.g. runs/cluster). */
    public StandaloneCluster(Path stateDir) {
        this.state = stateDir.toAbsolutePath();
    }

    /** The dashboard / REST address of a started cluster. */
    public String restUrl() throws IOException {
        return "http://127.0.0.1:" + Files.readString(state.resolve("rest.port")).trim();
    }

    /**
     * Starts the JobManager and {@code taskManagers} TaskManagers and waits until the REST API
     * reports them all.
     *
     * @param baseConfigDir folder with the base config.yaml (e.g. the repository's flink-conf/);
     *     the local addresses, ports and paths are set on top of it
     * @param overrides further Flink options for every process (e.g. heartbeat timeouts)
     */
    public String start(Path baseConfigDir, int taskManagers, int restPort, Map<String, String> overrides, Duration timeout)
            throws IOException, InterruptedException {
        if (JavaProcess.alive(state.resolve("jobmanager.pid")).isPresent()) {
            throw new IllegalStateException("a cluster is already running from " + state + " (" + restUrl()
                    + "); stop it first: byzflink cluster stop");
        }
        Files.createDirectories(state.resolve("conf"));
        Path base = baseConfigDir.resolve("config.yaml");
        Path conf = state.resolve("conf");
        if (Files.exists(base)) {
            Files.copy(base, conf.resolve("config.yaml"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } else {
            Files.writeString(conf.resolve("config.yaml"), "# defaults; local settings come as dynamic properties\n");
        }
        Files.writeString(conf.resolve("log4j.properties"), log4j());
        int port = restPort > 0 ? restPort : freePort();
        Files.writeString(state.resolve("rest.port"), Integer.toString(port));
        Map<String, String> dynamic = localSettings(port, freePort());
        dynamic.putAll(overrides);
        String cp = JavaProcess.classpath(StandaloneCluster::isJobCode);
        List<String> jvm = JavaProcess.inheritedOptions();

        Memory jm = memory(cp, conf, dynamic, "GET_JM_RESOURCE_PARAMS");
        Map<String, String> jmOptions = new LinkedHashMap<>(dynamic);
        jmOptions.putAll(jm.options());
        JavaProcess.start("jobmanager", cp, concat(jvm, jm.jvmFlags(), logOptions(conf, "jobmanager")), JM_MAIN,
                args(conf, jmOptions), state.resolve("jobmanager.out"), state.resolve("jobmanager.pid"));
        for (int i = 1; i <= taskManagers; i++) {
            startTaskManager(i, cp, jvm, conf, dynamic);
        }
        Files.writeString(state.resolve("taskmanagers"), Integer.toString(taskManagers));
        awaitTaskManagers(taskManagers, timeout);
        return restUrl();
    }

    private void startTaskManager(int i, String cp, List<String> jvm, Path conf, Map<String, String> dynamic) throws IOException,
            InterruptedException {
        Map<String, String> tm = new LinkedHashMap<>(dynamic);
        tm.put("taskmanager.resource-id", "tm-" + i);
        Memory memory = memory(cp, conf, tm, "GET_TM_RESOURCE_PARAMS");
        tm.putAll(memory.options());
        JavaProcess.start("taskmanager-" + i, cp, concat(jvm, memory.jvmFlags(), logOptions(conf, "taskmanager-" + i)), TM_MAIN,
                args(conf, tm), state.resolve("taskmanager-" + i + ".out"), state.resolve("taskmanager-" + i + ".pid"));
    }

    /**
     * The TaskManager (its index i of "tm-i") that runs the most subtasks of the job, as the
     * JobManager's REST API reports where each vertex's subtasks are deployed; -1 when none is
     * reported. Not the one holding slots: the JobManager may keep an allocated slot idle on a
     * TaskManager that runs nothing of the job.
     */
    public int busyTaskManager(String jobId) throws IOException, InterruptedException {
        Map<Integer, Integer> running = new TreeMap<>();
        for (JsonNode vertex : JSON.readTree(get("/jobs/" + jobId)).path("vertices")) {
            String where = get("/jobs/" + jobId + "/vertices/" + vertex.path("id").asText() + "/taskmanagers");
            for (JsonNode tm : JSON.readTree(where).path("taskmanagers")) {
                Matcher id = Pattern.compile("tm-(\\d+)").matcher(tm.path("taskmanager-id").asText());
                if (id.matches()) {
                    running.merge(Integer.parseInt(id.group(1)), tm.path("status-counts").path("RUNNING").asInt(0), Integer::sum);
                }
            }
        }
        return running.entrySet().stream().filter(e -> e.getValue() > 0)
                .max(Map.Entry.comparingByValue()).map(Map.Entry::getKey).orElse(-1);
    }

    private String get(String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(restUrl() + path)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    /** Kills TaskManager {@code i} at once (SIGKILL), as a machine failure would. */
    public boolean killTaskManager(int i) {
        Optional<ProcessHandle> tm = JavaProcess.alive(state.resolve("taskmanager-" + i + ".pid"));
        tm.ifPresent(ProcessHandle::destroyForcibly);
        return tm.isPresent();
    }

    /** Stops every process of the cluster; returns how many were running. */
    public int stop() throws IOException {
        int stopped = 0;
        int tms = Files.exists(state.resolve("taskmanagers")) ? Integer.parseInt(Files.readString(state.resolve("taskmanagers")).trim()) : 0;
        for (int i = 1; i <= tms; i++) {
            stopped += JavaProcess.stop(state.resolve("taskmanager-" + i + ".pid"), 10_000) ? 1 : 0;
        }
        stopped += JavaProcess.stop(state.resolve("jobmanager.pid"), 10_000) ? 1 : 0;
        return stopped;
    }

    /** One line per process and the REST overview, for {@code byzflink cluster status}. */
    public List<String> status() throws IOException {
        List<String> lines = new ArrayList<>();
        lines.add("jobmanager: " + JavaProcess.alive(state.resolve("jobmanager.pid")).map(p -> "running, pid " + p.pid()).orElse("not running"));
        int tms = Files.exists(state.resolve("taskmanagers")) ? Integer.parseInt(Files.readString(state.resolve("taskmanagers")).trim()) : 0;
        for (int i = 1; i <= tms; i++) {
            lines.add("taskmanager-" + i + ": " + JavaProcess.alive(state.resolve("taskmanager-" + i + ".pid"))
                    .map(p -> "running, pid " + p.pid()).orElse("not running"));
        }
        if (Files.exists(state.resolve("rest.port"))) {
            lines.add("dashboard: " + restUrl() + " " + overview().map(o -> "(" + o + ")").orElse("(not answering)"));
        }
        return lines;
    }

    /** The REST overview's task managers, slots and running jobs, if the JobManager answers. */
    public Optional<String> overview() {
        try {
            String json = HTTP.send(HttpRequest.newBuilder(URI.create(restUrl() + "/overview")).timeout(Duration.ofSeconds(3)).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            return Optional.of("task managers " + number(json, "taskmanagers") + ", slots " + number(json, "slots-available")
                    + "/" + number(json, "slots-total") + " free, running jobs " + number(json, "jobs-running"));
        } catch (Exception e) {
            return Optional.empty();
        }
    }

    private void awaitTaskManagers(int n, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<String> o = overview();
            if (o.isPresent() && o.get().startsWith("task managers " + n + ",")) {
                return;
            }
            if (JavaProcess.alive(state.resolve("jobmanager.pid")).isEmpty()) {
                throw new IllegalStateException("the JobManager exited; see " + state.resolve("jobmanager.log"));
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("the cluster did not report " + n + " task managers within " + timeout.toSeconds()
                + " s; see the logs in " + state);
    }

    /** Loopback addresses and ports, paths under the state folder, DJL parent-first. */
    private Map<String, String> localSettings(int restPort, int rpcPort) {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("rest.address", "127.0.0.1");
        d.put("rest.bind-address", "127.0.0.1");
        d.put("rest.port", Integer.toString(restPort));
        d.put("jobmanager.rpc.address", "127.0.0.1");
        d.put("jobmanager.rpc.port", Integer.toString(rpcPort));
        d.put("jobmanager.bind-host", "127.0.0.1");
        d.put("taskmanager.host", "127.0.0.1");
        d.put("taskmanager.bind-host", "127.0.0.1");
        d.put("taskmanager.numberOfTaskSlots", "2");
        d.put("jobmanager.memory.process.size", "1200m");
        d.put("taskmanager.memory.process.size", "2500m");
        // DJL's PyTorch natives load once per JVM: the job jar's DJL classes must not shadow the TM's.
        d.put("classloader.parent-first-patterns.additional", "ai.djl.");
        d.put("execution.checkpointing.storage", "filesystem");
        d.put("execution.checkpointing.dir", state.resolve("checkpoints").toUri().toString());
        d.put("web.upload.dir", state.resolve("uploads").toString());
        d.put("io.tmp.dirs", state.resolve("tmp").toString());
        return d;
    }

    private static List<String> args(Path conf, Map<String, String> dynamic) {
        List<String> a = new ArrayList<>(List.of("--configDir", conf.toString()));
        dynamic.forEach((k, v) -> {
            a.add("-D");
            a.add(k + "=" + v);
        });
        return a;
    }

    /** A process's memory: its JVM flags and the derived memory options it must be started with. */
    private record Memory(List<String> jvmFlags, Map<String, String> options) {}

    /** Asks Flink's BashJavaUtils, as flink-dist's scripts do (a TaskManager refuses to start without the options). */
    private Memory memory(String cp, Path conf, Map<String, String> dynamic, String command) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", cp,
                BASH_UTILS, command));
        cmd.addAll(args(conf, dynamic));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        List<String> results = out.lines().filter(l -> l.startsWith(RESULT_PREFIX)).map(l -> l.substring(RESULT_PREFIX.length())).toList();
        if (results.isEmpty()) {
            throw new IllegalStateException("Flink's BashJavaUtils " + command + " gave no memory settings:\n" + out);
        }
        // Line 1: -Xmx, -Xms, -XX:MaxDirectMemorySize, -XX:MaxMetaspaceSize. Line 2 (TaskManagers):
        // "-D key=value ..." for every derived memory and CPU option.
        List<String> flags = List.of(results.get(0).trim().split("\\s+"));
        Map<String, String> options = new LinkedHashMap<>();
        if (results.size() > 1) {
            for (String t : results.get(1).trim().split("\\s+")) {
                int eq = t.indexOf('=');
                if (!t.equals("-D") && eq > 0) {
                    options.put(t.substring(0, eq), t.substring(eq + 1));
                }
            }
        }
        return new Memory(flags.stream().filter(f -> f.startsWith("-X")).toList(), options);
    }

    private List<String> logOptions(Path conf, String name) {
        return List.of("-Dlog4j.configurationFile=" + conf.resolve("log4j.properties"),
                "-Dlog.file=" + state.resolve(name + ".log"));
    }

    private static String log4j() {
        return String.join("\n",
                "rootLogger.level = INFO",
                "rootLogger.appenderRef.file.ref = FileAppender",
                "appender.file.name = FileAppender",
                "appender.file.type = File",
                "appender.file.fileName = ${sys:log.file}",
                "appender.file.layout.type = PatternLayout",
                "appender.file.layout.pattern = %d{HH:mm:ss.SSS} %-5p [%t] %c{1} - %m%n",
                "logger.kafka.name = org.apache.kafka",
                "logger.kafka.level = WARN",
                "logger.pekko.name = org.apache.pekko",
                "logger.pekko.level = WARN", "");
    }

    /**
     * What the job jar brings itself: our modules, the Kafka connector and clients, Avro. Loaded
     * from the cluster's classpath too, the job would see two copies of their classes (loader
     * constraint violations between the connector and kafka-clients), as flink-dist's lib/ has none of them.
     */
    private static boolean isJobCode(String entry) {
        return entry.contains("/byzflink-") || entry.endsWith("/target/classes") || entry.endsWith("/target/test-classes")
                || entry.contains("/io/byzflink/") || entry.contains("/org/apache/kafka/") || entry.contains("/flink-connector-kafka")
                || entry.contains("/org/apache/avro/") || entry.contains("/flink-avro");
    }

    private static List<String> concat(List<String> a, List<String> b, List<String> c) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        out.addAll(c);
        return out;
    }

    private static String number(String json, String key) {
        Matcher m = Pattern.compile("\"" + key + "\":(\\d+)").matcher(json);
        return m.find() ? m.group(1) : "?";
    }

    static int freePort() {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
