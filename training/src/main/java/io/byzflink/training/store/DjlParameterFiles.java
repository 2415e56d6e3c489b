package io.byzflink.training.store;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.initializer.ConstantInitializer;
import io.byzflink.training.DjlRuntime;
import io.byzflink.training.LocalModel;
import io.byzflink.training.ModelBlocks;
import io.byzflink.training.ModelSpec;
import io.byzflink.training.ParameterLayout;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Writes and reads DJL parameter files ({@code Model.save} / {@code Model.load}) for a
 * {@link ModelSpec}, so a stored model opens in any DJL program with
 * {@code model.setBlock(ModelBlocks.build(spec)); model.load(dir, name)}.
 *
 * <p>DJL names the file {@code <name>-<epoch, 4 digits>.params}; the epoch is fixed at 0 here so
 * the name is a function of {@code name} alone. Only local paths: DJL cannot write elsewhere.
 */
final class DjlParameterFiles {

    static {
        DjlRuntime.ensureConfigured();
    }

    private DjlParameterFiles() {}

    /** The file DJL writes for {@code name} in a directory. */
    static String fileName(String name) {
        return String.format(Locale.ROOT, "%s-%04d.params", name, 0);
    }

    /** Writes {@code parameters} as {@code dir/fileName(name)}; returns that path. */
    static Path save(ModelSpec spec, float[][] parameters, Path dir, String name) throws IOException {
        DjlRuntime.ensureConfigured();
        ParameterLayout layout = spec.layout();
        layout.check(parameters, "parameters");
        try (Model model = Model.newInstance(name, Device.cpu(), LocalModel.ENGINE)) {
            Block block = ModelBlocks.build(spec);
            // The values are overwritten below; zeros avoid drawing from PyTorch's global generator.
            block.setInitializer(new ConstantInitializer(0f), p -> true);
            model.setBlock(block);
            block.initialize(model.getNDManager(), DataType.FLOAT32, ModelBlocks.inputShape(spec, 1));
            List<Parameter> params = checkedParameters(block, layout, name);
            for (int i = 0; i < params.size(); i++) {
                params.get(i).getArray().set(FloatBuffer.wrap(parameters[i]));
            }
            model.setProperty("Epoch", "0");
            model.save(dir, name);
        }
        return dir.resolve(fileName(name));
    }

    /**
     * Reads {@code dir/fileName(name)} into a fresh block for {@code spec}.
     *
     * @throws CorruptModelException when DJL cannot parse the file (also when it is missing or
     *     truncated) or its tensors do not match the spec's layout
     */
    static float[][] load(ModelSpec spec, Path dir, String name) throws IOException {
        DjlRuntime.ensureConfigured();
        ParameterLayout layout = spec.layout();
        try (Model model = Model.newInstance(name, Device.cpu(), LocalModel.ENGINE)) {
            Block block = ModelBlocks.build(spec);
            model.setBlock(block);
            try {
                model.load(dir, name);
            } catch (MalformedModelException | IOException | RuntimeException e) {
                // DJL reports altered files as malformed or as runtime exceptions and truncated
                // ones as EOFException; the file is a local copy that exists, so any of these
                // means its content is bad.
                throw new CorruptModelException("DJL cannot read " + fileName(name) + " as a " + spec
                        + " model: " + e.getMessage(), e);
            }
            List<Parameter> params = checkedParameters(block, layout, name);
            float[][] out = new float[params.size()][];
            for (int i = 0; i < out.length; i++) {
                out[i] = params.get(i).getArray().toFloatArray();
            }
            return out;
        }
    }

    private static List<Parameter> checkedParameters(Block block, ParameterLayout layout, String name)
            throws CorruptModelException {
        List<Parameter> params = block.getParameters().values();
        if (params.size() != layout.size()) {
            throw new CorruptModelException(name + ": DJL block has " + params.size()
                    + " parameters, layout " + layout);
        }
        for (int i = 0; i < params.size(); i++) {
            NDArray a = params.get(i).getArray();
            long[] shape = a.getShape().getShape();
            long[] expected = Arrays.stream(layout.entry(i).shape()).asLongStream().toArray();
            if (!Arrays.equals(shape, expected) || a.getDataType() != DataType.FLOAT32) {
                throw new CorruptModelException(name + ": parameter " + i + " (" + params.get(i).getName()
                        + ") is " + a.getDataType() + Arrays.toString(shape) + ", layout expects float32 "
                        + layout.entry(i));
            }
        }
        return params;
    }
}
