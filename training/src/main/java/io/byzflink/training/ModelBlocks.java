package io.byzflink.training;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;

/**
 * The DJL architecture of each {@link ModelKind}: the one place that turns a {@link ModelSpec}
 * into a block, so {@link LocalModel} (training) and the model store (DJL parameter files) build
 * identical blocks whose parameters follow {@link ModelSpec#layout()} order.
 */
public final class ModelBlocks {

    private ModelBlocks() {}

    /**
     * A new, uninitialized block for {@code spec}; initialize it with {@link #inputShape} before
     * use. Its parameters, in {@code getParameters()} order, have the shapes of
     * {@link ModelSpec#layout()} (callers check this after initialization).
     */
    public static Block build(ModelSpec spec) {
        SequentialBlock b = new SequentialBlock();
        switch (spec.kind()) {
            case LOGREG -> b.add(linear(spec.numClasses()));
            case MLP -> b.add(linear(spec.hidden())).add(Activation.reluBlock())
                    .add(linear(spec.numClasses()));
            case CNN -> b.add(conv(ModelSpec.CNN_FILTERS1)).add(Activation.reluBlock()).add(pool())
                    .add(conv(ModelSpec.CNN_FILTERS2)).add(Activation.reluBlock()).add(pool())
                    .add(Blocks.batchFlattenBlock())
                    .add(linear(ModelSpec.CNN_FC)).add(Activation.reluBlock())
                    .add(linear(spec.numClasses()));
            default -> throw new AssertionError(spec.kind());
        }
        return b;
    }

    /** Shape of a batch of {@code batch} images: (b, 1, rows, cols) for the CNN, (b, rows*cols) otherwise. */
    public static Shape inputShape(ModelSpec spec, int batch) {
        return spec.kind() == ModelKind.CNN
                ? new Shape(batch, 1, spec.rows(), spec.cols())
                : new Shape(batch, spec.featureSize());
    }

    private static Block linear(int units) {
        return Linear.builder().setUnits(units).build();
    }

    private static Block conv(int filters) {
        int k = ModelSpec.CNN_KERNEL;
        return Conv2d.builder().setKernelShape(new Shape(k, k)).setFilters(filters).build();
    }

    private static Block pool() {
        int p = ModelSpec.CNN_POOL;
        return Pool.maxPool2dBlock(new Shape(p, p), new Shape(p, p));
    }
}
