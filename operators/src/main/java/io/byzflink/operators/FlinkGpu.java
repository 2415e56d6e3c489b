package io.byzflink.operators;

import io.byzflink.training.DeviceSelector;
import io.byzflink.training.DjlRuntime;
import io.byzflink.training.LocalModel;

import org.apache.flink.api.common.externalresource.ExternalResourceInfo;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Optional;
import java.util.OptionalInt;

/**
 * Reads the GPU Flink's external resource framework gave this task manager
 * ({@code external-resources: gpu} with the GPU driver plugin, see docs/gpu.md) and hands it, with
 * the engine's GPU count and the configured {@code device}, to {@link DeviceSelector#select}, which
 * makes the decision. MiniCluster gives no external resources, so local runs train on the CPU
 * ({@code auto}) or fail ({@code gpu}).
 */
public final class FlinkGpu {

    private static final Logger LOG = LoggerFactory.getLogger(FlinkGpu.class);

    /** The external resource name configured in flink-conf/config.yaml. */
    public static final String RESOURCE = "gpu";

    private FlinkGpu() {}

    /**
     * The subtask's DJL model on the device the experiment asks for: the GPU Flink gave this task
     * manager when there is one (device auto or gpu), else the CPU. Loads the engine offline.
     */
    public static LocalModel subtaskModel(RuntimeContext context, JobSettings settings) {
        DjlRuntime.ensureConfigured();
        OptionalInt flinkGpu = index(context);
        var choice = DeviceSelector.select(settings.device(), flinkGpu, DjlRuntime.engineGpuCount());
        String task = context.getTaskInfo().getTaskNameWithSubtasks();
        if (!choice.isGpu() && flinkGpu.isPresent()) {
            LOG.warn("{} trains on the cpu although Flink assigned gpu {}: {}", task,
                    flinkGpu.getAsInt(), choice.reason());
        } else {
            LOG.info("{} trains on {}: {}", task, DeviceSelector.toDjl(choice), choice.reason());
        }
        return new LocalModel(settings.modelSpec(), DeviceSelector.toDjl(choice));
    }

    /**
     * The lowest GPU index Flink assigned to this task manager ({@code getExternalResourceInfos("gpu")},
     * property {@code index}), if any.
     */
    public static OptionalInt index(RuntimeContext context) {
        return lowestIndex(context.getExternalResourceInfos(RESOURCE));
    }

    static OptionalInt lowestIndex(Iterable<ExternalResourceInfo> infos) {
        OptionalInt best = OptionalInt.empty();
        for (ExternalResourceInfo info : infos) {
            Optional<String> index = info.getProperty("index");
            if (index.isPresent()) {
                try {
                    int i = Integer.parseInt(index.get().trim());
                    if (best.isEmpty() || i < best.getAsInt()) {
                        best = OptionalInt.of(i);
                    }
                } catch (NumberFormatException ignored) {
                    // A driver that reports a non-numeric index cannot be mapped to a DJL device.
                }
            }
        }
        return best;
    }
}
