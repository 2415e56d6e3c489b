package io.byzflink.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.configuration.ExternalResourceOptions;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.FallbackKey;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.core.execution.CheckpointingMode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The deployment files (flink-conf/, docker/, k8s/) parse and agree with the code: Flink reads
 * config.yaml with the intended values and only real option keys, the image carries the jar the
 * shade plugin builds and the DJL versions of the parent pom, compose and the FlinkDeployment
 * point at files the image has. Nothing is built or run (no Docker here).
 */
class DeploymentFilesTest {

    /** Where docker/Dockerfile puts the experiment configs (prepare.sh copies examples/*.yaml there). */
    private static final String IMAGE_EXAMPLES = "/opt/byzflink/examples/";

    private static Path root;
    private static String parentPom;
    private static String jobsPom;
    private static String dockerfile;
    private static String prepareScript;
    private static Configuration flinkConf;
    private static Set<String> flinkKeys;

    @BeforeAll
    static void locate() throws IOException {
        root = repositoryRoot();
        parentPom = Files.readString(root.resolve("pom.xml"));
        jobsPom = Files.readString(root.resolve("jobs/pom.xml"));
        dockerfile = Files.readString(root.resolve("docker/Dockerfile"));
        prepareScript = Files.readString(root.resolve("docker/prepare.sh"));
        flinkConf = GlobalConfiguration.loadConfiguration(root.resolve("flink-conf").toString());
        flinkKeys = knownFlinkKeys();
    }

