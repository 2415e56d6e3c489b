package io.byzflink.training;

import ai.djl.Device;
import java.util.Locale;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * Chooses where a subtask trains.
 *
 * <p>Why a pure function: Flink's external-resource framework tells a task manager which GPU it
 * owns ({@code getRuntimeContext().getExternalResourceInfos("gpu")} -> property {@code index}),
 * the engine tells how many GPUs it can use, and the configuration says {@code auto|cpu|gpu}.
 * Keeping the decision free of Flink and of the engine makes every branch testable on a machine
 * without a GPU; the operator ({@code io.byzflink.operators.FlinkGpu}) gathers the two facts and
 * calls {@link #select}, logs the reason, then {@link #toDjl}.
 */
public final class DeviceSelector {

    /** Allowed values of the device option. */
    public static final String MODES = "auto, cpu, gpu";

    /** Device kinds we train on. */
    public enum Kind { CPU, GPU }

    /**
     * The decision: kind, GPU index (-1 for CPU) and a human-readable reason for the log line.
     */
    public record DeviceChoice(Kind kind, int index, String reason) {
        public DeviceChoice {
            Objects.requireNonNull(kind, "kind");
            if (kind == Kind.CPU) {
                index = -1;
            } else if (index < 0) {
                throw new IllegalArgumentException("gpu index must be >= 0, got " + index);
            }
        }

        public static DeviceChoice cpu(String reason) {
            return new DeviceChoice(Kind.CPU, -1, reason);
        }

        public static DeviceChoice gpu(int index, String reason) {
            return new DeviceChoice(Kind.GPU, index, reason);
        }

        public boolean isGpu() {
            return kind == Kind.GPU;
        }
    }

    private DeviceSelector() {}

    /**
     * What {@code device: gpu} needs, in one message: a GPU from Flink and a CUDA build of PyTorch.
     * Part of every "no usable GPU" error.
     */
    public static final String GPU_SETUP = "device: gpu needs both (1) a GPU from Flink: the task"
            + " managers' config.yaml sets external-resources: gpu, external-resource.gpu.amount: 1 and"
            + " external-resource.gpu.driver-factory.class:"
            + " org.apache.flink.externalresource.gpu.GPUDriverFactory, with"
            + " flink-external-resource-gpu-2.0.0.jar and its discovery scripts in"
            + " plugins/external-resource-gpu/ (a local MiniCluster run never gets one), and (2) a"
            + " CUDA build of PyTorch: ai.djl.pytorch:pytorch-native-cu128:2.7.1:linux-x86_64 instead"
            + " of pytorch-native-cpu on the task managers' classpath, with an NVIDIA driver for CUDA"
            + " 12.8; or set device: auto (the GPU when both are there, else the CPU) or device: cpu."
            + " See docs/gpu.md";

    /**
     * Decides the device from three facts, with no Flink and no engine involved.
     *
     * <ul>
     *   <li>{@code cpu}: CPU, whatever Flink assigned.
     *   <li>{@code auto} (also null or blank): the GPU Flink assigned when it assigned one and the
     *       engine has CUDA; CPU when Flink assigned none (MiniCluster, local runs) or the engine
     *       sees no GPU (CPU-only natives). The caller logs {@link DeviceChoice#reason()}.
     *   <li>{@code gpu}: the GPU Flink assigned; an error naming what to install and configure
     *       ({@link #GPU_SETUP}) when Flink assigned none or the engine sees no GPU.
     *   <li>Both {@code auto} and {@code gpu}: an error when Flink's index is negative or not below
     *       the number of GPUs the engine sees (CUDA_VISIBLE_DEVICES hiding GPUs from the task
     *       manager, or the discovery script reporting physical indexes the process cannot see):
     *       silently training on the CPU of a GPU task manager would hide a misconfiguration.
     * </ul>
     *
     * @param mode {@code auto|cpu|gpu}, case-insensitive
     * @param flinkGpuIndex the index Flink's GPU external resource gave this task manager, if any
     * @param engineGpuCount GPUs visible to the PyTorch engine (0 without a CUDA build)
     * @throws IllegalArgumentException for an unknown mode, {@code gpu} without a usable GPU, or a
     *     Flink GPU index the engine cannot see
     */
    public static DeviceChoice select(String mode, OptionalInt flinkGpuIndex, int engineGpuCount) {
        Objects.requireNonNull(flinkGpuIndex, "flinkGpuIndex");
        String m = mode == null || mode.isBlank() ? "auto" : mode.trim().toLowerCase(Locale.ROOT);
        if (!m.equals("auto") && !m.equals("cpu") && !m.equals("gpu")) {
            throw new IllegalArgumentException("unknown device '" + mode + "'; allowed: " + MODES);
        }
        if (m.equals("cpu")) {
            return DeviceChoice.cpu("configured cpu");
        }
        int gpus = Math.max(0, engineGpuCount);
        if (flinkGpuIndex.isEmpty() || gpus == 0) {
            String missing = flinkGpuIndex.isEmpty()
                    ? (gpus == 0 ? "Flink assigned this task manager no gpu and the PyTorch engine"
                            + " sees no gpu"
                            : "Flink assigned this task manager no gpu (the engine sees " + gpus + ")")
                    : "Flink assigned gpu " + flinkGpuIndex.getAsInt() + " but the PyTorch engine sees"
                            + " no gpu (CPU-only natives?)";
            if (m.equals("auto")) {
                return DeviceChoice.cpu("auto: " + missing + "; training on the cpu");
            }
            throw new IllegalArgumentException(missing + ". " + GPU_SETUP);
        }
        int index = flinkGpuIndex.getAsInt();
        if (index < 0 || index >= gpus) {
            throw new IllegalArgumentException("device: " + m + ": Flink assigned gpu " + index
                    + " but the PyTorch engine sees only " + gpus + " gpu(s) (indexes 0.." + (gpus - 1)
                    + "); do not set CUDA_VISIBLE_DEVICES on a task manager that uses Flink's gpu"
                    + " resource, and set CUDA_DEVICE_ORDER=PCI_BUS_ID so CUDA numbers GPUs as"
                    + " nvidia-smi does");
        }
        return DeviceChoice.gpu(index, m + ": Flink assigned gpu " + index + " of the " + gpus
                + " the engine sees");
    }

    /** {@link #select} then {@link #toDjl}: the DJL device the three facts lead to. */
    public static Device device(String mode, OptionalInt flinkGpuIndex, int engineGpuCount) {
        return toDjl(select(mode, flinkGpuIndex, engineGpuCount));
    }

    /** The DJL device for a choice. Creates no engine. */
    public static Device toDjl(DeviceChoice choice) {
        return choice.isGpu() ? Device.gpu(choice.index()) : Device.cpu();
    }
}
