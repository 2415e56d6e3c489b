package io.byzflink.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import io.byzflink.training.DeviceSelector.DeviceChoice;
import io.byzflink.training.DeviceSelector.Kind;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every branch of the device decision (configured mode x Flink's GPU index x GPUs the engine
 * sees), without a GPU: the decision is a pure function of the three.
 */
class DeviceSelectorTest {

    private static final OptionalInt NONE = OptionalInt.empty();

    private static OptionalInt flink(int index) {
        return OptionalInt.of(index);
    }

    // --- cpu -------------------------------------------------------------------------------------

    @Test
    void cpuIsAlwaysCpuWhateverFlinkAndTheEngineHave() {
        assertThat(DeviceSelector.select("cpu", flink(1), 4).kind()).isEqualTo(Kind.CPU);
        assertThat(DeviceSelector.select("CPU", NONE, 0).index()).isEqualTo(-1);
        assertThat(DeviceSelector.select(" cpu ", flink(9), 1).reason()).isEqualTo("configured cpu");
        assertThat(DeviceSelector.device("cpu", flink(0), 1)).isEqualTo(Device.cpu());
    }

    // --- auto ------------------------------------------------------------------------------------

    @Test
    void autoUsesTheGpuFlinkAssignedWhenTheEngineSeesIt() {
        DeviceChoice c = DeviceSelector.select("auto", flink(1), 2);
        assertThat(c).extracting(DeviceChoice::kind, DeviceChoice::index).containsExactly(Kind.GPU, 1);
        assertThat(c.reason()).contains("Flink assigned gpu 1");
        assertThat(DeviceSelector.device("auto", flink(0), 1)).isEqualTo(Device.gpu(0));
        assertThat(DeviceSelector.device("AUTO", flink(3), 4)).isEqualTo(Device.gpu(3));
    }

    @Test
    void autoWithoutAFlinkGpuTrainsOnTheCpuEvenWhenTheEngineSeesGpus() {
        DeviceChoice c = DeviceSelector.select("auto", NONE, 2);
        assertThat(c.kind()).isEqualTo(Kind.CPU);
        assertThat(c.reason()).startsWith("auto: Flink assigned this task manager no gpu")
                .endsWith("training on the cpu");
    }

    @Test
    void autoWithACpuOnlyEngineFallsBackToTheCpuAndSaysWhy() {
        assertThat(DeviceSelector.select("auto", flink(0), 0))
                .extracting(DeviceChoice::kind, DeviceChoice::reason)
                .containsExactly(Kind.CPU, "auto: Flink assigned gpu 0 but the PyTorch engine sees no"
                        + " gpu (CPU-only natives?); training on the cpu");
        assertThat(DeviceSelector.select("auto", NONE, 0).reason())
                .contains("no gpu and the PyTorch engine sees no gpu");
        assertThat(DeviceSelector.device("auto", flink(0), 0)).isEqualTo(Device.cpu());
    }

    @Test
    void nullOrBlankModeMeansAuto() {
        assertThat(DeviceSelector.select(null, NONE, 0).kind()).isEqualTo(Kind.CPU);
        assertThat(DeviceSelector.select("  ", NONE, 0).kind()).isEqualTo(Kind.CPU);
        assertThat(DeviceSelector.select(null, flink(0), 1).kind()).isEqualTo(Kind.GPU);
    }

    // --- gpu -------------------------------------------------------------------------------------

    @Test
    void gpuUsesTheGpuFlinkAssigned() {
        assertThat(DeviceSelector.select("gpu", flink(1), 2).index()).isEqualTo(1);
        assertThat(DeviceSelector.device("GPU", flink(0), 1)).isEqualTo(Device.gpu(0));
        assertThat(DeviceSelector.select("gpu", flink(0), 1).reason())
                .isEqualTo("gpu: Flink assigned gpu 0 of the 1 the engine sees");
    }

    @Test
    void gpuWithoutAFlinkGpuFailsWithWhatToConfigure() {
        // A local MiniCluster run: the engine may see a GPU, but Flink assigned none.
        assertThatThrownBy(() -> DeviceSelector.select("gpu", NONE, 2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("Flink assigned this task manager no gpu (the engine sees 2)")
                .hasMessageContaining(DeviceSelector.GPU_SETUP);
    }

    @Test
    void gpuWithoutACudaEngineFailsWithWhatToInstall() {
        assertThatThrownBy(() -> DeviceSelector.select("gpu", flink(0), 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("Flink assigned gpu 0 but the PyTorch engine sees no gpu")
                .hasMessageContaining(DeviceSelector.GPU_SETUP);
        assertThatThrownBy(() -> DeviceSelector.select("gpu", NONE, 0))
                .hasMessageStartingWith("Flink assigned this task manager no gpu and the PyTorch"
                        + " engine sees no gpu");
    }

    @Test
    void theSetupMessageNamesThePluginTheConfigKeysAndTheCudaNatives() {
        assertThat(DeviceSelector.GPU_SETUP)
                .contains("external-resources: gpu")
                .contains("external-resource.gpu.amount: 1")
                .contains("external-resource.gpu.driver-factory.class:"
                        + " org.apache.flink.externalresource.gpu.GPUDriverFactory")
                .contains("plugins/external-resource-gpu/")
                .contains("flink-external-resource-gpu-2.0.0.jar")
                .contains("pytorch-native-cu128:2.7.1:linux-x86_64")
                .contains("device: auto")
                .contains("docs/gpu.md");
    }

    // --- index beyond what the engine sees (auto and gpu) ----------------------------------------

    @ParameterizedTest
    @CsvSource({"auto, 2, 2", "gpu, 2, 2", "auto, 1, 1", "gpu, 7, 4", "auto, -1, 2", "gpu, -1, 1"})
    void aFlinkIndexTheEngineCannotSeeFailsClearly(String mode, int index, int engineGpus) {
        assertThatThrownBy(() -> DeviceSelector.select(mode, flink(index), engineGpus))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("device: " + mode + ": Flink assigned gpu " + index
                        + " but the PyTorch engine sees only " + engineGpus + " gpu(s)")
                .hasMessageContaining("CUDA_VISIBLE_DEVICES");
    }

    @Test
    void cpuIgnoresAnIndexTheEngineCannotSee() {
        assertThat(DeviceSelector.select("cpu", flink(7), 1).kind()).isEqualTo(Kind.CPU);
    }

    // --- others ----------------------------------------------------------------------------------

    @Test
    void unknownModeListsAllowedValues() {
        assertThatThrownBy(() -> DeviceSelector.select("tpu", NONE, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'tpu'").hasMessageContaining("auto, cpu, gpu");
        assertThatThrownBy(() -> DeviceSelector.select("cuda", flink(0), 1))
                .hasMessageContaining("'cuda'");
    }

    @Test
    void mapsToDjlDevices() {
        assertThat(DeviceSelector.toDjl(DeviceChoice.cpu("x"))).isEqualTo(Device.cpu());
        assertThat(DeviceSelector.toDjl(DeviceChoice.gpu(1, "x"))).isEqualTo(Device.gpu(1));
        assertThatThrownBy(() -> DeviceChoice.gpu(-1, "x")).isInstanceOf(IllegalArgumentException.class);
        assertThat(new DeviceChoice(Kind.CPU, 5, "x").index()).isEqualTo(-1);
    }
}
