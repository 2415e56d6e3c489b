package io.byzflink.operators;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import io.byzflink.training.DeviceSelector;
import io.byzflink.training.DjlRuntime;

import org.apache.flink.api.common.externalresource.ExternalResourceInfo;
import org.apache.flink.api.common.typeutils.base.IntSerializer;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.externalresource.ExternalResourceInfoProvider;
import org.apache.flink.runtime.externalresource.ExternalResourceUtils;
import org.apache.flink.runtime.operators.testutils.MockEnvironment;
import org.apache.flink.runtime.operators.testutils.MockEnvironmentBuilder;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.OptionalInt;

/**
 * FlinkGpu against a real StreamingRuntimeContext whose task environment carries the external
 * resources Flink builds from a task manager's configuration (ExternalResourceUtils, the code a
 * real TaskManagerRunner runs) with {@link TestGpuDriverFactory} as the gpu driver, then the
 * mapping to a DJL device with the engine of this machine (CPU-only natives: 0 GPUs) and with a
 * pretended CUDA engine.
 */
class FlinkGpuTest {

    /** The task manager configuration of a GPU cluster, the test driver in place of the GPU plugin. */
    static Configuration gpuTaskManagerConfig(int amount, String indexes) {
        Configuration conf = new Configuration();
        conf.setString("external-resources", "gpu");
        conf.setString("external-resource.gpu.amount", Integer.toString(amount));
        conf.setString("external-resource.gpu.driver-factory.class", TestGpuDriverFactory.class.getName());
        conf.setString("external-resource.gpu.param.indexes", indexes);
        return conf;
    }

    static ExternalResourceInfoProvider resourcesOf(Configuration taskManagerConfig) {
        return ExternalResourceUtils.createStaticExternalResourceInfoProviderFromConfig(
                taskManagerConfig, TestGpuDriverFactory.PLUGINS);
    }

    /** An operator that reports FlinkGpu.index(getRuntimeContext()) for every element. */
    static final class ReportGpu extends ProcessFunction<Integer, String> {
        @Override
        public void processElement(Integer value, Context ctx, Collector<String> out) {
            OptionalInt index = FlinkGpu.index(getRuntimeContext());
            out.collect(index.isPresent() ? Integer.toString(index.getAsInt()) : "none");
        }
    }

    /** What the operator reports when its task manager has these external resources. */
    static List<String> reportedIndex(ExternalResourceInfoProvider resources) throws Exception {
        try (MockEnvironment env = new MockEnvironmentBuilder().setExternalResourceInfoProvider(resources).build();
                OneInputStreamOperatorTestHarness<Integer, String> harness =
                        new OneInputStreamOperatorTestHarness<>(new ProcessOperator<>(new ReportGpu()),
                                IntSerializer.INSTANCE, env)) {
            harness.open();
            harness.processElement(1, 0L);
            return harness.extractOutputValues();
        }
    }

    @Test
    void theTestDriverIsFoundThroughTheConfigurationKeys() {
        ExternalResourceInfoProvider resources = resourcesOf(gpuTaskManagerConfig(1, "0"));
        assertThat(resources.getExternalResourceInfos("gpu"))
                .extracting(info -> info.getProperty("index").orElseThrow())
                .containsExactly("0");
        assertThat(resources.getExternalResourceInfos("fpga")).isEmpty();
    }

    @Test
    void anOperatorReadsGpu0FromItsRuntimeContext() throws Exception {
        assertThat(reportedIndex(resourcesOf(gpuTaskManagerConfig(1, "0")))).containsExactly("0");
    }

    @Test
    void withSeveralGpusTheLowestIndexIsTaken() throws Exception {
        assertThat(reportedIndex(resourcesOf(gpuTaskManagerConfig(2, "3,1")))).containsExactly("1");
    }

    @Test
    void withoutExternalResourcesTheOperatorSeesNoGpu() throws Exception {
        // What a MiniCluster's task executor gets, and a task manager without external-resources.
        assertThat(reportedIndex(ExternalResourceInfoProvider.NO_EXTERNAL_RESOURCES)).containsExactly("none");
        assertThat(reportedIndex(resourcesOf(new Configuration()))).containsExactly("none");
    }

