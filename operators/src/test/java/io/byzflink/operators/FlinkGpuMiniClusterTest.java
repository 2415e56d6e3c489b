package io.byzflink.operators;

import static org.assertj.core.api.Assertions.assertThat;

import io.byzflink.training.DeviceSelector;

import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.core.plugin.PluginManager;
import org.apache.flink.runtime.blob.BlobCacheService;
import org.apache.flink.runtime.clusterframework.types.ResourceID;
import org.apache.flink.runtime.entrypoint.WorkingDirectory;
import org.apache.flink.runtime.externalresource.ExternalResourceInfoProvider;
import org.apache.flink.runtime.externalresource.ExternalResourceUtils;
import org.apache.flink.runtime.heartbeat.HeartbeatServices;
import org.apache.flink.runtime.metrics.MetricRegistry;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.runtime.rpc.FatalErrorHandler;
import org.apache.flink.runtime.security.token.DelegationTokenReceiverRepository;
import org.apache.flink.runtime.taskexecutor.TaskExecutor;
import org.apache.flink.runtime.taskexecutor.TaskManagerRunner;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.legacy.SinkFunction;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.List;
import java.util.OptionalInt;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A tiny job on a MiniCluster whose task manager has a gpu external resource: an operator calls
 * {@link FlinkGpu#index} on its runtime context and reports the index and the DJL device it maps
 * to. A stock MiniCluster hands its task executors {@code ExternalResourceInfoProvider.NO_EXTERNAL_RESOURCES}
 * (hard-coded in {@code MiniCluster.startTaskManager()}, whatever the configuration says), so
 * {@link GpuMiniCluster} starts its task managers the way MiniCluster does but with the provider a
 * real {@code TaskManagerRunner} builds from the configuration ({@code external-resources: gpu},
 * {@code external-resource.gpu.amount}, {@code external-resource.gpu.driver-factory.class}), with
 * {@link TestGpuDriverFactory} as the driver.
 */
class FlinkGpuMiniClusterTest {

    /** Reports from the operator (same JVM as the MiniCluster). */
    static final Queue<String> REPORTS = new ConcurrentLinkedQueue<>();

    /** The operator: FlinkGpu.index on the real runtime context, then the device mapping. */
    static final class ReportGpu extends RichMapFunction<Integer, String> {
        private final int engineGpus;

        ReportGpu(int engineGpus) {
            this.engineGpus = engineGpus;
        }

        @Override
        public String map(Integer value) {
            OptionalInt index = FlinkGpu.index(getRuntimeContext());
            String auto = DeviceSelector.device("auto", index, engineGpus).toString();
            String gpu;
            try {
                gpu = DeviceSelector.device("gpu", index, engineGpus).toString();
            } catch (IllegalArgumentException e) {
                gpu = "error: " + e.getMessage();
            }
            return "subtask " + getRuntimeContext().getTaskInfo().getIndexOfThisSubtask() + " index "
                    + (index.isPresent() ? index.getAsInt() : "none") + " auto " + auto + " gpu " + gpu;
        }
    }

    static final class Collect implements SinkFunction<String> {
        @Override
        public void invoke(String value, Context context) {
            REPORTS.add(value);
        }
    }

    private static List<String> runTinyJob(MiniCluster cluster, int engineGpus) throws Exception {
        REPORTS.clear();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        env.fromData(1).map(new ReportGpu(engineGpus)).addSink(new Collect());
        cluster.executeJobBlocking(env.getStreamGraph().getJobGraph());
        return List.copyOf(REPORTS);
    }

    private static Configuration clusterConfig() {
        Configuration conf = FlinkGpuTest.gpuTaskManagerConfig(1, "0");
        conf.set(TaskManagerOptions.NUM_TASK_SLOTS, 1);
        return conf;
    }

    private static MiniClusterConfiguration miniClusterConfig(Configuration conf) {
        return new MiniClusterConfiguration.Builder().setConfiguration(conf)
                .setNumTaskManagers(1).setNumSlotsPerTaskManager(1).build();
    }

    @Test
    void aStockMiniClusterIgnoresTheExternalResourceConfiguration() throws Exception {
        try (MiniCluster cluster = new MiniCluster(miniClusterConfig(clusterConfig()))) {
            cluster.start();
            assertThat(runTinyJob(cluster, 0)).containsExactly("subtask 0 index none auto cpu()"
                    + " gpu error: Flink assigned this task manager no gpu and the PyTorch engine sees"
                    + " no gpu. " + DeviceSelector.GPU_SETUP);
        }
    }

    @Test
    void aTaskManagerWithTheGpuDriverGivesTheOperatorGpu0() throws Exception {
        try (MiniCluster cluster = new GpuMiniCluster(miniClusterConfig(clusterConfig()), TestGpuDriverFactory.PLUGINS)) {
            cluster.start();
            // No GPU in this engine (CPU-only natives): auto trains on the cpu, gpu fails clearly.
            assertThat(runTinyJob(cluster, 0)).containsExactly("subtask 0 index 0 auto cpu() gpu error:"
                    + " Flink assigned gpu 0 but the PyTorch engine sees no gpu (CPU-only natives?). "
                    + DeviceSelector.GPU_SETUP);
            // A CUDA engine that sees one GPU (pretended): both map Flink's gpu 0 to DJL's gpu(0).
            assertThat(runTinyJob(cluster, 1)).containsExactly("subtask 0 index 0 auto gpu(0) gpu gpu(0)");
        }
    }

    /**
     * A MiniCluster whose task managers get the external resources of the configuration, built by
     * {@link ExternalResourceUtils#createStaticExternalResourceInfoProviderFromConfig} as in
     * {@code TaskManagerRunner}. Mirrors {@code MiniCluster.startTaskManager()} of Flink 2.2.1 (the
     * only difference is the provider) and reads MiniCluster's private services reflectively: tied
     * to that version's field names, it fails loudly if they change.
     */
    static final class GpuMiniCluster extends MiniCluster {
        private final PluginManager plugins;

        GpuMiniCluster(MiniClusterConfiguration config, PluginManager plugins) {
            super(config);
            this.plugins = plugins;
        }

        @Override
        public void startTaskManager() throws Exception {
            synchronized (field("lock", Object.class)) {
                Configuration conf = getConfiguration();
                @SuppressWarnings("unchecked")
                List<TaskExecutor> taskManagers = field("taskManagers", List.class);
                ExternalResourceInfoProvider resources =
                        ExternalResourceUtils.createStaticExternalResourceInfoProviderFromConfig(conf, plugins);
                Object fatalErrors = field("taskManagerTerminatingFatalErrorHandlerFactory", Object.class);
                Method create = fatalErrors.getClass().getDeclaredMethod("create", int.class);
                create.setAccessible(true);
                TaskExecutor taskExecutor = TaskManagerRunner.startTaskManager(
                        conf,
                        new ResourceID(UUID.randomUUID().toString()),
                        field("taskManagerRpcServiceFactory", RpcServiceFactory.class).createRpcService(),
                        getHaServices(),
                        field("heartbeatServices", HeartbeatServices.class),
                        field("metricRegistry", MetricRegistry.class),
                        field("blobCacheService", BlobCacheService.class),
                        useLocalCommunication(),
                        resources,
                        field("workingDirectory", WorkingDirectory.class)
                                .createSubWorkingDirectory("tm_" + taskManagers.size()),
                        (FatalErrorHandler) create.invoke(fatalErrors, taskManagers.size()),
                        field("delegationTokenReceiverRepository", DelegationTokenReceiverRepository.class));
                taskExecutor.start();
                taskManagers.add(taskExecutor);
            }
        }

        private <T> T field(String name, Class<T> type) throws ReflectiveOperationException {
            Field f = MiniCluster.class.getDeclaredField(name);
            f.setAccessible(true);
            return type.cast(f.get(this));
        }
    }
}
