package io.byzflink.operators;

import org.apache.flink.api.common.externalresource.ExternalResourceDriver;
import org.apache.flink.api.common.externalresource.ExternalResourceDriverFactory;
import org.apache.flink.api.common.externalresource.ExternalResourceInfo;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;

import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A stand-in for Flink's GPU plugin ({@code org.apache.flink.externalresource.gpu.GPUDriverFactory})
 * on a machine without a GPU: instead of running {@code nvidia-smi} through the discovery script, it
 * reports the GPU indexes of its {@code indexes} parameter ({@code external-resource.gpu.param.indexes},
 * default {@code "0"}), the first {@code external-resource.gpu.amount} of them, as infos with the
 * property {@code index}, exactly the shape of the real plugin's GPUInfo.
 *
 * <p>Name it in {@code external-resource.gpu.driver-factory.class} and hand Flink a plugin manager
 * that loads it ({@link #PLUGINS}).
 */
public class TestGpuDriverFactory implements ExternalResourceDriverFactory {

    /** Parameter (under {@code external-resource.<name>.param.}): comma-separated GPU indexes. */
    public static final ConfigOption<String> INDEXES =
            ConfigOptions.key("indexes").stringType().defaultValue("0");

    /** A plugin manager that "finds" this factory, as Flink's finds the GPU plugin in plugins/. */
    public static final org.apache.flink.core.plugin.PluginManager PLUGINS =
            new org.apache.flink.core.plugin.PluginManager() {
                @Override
                @SuppressWarnings("unchecked")
                public <P> java.util.Iterator<P> load(Class<P> service) {
                    if (service == ExternalResourceDriverFactory.class) {
                        return (java.util.Iterator<P>) List.<Object>of(new TestGpuDriverFactory()).iterator();
                    }
                    return java.util.Collections.emptyIterator();
                }
            };

    @Override
    public ExternalResourceDriver createExternalResourceDriver(Configuration config) {
        List<String> indexes = Arrays.stream(config.get(INDEXES).split(","))
                .map(String::trim).filter(s -> !s.isEmpty()).toList();
        return amount -> {
            if (amount > indexes.size()) {
                throw new IllegalStateException("asked for " + amount + " gpus, have " + indexes);
            }
            Set<ExternalResourceInfo> infos = new LinkedHashSet<>();
            for (String index : indexes.subList(0, (int) amount)) {
                infos.add(new Info(index));
            }
            return infos;
        };
    }

    /** One GPU: property {@code index}, like Flink's GPUInfo. */
    public record Info(String index) implements ExternalResourceInfo {
        @Override
        public Optional<String> getProperty(String key) {
            return "index".equals(key) ? Optional.of(index) : Optional.empty();
        }

        @Override
        public Collection<String> getKeys() {
            return List.of("index");
        }
    }
}