    @Test
    void flinksGpu0MapsToTheDjlDevice() throws Exception {
        OptionalInt flinkGpu = OptionalInt.of(Integer.parseInt(
                reportedIndex(resourcesOf(gpuTaskManagerConfig(1, "0"))).get(0)));

        // With a CUDA engine that sees one GPU (pretended here: no GPU on this machine).
        assertThat(DeviceSelector.device("auto", flinkGpu, 1)).isEqualTo(Device.gpu(0));
        assertThat(DeviceSelector.device("gpu", flinkGpu, 1)).isEqualTo(Device.gpu(0));

        // With the real engine of this JVM.
        int engineGpus = DjlRuntime.engineGpuCount();
        if (engineGpus > 0) {
            assertThat(DeviceSelector.device("auto", flinkGpu, engineGpus)).isEqualTo(Device.gpu(0));
            assertThat(DeviceSelector.device("gpu", flinkGpu, engineGpus)).isEqualTo(Device.gpu(0));
        } else {
            assertThat(DeviceSelector.device("auto", flinkGpu, engineGpus)).isEqualTo(Device.cpu());
            assertThatThrownBy(() -> DeviceSelector.device("gpu", flinkGpu, engineGpus))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("Flink assigned gpu 0 but the PyTorch engine sees no gpu")
                    .hasMessageContaining(DeviceSelector.GPU_SETUP);
        }
        assertThat(DeviceSelector.device("cpu", flinkGpu, engineGpus)).isEqualTo(Device.cpu());
    }

    /** Settings of a tiny logreg experiment on the given device (as in p2p's InMemoryPeers). */
    static JobSettings settings(String device) {
        return new JobSettings("gpu-test", 1L, 1, 1, 0, null, 4096, "logreg", 0, device,
                "", "iid", 0.5, 0, 1, 0, 32, 0.1, 0.0, 0.0, 1.0, 0.0, "constant", 1.0, 1,
                null, 1); // no aggregation: only the model is built
    }

    /** An operator that builds its model with FlinkGpu.subtaskModel and reports the model's device. */
    static final class ReportModelDevice extends ProcessFunction<Integer, String> {
        private final JobSettings settings;

        ReportModelDevice(JobSettings settings) {
            this.settings = settings;
        }

        @Override
        public void processElement(Integer value, Context ctx, Collector<String> out) {
            try (var model = FlinkGpu.subtaskModel(getRuntimeContext(), settings)) {
                out.collect(model.device().toString());
            } catch (IllegalArgumentException e) {
                out.collect("error: " + e.getMessage());
            }
        }
    }

    static String modelDevice(ExternalResourceInfoProvider resources, String device) throws Exception {
        try (MockEnvironment env = new MockEnvironmentBuilder().setExternalResourceInfoProvider(resources).build();
                OneInputStreamOperatorTestHarness<Integer, String> harness = new OneInputStreamOperatorTestHarness<>(
                        new ProcessOperator<>(new ReportModelDevice(settings(device))), IntSerializer.INSTANCE, env)) {
            harness.open();
            harness.processElement(1, 0L);
            return harness.extractOutputValues().get(0);
        }
    }

    @Test
    void subtaskModelPutsTheModelWhereTheMappingSays() throws Exception {
        ExternalResourceInfoProvider gpu0 = resourcesOf(gpuTaskManagerConfig(1, "0"));
        int engineGpus = DjlRuntime.engineGpuCount();
        assertThat(modelDevice(gpu0, "cpu")).isEqualTo("cpu()");
        assertThat(modelDevice(ExternalResourceInfoProvider.NO_EXTERNAL_RESOURCES, "auto")).isEqualTo("cpu()");
        if (engineGpus > 0) {
            assertThat(modelDevice(gpu0, "auto")).isEqualTo("gpu(0)");
            assertThat(modelDevice(gpu0, "gpu")).isEqualTo("gpu(0)");
        } else {
            assertThat(modelDevice(gpu0, "auto")).isEqualTo("cpu()");
            assertThat(modelDevice(gpu0, "gpu")).isEqualTo("error: Flink assigned gpu 0 but the PyTorch"
                    + " engine sees no gpu (CPU-only natives?). " + DeviceSelector.GPU_SETUP);
        }
        assertThat(modelDevice(ExternalResourceInfoProvider.NO_EXTERNAL_RESOURCES, "gpu"))
                .startsWith("error: Flink assigned this task manager no gpu");
    }

    @Test
    void lowestIndexSkipsInfosWithoutANumericIndex() {
        ExternalResourceInfo noIndex = new ExternalResourceInfo() {
            @Override
            public java.util.Optional<String> getProperty(String key) {
                return java.util.Optional.empty();
            }

            @Override
            public java.util.Collection<String> getKeys() {
                return List.of();
            }
        };
        assertThat(FlinkGpu.lowestIndex(List.of(new TestGpuDriverFactory.Info("x"), noIndex,
                new TestGpuDriverFactory.Info(" 2 "), new TestGpuDriverFactory.Info("1"))))
                .hasValue(1);
        assertThat(FlinkGpu.lowestIndex(List.of(noIndex))).isEmpty();
        assertThat(FlinkGpu.lowestIndex(List.of())).isEmpty();
    }
}