    /** Up from the working directory (the module dir under Maven) to the aggregator pom with jobs. */
    private static Path repositoryRoot() throws IOException {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path pom = dir.resolve("pom.xml");
            if (Files.isRegularFile(pom) && Files.readString(pom).contains("<module>jobs</module>")) {
                return dir;
            }
        }
        throw new IllegalStateException("no pom.xml with <module>jobs</module> above " + Path.of("").toAbsolutePath());
    }

    // ---------------------------------------------------------------- flink-conf/

    @Test
    void flinkConfigIsYamlThatFlinkReadsWithTheIntendedValues() throws IOException {
        Map<String, Object> yaml = loadYaml(root.resolve("flink-conf/config.yaml"));
        assertThat(yaml).containsKeys("execution", "restart-strategy", "env", "taskmanager", "jobmanager", "rest");

        assertThat(flinkConf.get(CheckpointingOptions.CHECKPOINTING_INTERVAL)).isEqualTo(Duration.ofSeconds(30));
        assertThat(flinkConf.get(CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE)).isEqualTo(CheckpointingMode.EXACTLY_ONCE);
        assertThat(flinkConf.get(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION))
                .isEqualTo(ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        assertThat(flinkConf.get(CheckpointingOptions.CHECKPOINT_STORAGE)).isEqualTo("filesystem");
        assertThat(flinkConf.get(CheckpointingOptions.CHECKPOINTS_DIRECTORY)).isEqualTo("file:///var/lib/byzflink/checkpoints");
        assertThat(flinkConf.get(CheckpointingOptions.SAVEPOINT_DIRECTORY)).startsWith("file:///var/lib/byzflink/");
        assertThat(flinkConf.get(StateBackendOptions.STATE_BACKEND)).isEqualTo("hashmap");

        assertThat(flinkConf.get(RestartStrategyOptions.RESTART_STRATEGY)).isEqualTo("exponential-delay");
        assertThat(flinkConf.get(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_INITIAL_BACKOFF))
                .isEqualTo(Duration.ofSeconds(1));
        assertThat(flinkConf.get(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_MAX_BACKOFF))
                .isEqualTo(Duration.ofMinutes(2));
        assertThat(flinkConf.get(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_BACKOFF_MULTIPLIER)).isEqualTo(2.0);

        // The feedback path: no 100 ms network-buffer wait per hop.
        assertThat(flinkConf.get(ExecutionOptions.BUFFER_TIMEOUT)).isEqualTo(Duration.ZERO);

        assertThat(flinkConf.get(RestOptions.ADDRESS)).isEqualTo("127.0.0.1");
        assertThat(flinkConf.get(RestOptions.BIND_ADDRESS)).isEqualTo("127.0.0.1");
        assertThat(flinkConf.get(RestOptions.PORT)).isEqualTo(8081);
        assertThat(flinkConf.get(TaskManagerOptions.NUM_TASK_SLOTS)).isEqualTo(2);
        assertThat(flinkConf.get(TaskManagerOptions.TOTAL_PROCESS_MEMORY)).isEqualTo(MemorySize.parse("4096m"));
        assertThat(flinkConf.get(JobManagerOptions.TOTAL_PROCESS_MEMORY)).isEqualTo(MemorySize.parse("1600m"));
        assertThat(flinkConf.get(CoreOptions.ALWAYS_PARENT_FIRST_LOADER_PATTERNS_ADDITIONAL)).contains("ai.djl.");
    }

    @Test
    void jvmOptionsCarryTheJdk17OpensAndDjlOfflineOfThePom() {
        Set<String> opts = tokens(flinkConf.get(CoreOptions.FLINK_JVM_OPTIONS));
        assertThat(opts).containsAll(tokens(pomProperty(parentPom, "jdk17.opens")));
        assertThat(opts).containsAll(tokens(pomProperty(parentPom, "djl.test.argLine")));
    }

    @Test
    void gpuExternalResourceIsTemplatedButOffForEveryTaskManager() {
        assertThat(flinkConf.get(ExternalResourceOptions.EXTERNAL_RESOURCE_LIST)).isEmpty();
        Map<String, String> map = flinkConf.toMap();
        assertThat(map.get(ExternalResourceOptions.getExternalResourceDriverFactoryConfigOptionForResource("gpu")))
                .isEqualTo("org.apache.flink.externalresource.gpu.GPUDriverFactory");
        assertThat(map.get(ExternalResourceOptions.getAmountConfigOptionForResource("gpu"))).isEqualTo("1");
        String param = ExternalResourceOptions.getExternalResourceParamConfigPrefixForResource("gpu");
        assertThat(map.get(param + "discovery-script.path")).isEqualTo("plugins/external-resource-gpu/nvidia-gpu-discovery.sh");
        assertThat(map.get(param + "discovery-script.args")).contains("--coordination-file");
        // The image has the script where the relative path (against FLINK_HOME=/opt/flink) points.
        assertThat(prepareScript).contains("nvidia-gpu-discovery.sh gpu-discovery-common.sh");
        assertThat(dockerfile).contains("build/plugins/external-resource-gpu/ /opt/flink/plugins/external-resource-gpu/");
    }

    @Test
    void everyConfigKeyIsARealFlinkOption() {
        assertThat(unknownKeys(flinkConf.keySet())).isEmpty();
    }

    @Test
    void log4jFilesWriteToFlinksLogFile() throws IOException {
        for (String name : List.of("log4j.properties", "log4j-console.properties")) {
            String text = Files.readString(root.resolve("flink-conf").resolve(name));
            assertThat(text).as(name).contains("rootLogger.level").contains("${sys:log.file}").contains("logger.kafka.level = WARN");
        }
        assertThat(Files.readString(root.resolve("flink-conf/log4j-console.properties"))).contains("type = Console");
    }

    // ---------------------------------------------------------------- docker/

    @Test
    void dockerfileUsesThePomsVersionsAndTheShadedJar() {
        Map<String, List<String>> args = dockerArgs();
        assertThat(args.get("DJL_VERSION")).containsOnly(pomProperty(parentPom, "djl.version"));
        assertThat(args.get("PYTORCH_JNI_VERSION")).containsOnly(pomProperty(parentPom, "pytorch.jni.version"));
        assertThat(args.get("PYTORCH_NATIVE_VERSION")).containsOnly(pomProperty(parentPom, "pytorch.native.version"));
        assertThat(args.get("PYTORCH_GPU_FLAVOR")).containsOnly("cu128");
        assertThat(args.get("GPU_PLUGIN_VERSION")).containsOnly("2.0.0");
        assertThat(prepareScript).contains("GPU_PLUGIN_VERSION=2.0.0", "GPU_FLAVOR=cu128");
        assertThat(args.get("FLINK_IMAGE")).containsOnly("flink:" + pomProperty(parentPom, "flink.version") + "-java17");
        assertThat(dockerfile).contains("pytorch-native-cpu-${PYTORCH_NATIVE_VERSION}-linux-x86_64.jar /opt/flink/lib/");

        String jar = shadeFinalName() + ".jar";
        assertThat(imagePaths()).contains("/opt/flink/usrlib/" + jar);
        assertThat(prepareScript).contains("jobs/target/" + jar);
        // The conf the image bakes in is the project's flink-conf/.
        assertThat(copies()).containsEntry("/opt/flink/conf/", "build/conf/");
        assertThat(prepareScript).contains("\"$ROOT\"/flink-conf/config.yaml");
    }

    @Test
    void entryPointOfTheShadedJarIsTheExperimentJob() throws Exception {
        Matcher m = Pattern.compile("<mainClass>([^<]+)</mainClass>").matcher(jobsPom);
        assertThat(m.find()).isTrue();
        assertThat(m.group(1)).isEqualTo(ExperimentJob.class.getName());
        Method main = Class.forName(m.group(1)).getMethod("main", String[].class);
        assertThat(Modifier.isStatic(main.getModifiers())).isTrue();
    }

    @Test
    @SuppressWarnings("unchecked")
    void composeHasKafkaAJobManagerTwoTaskManagersAGpuProfileAndASubmit() throws IOException {
        Path composeFile = root.resolve("docker/compose.yaml");
        Map<String, Object> compose = loadYaml(composeFile);
        Map<String, Map<String, Object>> services = (Map<String, Map<String, Object>>) compose.get("services");
        assertThat(services).containsKeys("kafka", "jobmanager", "submit");

        assertThat(withDefaults((String) services.get("kafka").get("image"))).startsWith("apache/kafka:4.");
        assertThat(String.valueOf(services.get("kafka").get("environment"))).contains("KAFKA_PROCESS_ROLES=broker,controller");
        assertThat((List<String>) services.get("jobmanager").get("command")).containsExactly("jobmanager");

        List<String> cpuTaskManagers = services.entrySet().stream()
                .filter(e -> List.of("taskmanager").equals(e.getValue().get("command")) && !e.getValue().containsKey("profiles"))
                .map(Map.Entry::getKey).collect(Collectors.toList());
        assertThat(cpuTaskManagers).hasSize(2);

        List<Map<String, Object>> gpu = services.values().stream()
                .filter(s -> s.containsKey("profiles") && ((List<String>) s.get("profiles")).contains("gpu"))
                .collect(Collectors.toList());
        assertThat(gpu).hasSize(1);
        Map<String, Object> gpuTm = gpu.get(0);
        assertThat((List<String>) gpuTm.get("command")).containsExactly("taskmanager");
        assertThat(((Map<String, Object>) gpuTm.get("build")).get("target")).isEqualTo("gpu");
        assertThat(String.valueOf(((Map<String, Object>) gpuTm.get("environment")).get("FLINK_PROPERTIES")))
                .contains("external-resources: gpu");
        Map<String, Object> deploy = (Map<String, Object>) gpuTm.get("deploy");
        List<Map<String, Object>> devices = (List<Map<String, Object>>) ((Map<String, Object>) ((Map<String, Object>) deploy
                .get("resources")).get("reservations")).get("devices");
        assertThat(devices.get(0)).containsEntry("driver", "nvidia");
        assertThat((List<String>) devices.get(0).get("capabilities")).contains("gpu");

        // Every Flink service mounts the project's flink-conf/ and the shared checkpoint volume.
        for (String name : List.of("jobmanager", "taskmanager-1", "taskmanager-2", "submit")) {
            List<String> volumes = (List<String>) services.get(name).get("volumes");
            assertThat(volumes).as(name).anyMatch(v -> v.startsWith("../flink-conf:"))
                    .anyMatch(v -> v.endsWith(":/var/lib/byzflink"));
        }
        assertThat(composeFile.getParent().resolve("../flink-conf/config.yaml").normalize()).isRegularFile();
        assertThat((Map<String, Object>) compose.get("volumes")).containsKey("checkpoints");

        List<String> submit = (List<String>) services.get("submit").get("command");
        assertThat(submit.subList(0, 2)).containsExactly("flink", "run");
        String jar = submit.stream().filter(a -> a.endsWith(".jar")).findFirst().orElseThrow();
        assertThat(imagePaths()).contains(jar);
        String config = submit.get(submit.indexOf(jar) + 1);
        assertThat(config).isEqualTo(IMAGE_EXAMPLES + "fmnist-fedavg.yaml");
        assertThat(repositoryFileFor(config)).isRegularFile();
        assertThat(submit).contains("kafka.bootstrap=kafka:9092");
    }

    // ---------------------------------------------------------------- k8s/

    @Test
    @SuppressWarnings("unchecked")
    void flinkDeploymentRunsTheImagesJarAndConfig() throws IOException {
        Map<String, Object> deployment = loadYaml(root.resolve("k8s/flinkdeployment.yaml"));
        assertThat(deployment).containsEntry("apiVersion", "flink.apache.org/v1beta1").containsEntry("kind", "FlinkDeployment");
        Map<String, Object> spec = (Map<String, Object>) deployment.get("spec");
        assertThat((String) spec.get("flinkVersion")).startsWith("v2_");

        Map<String, Object> job = (Map<String, Object>) spec.get("job");
        String jarUri = (String) job.get("jarURI");
        assertThat(jarUri).startsWith("local://");
        assertThat(imagePaths()).contains(jarUri.substring("local://".length()));
        assertThat(jarUri).endsWith("/" + shadeFinalName() + ".jar");
        assertThat(job).containsEntry("entryClass", ExperimentJob.class.getName()).containsEntry("upgradeMode", "savepoint");
        List<String> args = (List<String>) job.get("args");
        assertThat(args.get(0)).startsWith(IMAGE_EXAMPLES);
        assertThat(repositoryFileFor(args.get(0))).isRegularFile();
        assertThat(args).anyMatch(a -> a.startsWith("kafka.bootstrap=") && !a.endsWith("embedded"));
        assertThat(((Map<String, Object>) spec.get("taskManager")).get("replicas")).isEqualTo(2);
    }

    @Test
    @SuppressWarnings("unchecked")
    void flinkDeploymentConfigurationAgreesWithFlinkConf() throws IOException {
        Map<String, Object> spec = (Map<String, Object>) loadYaml(root.resolve("k8s/flinkdeployment.yaml")).get("spec");
        Map<String, String> raw = new LinkedHashMap<>();
        ((Map<String, Object>) spec.get("flinkConfiguration")).forEach((k, v) -> raw.put(k, String.valueOf(v)));
        assertThat(unknownKeys(raw.keySet())).isEmpty();

        Configuration k8s = Configuration.fromMap(raw);
        List<ConfigOption<?>> shared = List.of(
                CheckpointingOptions.CHECKPOINTING_INTERVAL, CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE,
                CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION, CheckpointingOptions.CHECKPOINT_STORAGE,
                CheckpointingOptions.CHECKPOINTS_DIRECTORY, CheckpointingOptions.SAVEPOINT_DIRECTORY,
                CheckpointingOptions.MAX_RETAINED_CHECKPOINTS, StateBackendOptions.STATE_BACKEND,
                RestartStrategyOptions.RESTART_STRATEGY,
                RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_INITIAL_BACKOFF,
                RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_MAX_BACKOFF,
                RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_BACKOFF_MULTIPLIER,
                RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_RESET_BACKOFF_THRESHOLD,
                ExecutionOptions.BUFFER_TIMEOUT, TaskManagerOptions.NUM_TASK_SLOTS,
                TaskManagerOptions.TASK_OFF_HEAP_MEMORY, TaskManagerOptions.MANAGED_MEMORY_FRACTION,
                CoreOptions.ALWAYS_PARENT_FIRST_LOADER_PATTERNS_ADDITIONAL);
        for (ConfigOption<?> option : shared) {
            assertThat((Object) k8s.get(option)).as(option.key()).isEqualTo(flinkConf.get(option));
        }
        assertThat(tokens(k8s.get(CoreOptions.FLINK_JVM_OPTIONS))).isEqualTo(tokens(flinkConf.get(CoreOptions.FLINK_JVM_OPTIONS)));

        // Resources as in config.yaml: the operator derives the process sizes from them.
        Map<String, Object> tm = (Map<String, Object>) ((Map<String, Object>) spec.get("taskManager")).get("resource");
        assertThat(MemorySize.parse((String) tm.get("memory"))).isEqualTo(flinkConf.get(TaskManagerOptions.TOTAL_PROCESS_MEMORY));
        Map<String, Object> jm = (Map<String, Object>) ((Map<String, Object>) spec.get("jobManager")).get("resource");
        assertThat(MemorySize.parse((String) jm.get("memory"))).isEqualTo(flinkConf.get(JobManagerOptions.TOTAL_PROCESS_MEMORY));
    }

    // ---------------------------------------------------------------- helpers

    private static Map<String, Object> loadYaml(Path file) throws IOException {
        Object doc = new Yaml(new SafeConstructor(new LoaderOptions())).load(Files.readString(file));
        assertThat(doc).as(file.toString()).isInstanceOf(Map.class);
        @SuppressWarnings("unchecked")
        Map<String, Object> map = (Map<String, Object>) doc;
        return map;
    }

    private static String pomProperty(String pom, String name) {
        Matcher m = Pattern.compile("<" + Pattern.quote(name) + ">([^<]*)</" + Pattern.quote(name) + ">").matcher(pom);
        assertThat(m.find()).as("property " + name).isTrue();
        return m.group(1).trim();
    }

    private static String shadeFinalName() {
        return pomProperty(jobsPom, "finalName");
    }

    private static Set<String> tokens(String s) {
        return new HashSet<>(Arrays.asList(s.trim().split("\\s+")));
    }

    /** Compose-style ${VAR:-default} with the defaults. */
    private static String withDefaults(String s) {
        return s.replaceAll("\\$\\{[A-Za-z_][A-Za-z0-9_]*:-([^}]*)}", "$1");
    }

    /** The defaults of every ARG of the Dockerfile (an ARG may be declared in several stages). */
    private static Map<String, List<String>> dockerArgs() {
        Map<String, List<String>> args = new HashMap<>();
        Matcher m = Pattern.compile("(?m)^ARG\\s+([A-Z_]+)=(\\S+)\\s*$").matcher(dockerfile);
        while (m.find()) {
            args.computeIfAbsent(m.group(1), k -> new ArrayList<>()).add(m.group(2));
        }
        return args;
    }

    /** COPY destination -> source of the Dockerfile (flags such as --chown dropped). */
    private static Map<String, String> copies() {
        Map<String, String> copies = new LinkedHashMap<>();
        Matcher m = Pattern.compile("(?m)^COPY\\s+(?:--\\S+\\s+)*(\\S+)\\s+(\\S+)\\s*$").matcher(dockerfile);
        while (m.find()) {
            copies.put(m.group(2), m.group(1));
        }
        return copies;
    }

    /** Files the image gets by name (COPY to a file path). */
    private static Set<String> imagePaths() {
        return copies().keySet().stream().filter(d -> !d.endsWith("/")).collect(Collectors.toSet());
    }

    /**
     * The repository file an image path under /opt/byzflink/examples/ comes from: the Dockerfile
     * copies build/examples/ there and prepare.sh fills build/examples/ from examples/*.yaml.
     */
    private static Path repositoryFileFor(String imagePath) {
        assertThat(copies()).containsEntry(IMAGE_EXAMPLES, "build/examples/");
        assertThat(prepareScript).contains("\"$ROOT\"/examples/*.yaml \"$OUT/examples/\"");
        assertThat(imagePath).startsWith(IMAGE_EXAMPLES).endsWith(".yaml");
        return root.resolve("examples").resolve(imagePath.substring(IMAGE_EXAMPLES.length()));
    }

    /** Keys no Flink option (or fallback key) of the listed option classes declares. */
    private static List<String> unknownKeys(Set<String> keys) {
        Pattern externalResource = Pattern.compile(
                "external-resource\\.[a-z0-9_-]+\\.(driver-factory\\.class|amount|param\\..+|kubernetes\\.config-key|yarn\\.config-key)");
        return keys.stream().filter(k -> !flinkKeys.contains(k) && !externalResource.matcher(k).matches()).sorted()
                .collect(Collectors.toList());
    }

    private static Set<String> knownFlinkKeys() {
        Set<String> keys = new HashSet<>();
        for (String name : List.of("CheckpointingOptions", "StateBackendOptions", "StateRecoveryOptions", "RestartStrategyOptions",
                "ExecutionOptions", "ExternalResourceOptions", "CoreOptions", "RestOptions", "WebOptions", "TaskManagerOptions",
                "JobManagerOptions", "HighAvailabilityOptions", "ClusterOptions", "DeploymentOptions", "PipelineOptions",
                "MetricOptions", "SecurityOptions", "NettyShuffleEnvironmentOptions", "BlobServerOptions",
                "HeartbeatManagerOptions", "ResourceManagerOptions", "RpcOptions")) {
            Class<?> options;
            try {
                options = Class.forName("org.apache.flink.configuration." + name);
            } catch (ClassNotFoundException absent) {
                continue;
            }
            for (Field field : options.getFields()) {
                if (Modifier.isStatic(field.getModifiers()) && ConfigOption.class.isAssignableFrom(field.getType())) {
                    try {
                        ConfigOption<?> option = (ConfigOption<?>) field.get(null);
                        keys.add(option.key());
                        for (FallbackKey fallback : option.fallbackKeys()) {
                            keys.add(fallback.getKey());
                        }
                    } catch (IllegalAccessException e) {
                        throw new IllegalStateException(e);
                    }
                }
            }
        }
        assertThat(keys).contains("execution.checkpointing.interval", "env.java.opts.all");
        return keys;
    }
}
