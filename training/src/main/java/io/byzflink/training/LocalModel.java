package io.byzflink.training;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.ConstantInitializer;
import ai.djl.training.loss.Loss;
import ai.djl.training.loss.SoftmaxCrossEntropyLoss;
import io.byzflink.data.LabeledImages;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * One DJL/PyTorch model per Flink subtask into which the parameters of many simulated workers are
 * swapped in turn.
 *
 * <p>Why: thousands of simulated workers cannot each own a native model; Flink keeps each worker's
 * parameters and momentum as {@code float[][]} (in {@link #layout()} order) in keyed state and
 * hands them to {@link #train} and {@link #evaluate}, which copy them into the native tensors,
 * work, and copy the result back into the same arrays.
 *
 * <p>How the costs stay small:
 * <ul>
 *   <li>Parameter copies on CPU write and read the tensors' own storage through the direct
 *       buffer DJL exposes ({@code toByteBuffer(true)}): one memcpy per tensor and no allocation
 *       (~11 us each way for the 101,770-parameter MLP, ~40 us for the 431,080-parameter CNN).
 *       DJL's {@code set(float[])} allocates a new direct buffer and swaps the tensor's storage,
 *       {@code toFloatArray()} copies twice: 3-100x slower depending on GC and allocator state
 *       (see {@code TrainingBenchmark} in the tests).
 *   <li>Mini-batches are written into two reusable direct buffers that the input tensors alias.
 *   <li>Each step's temporaries live in a sub-manager closed at the end of the step (no NDArray
 *       leak per step); the gradient wrappers too.
 *   <li>The SGD update runs as in-place NDArray ops with autograd off, then the gradients are
 *       zeroed natively ({@code grad.zero_()}), because PyTorch accumulates gradients across
 *       backward calls. A Java loop over the storage views was measured too (0.15-0.35 ms either
 *       way for the CNN, 1-2% of a 14 ms step); NDArray ops win because they also run on a GPU
 *       without copying the parameters to the host every step.
 * </ul>
 *
 * <p>Determinism: initial parameters are drawn in Java ({@link ParameterLayout#initialParameters});
 * batch order comes from a {@link SplittableRandom} seeded by the caller; nothing here uses
 * PyTorch's random generator (no dropout). With PyTorch's single intra-op thread
 * ({@link DjlRuntime}) the CPU kernels are deterministic, so the same seed and inputs give
 * bit-identical results on the same machine, in any thread and any instance (tested). Machines
 * whose CPUs pick other SIMD kernels, more intra-op threads, or a GPU may differ in the last bits.
 *
 * <p>Threads: an instance is not thread-safe (one per subtask thread), but instances in different
 * threads train and evaluate concurrently, without any JVM-wide lock. What makes that safe:
 * <ul>
 *   <li>Each instance owns its model, NDManager, parameter tensors (and so their {@code .grad}),
 *       momentum tensors and batch buffers; nothing native or Java-side is shared between
 *       instances except the engine itself and the managers' parents, whose bookkeeping DJL keeps
 *       in concurrent maps.
 *   <li>Backward runs through {@link JniUtils#backward} ({@code torch::Tensor::backward}), not
 *       through DJL's {@code GradientCollector}: DJL's PyTorch collector allows one open instance
 *       per JVM (a static flag, it throws otherwise), which is what formerly forced a JVM-wide
 *       training lock. PyTorch's autograd engine runs independent graphs from different threads
 *       safely, on CPU in the calling thread.
 *   <li>PyTorch's autograd mode is thread-local; each call sets it for its own thread
 *       ({@link JniUtils#setGradMode}): on during a step's forward and backward, off otherwise. A
 *       Flink task thread starts with it ON, only the thread that loaded the engine starts with it
 *       off.
 *   <li>Gradients are zeroed per instance ({@link JniUtils#zeroGrad} on its own parameters) on
 *       entry to {@link #train} and after each update, because PyTorch accumulates into
 *       {@code .grad}. Nothing here calls DJL's {@code GradientCollector.zeroGradients()}, which
 *       would touch every array of the JVM.
 * </ul>
 * Concurrent training in two threads gives bit-identical results to the same trainings run one
 * after the other (tested). Remaining constraints: PyTorch's thread counts are process-wide and
 * fixed when the engine loads ({@link DjlRuntime}), so two busy slots use two cores at one intra-op
 * thread each; the JVM lets only one class loader load a given native library, so all DJL users of
 * a task manager must come from the same class loader (DJL in Flink's {@code lib/}, or a single
 * job's user-code class loader; a constraint of JNI, not of this design); concurrency on a GPU is
 * untested.
 */
public final class LocalModel implements AutoCloseable {

    static {
        // Class loading may be the first DJL contact of a task manager: configure before any
        // static initializer below can reach the engine.
        DjlRuntime.ensureConfigured();
    }

    /** Engine name; this module ships only the PyTorch natives. */
    public static final String ENGINE = "PyTorch";
    /** Images per forward pass in {@link #evaluate}: large enough to amortize JNI, small in RAM. */
    static final int EVAL_BATCH = 500;

    private final ModelSpec spec;
    private final ParameterLayout layout;
    private final Device device;
    private final Model model;
    private final NDManager manager;
    private final Block block;
    private final NDArray[] weights;
    private final ParameterStore store;
    private final Loss loss = new SoftmaxCrossEntropyLoss("xent", 1f, -1, true, true);
    /** Tensors live in host memory, so their storage can be read and written in place. */
    private final boolean hostMemory;

    private NDArray[] velocity;
    private ByteBuffer inputBytes;
    private FloatBuffer inputFloats;
    private ByteBuffer labelBytes;
    private LongBuffer labelLongs;
    private int bufferCapacity;
    private int[] order = new int[0];
    private boolean closed;

    /** A model for 28x28 grayscale images and 10 classes ({@code hidden} used by MLP only). */
    public LocalModel(ModelKind kind, int hidden, Device device) {
        this(ModelSpec.fashionMnist(kind, hidden), device);
    }

    /**
     * Builds the DJL block for {@code spec} on {@code device} (null means CPU) and checks that its
     * parameters match {@link ModelSpec#layout()} in order and shape.
     */
    public LocalModel(ModelSpec spec, Device device) {
        DjlRuntime.ensureConfigured();
        this.spec = Objects.requireNonNull(spec, "spec");
        this.layout = spec.layout();
        this.device = device == null ? Device.cpu() : device;
        this.hostMemory = !this.device.isGpu();
        Model m = Model.newInstance("byzflink-" + spec.kind().id(), this.device, ENGINE);
        try {
            this.block = ModelBlocks.build(spec);
            // Every train/evaluate call overwrites the values, so the engine-side initializer only
            // needs to allocate; zeros avoid drawing from PyTorch's shared global generator.
            block.setInitializer(new ConstantInitializer(0f), p -> true);
            m.setBlock(block);
            this.manager = m.getNDManager();
            block.initialize(manager, DataType.FLOAT32, inputShape(1));
            List<Parameter> params = block.getParameters().values();
            if (params.size() != layout.size()) {
                throw new IllegalStateException("DJL block has " + params.size()
                        + " parameters, layout " + layout);
            }
            this.weights = new NDArray[params.size()];
            for (int i = 0; i < weights.length; i++) {
                NDArray a = params.get(i).getArray();
                long[] shape = a.getShape().getShape();
                long[] expected = Arrays.stream(layout.entry(i).shape()).asLongStream().toArray();
                if (!Arrays.equals(shape, expected)) {
                    throw new IllegalStateException("DJL parameter " + i + " ("
                            + params.get(i).getName() + ") has shape " + Arrays.toString(shape)
                            + ", layout expects " + layout.entry(i));
                }
                weights[i] = a;
            }
            this.store = new ParameterStore(manager, false);
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
        this.model = m;
    }

    /** Order, names and shapes of the {@code float[][]} this model reads and writes. */
    public ParameterLayout layout() {
        return layout;
    }

    public ModelSpec spec() {
        return spec;
    }

    public Device device() {
        return device;
    }

    /**
     * PyTorch-default initial parameters for this model, a pure function of {@code seed}
     * (see {@link ParameterLayout#initialParameters(long)}).
     */
    public float[][] initialParameters(long seed) {
        return layout.initialParameters(seed);
    }

    /** Copies {@code params} into the native tensors (exact, bit for bit). */
    public void setParameters(float[][] params) {
        ensureOpen();
        layout.check(params, "params");
        for (int i = 0; i < weights.length; i++) {
            write(weights[i], params[i]);
        }
    }

    /** Copies the native tensors into {@code into} (exact, bit for bit). */
    public void getParameters(float[][] into) {
        ensureOpen();
        layout.check(into, "into");
        for (int i = 0; i < weights.length; i++) {
            read(weights[i], into[i]);
        }
    }

    /** The native tensors as fresh arrays. */
    public float[][] getParameters() {
        float[][] out = layout.zeros();
        getParameters(out);
        return out;
    }

    /**
     * Runs local SGD on {@code shard} starting from {@code params}.
     *
     * <p>Steps: {@code cfg.localEpochs() > 0} gives that many shuffled passes over the shard (last
     * batch of a pass may be smaller, like PyTorch's DataLoader); otherwise
     * {@code cfg.localSteps()} batches of {@code min(batchSize, shard size)} drawn from a stream of
     * fresh permutations (a permutation's tail shorter than a batch is skipped, so every batch
     * holds distinct images). Batch order is a function of {@code seed} only.
     *
     * @param params in: the model to start from; out: the trained model (written in place)
     * @param momentum in/out: the worker's SGD momentum buffer (PyTorch convention, all zeros for
     *     a fresh worker); required when {@code cfg.momentum() > 0}, else ignored (may be null)
     * @param shard the worker's training images
     * @param cfg hyper-parameters
     * @param seed batch-sampling seed (use e.g. a hash of round and worker)
     * @return mean loss, samples seen, steps, elapsed time; on an exception the arrays are
     *     unchanged (results are copied out only at the end)
     */
    public TrainResult train(float[][] params, float[][] momentum, LabeledImages shard,
            TrainConfig cfg, long seed) {
        DjlRuntime.ensureConfigured();
        long t0 = System.nanoTime();
        ensureOpen();
        Objects.requireNonNull(cfg, "cfg");
        layout.check(params, "params");
        boolean useMomentum = cfg.momentum() != 0f;
        if (useMomentum) {
            layout.check(momentum, "momentum");
        }
        checkData(shard);
        int n = shard.count();
        if (n == 0) {
            return new TrainResult(Double.NaN, 0, 0, System.nanoTime() - t0);
        }
        int batch = Math.min(cfg.batchSize(), n);
        ensureBuffers(batch);
        setGradEnabled(false);
        for (int i = 0; i < weights.length; i++) {
            write(weights[i], params[i]);
            // A previous call that failed between backward and update may have left gradients.
            JniUtils.zeroGrad((PtNDArray) weights[i]);
        }
        if (useMomentum) {
            ensureVelocity();
            for (int i = 0; i < weights.length; i++) {
                write(velocity[i], momentum[i]);
            }
        }
        int[] perm = identity(n);
        SplittableRandom rnd = new SplittableRandom(seed);
        double lossSum = 0;
        long samples = 0;
        int steps = 0;
        if (cfg.byEpochs()) {
            for (int e = 0; e < cfg.localEpochs(); e++) {
                shuffle(perm, rnd);
                for (int from = 0; from < n; from += batch) {
                    int b = Math.min(batch, n - from);
                    lossSum += (double) step(shard, perm, from, b, cfg) * b;
                    samples += b;
                    steps++;
                }
            }
        } else {
            int pos = n;
            for (int s = 0; s < cfg.localSteps(); s++) {
                if (pos + batch > n) {
                    shuffle(perm, rnd);
                    pos = 0;
                }
                lossSum += (double) step(shard, perm, pos, batch, cfg) * batch;
                pos += batch;
                samples += batch;
                steps++;
            }
        }
        for (int i = 0; i < weights.length; i++) {
            read(weights[i], params[i]);
        }
        if (useMomentum) {
            for (int i = 0; i < weights.length; i++) {
                read(velocity[i], momentum[i]);
            }
        }
        return new TrainResult(lossSum / samples, samples, steps, System.nanoTime() - t0);
    }

    /**
     * Accuracy and mean cross-entropy of {@code params} on {@code test}, in batches of
     * {@value #EVAL_BATCH} with autograd off.
     */
    public Evaluation evaluate(float[][] params, LabeledImages test) {
        DjlRuntime.ensureConfigured();
        ensureOpen();
        layout.check(params, "params");
        checkData(test);
        int n = test.count();
        if (n == 0) {
            return new Evaluation(Double.NaN, Double.NaN, 0);
        }
        setGradEnabled(false);
        for (int i = 0; i < weights.length; i++) {
            write(weights[i], params[i]);
        }
        ensureBuffers(Math.min(EVAL_BATCH, n));
        double lossSum = 0;
        long correct = 0;
        for (int from = 0; from < n; from += EVAL_BATCH) {
            int b = Math.min(EVAL_BATCH, n - from);
            fillBatch(test, null, from, b, false);
            try (NDManager sm = manager.newSubManager()) {
                NDArray x = sm.create(inputSlice(b), inputShape(b), DataType.FLOAT32);
                NDArray y = sm.create(labelSlice(b), new Shape(b), DataType.INT64);
                NDArray logits = block.forward(store, new NDList(x), false).singletonOrThrow();
                lossSum += (double) loss.evaluate(new NDList(y), new NDList(logits)).getFloat() * b;
                correct += logits.argMax(1).eq(y).countNonzero().getLong();
            }
        }
        return new Evaluation((double) correct / n, lossSum / n, n);
    }

    /** Releases the native model and all its tensors. Idempotent. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            model.close();
        }
    }

    /** Arrays the model's manager holds (tests use it to prove that steps leak nothing). */
    int liveArrays() {
        return manager.getManagedArrays().size();
    }

    // ---------------------------------------------------------------- training step

    /**
     * One mini-batch: forward, backward, SGD update; returns the batch's mean loss.
     *
     * <p>Autograd is switched on for this thread around forward and backward only, and backward
     * runs through PyTorch's engine directly ({@code loss.backward(ones)}, what DJL's collector
     * does inside) instead of through DJL's {@code GradientCollector}, whose JVM-wide "one open
     * collector" flag would force all instances to take turns. See the class comment for why no
     * lock is needed.
     */
    private float step(LabeledImages data, int[] perm, int from, int b, TrainConfig cfg) {
        fillBatch(data, perm, from, b, cfg.flipLabels());
        try (NDManager sm = manager.newSubManager()) {
            NDArray x = sm.create(inputSlice(b), inputShape(b), DataType.FLOAT32);
            NDArray y = sm.create(labelSlice(b), new Shape(b), DataType.INT64);
            float lossValue;
            setGradEnabled(true);
            try {
                NDArray logits = block.forward(store, new NDList(x), true).singletonOrThrow();
                NDArray l = loss.evaluate(new NDList(y), new NDList(logits));
                NDArray seed = sm.ones(l.getShape(), l.getDataType());
                // keep_graph=false frees the graph; the gradients accumulate into the .grad of this
                // instance's own leaf parameters (zero on entry, see train() and sgdUpdate()).
                JniUtils.backward((PtNDArray) l, (PtNDArray) seed, false, false);
                lossValue = l.getFloat();
            } finally {
                // Also on failure: this thread's next evaluate() or update must not build graphs.
                setGradEnabled(false);
            }
            // Autograd off on this thread: in-place updates of the leaf parameters are legal.
            sgdUpdate(sm, cfg);
            return lossValue;
        }
    }

    /**
     * torch.optim.SGD: {@code d = g + wd*w; v = mu*v + d; w -= lr*v} (or {@code w -= lr*d} without
     * momentum), in place on the native tensors; temporaries go to the step manager {@code sm}.
     */
    private void sgdUpdate(NDManager sm, TrainConfig cfg) {
        float lr = cfg.learningRate();
        float mu = cfg.momentum();
        float wd = cfg.weightDecay();
        for (int i = 0; i < weights.length; i++) {
            NDArray w = weights[i];
            // getGradient() wraps the parameter's .grad in a new handle owned by the model's
            // manager; moving it to the step manager frees the handle (not the gradient) later.
            NDArray g = w.getGradient();
            g.attach(sm);
            if (wd != 0f) {
                g.addi(onStep(sm, w.mul(wd)));
            }
            NDArray direction = g;
            if (mu != 0f) {
                direction = velocity[i].muli(mu).addi(g);
            }
            w.subi(onStep(sm, direction.mul(lr)));
            JniUtils.zeroGrad((PtNDArray) w);
        }
    }

    private static NDArray onStep(NDManager sm, NDArray a) {
        a.attach(sm);
        return a;
    }

    private void ensureVelocity() {
        if (velocity == null) {
            velocity = new NDArray[weights.length];
            for (int i = 0; i < weights.length; i++) {
                velocity[i] = manager.zeros(weights[i].getShape(), DataType.FLOAT32);
            }
        }
    }

    // ---------------------------------------------------------------- batches

    /** Writes images {@code idx[from..from+b)} (or {@code from..from+b} when idx is null). */
    private void fillBatch(LabeledImages data, int[] idx, int from, int b, boolean flip) {
        int f = data.featureSize();
        float[] pixels = data.pixels();
        int[] labels = data.labels();
        int classes = data.numClasses();
        FloatBuffer fb = inputFloats;
        LongBuffer lb = labelLongs;
        fb.clear();
        lb.clear();
        if (idx == null) {
            fb.put(pixels, from * f, b * f);
        }
        for (int k = 0; k < b; k++) {
            int src = idx == null ? from + k : idx[from + k];
            if (idx != null) {
                fb.put(pixels, src * f, f);
            }
            int label = labels[src];
            if (label < 0 || label >= classes) {
                throw new IllegalArgumentException("label " + label + " of image " + src
                        + " outside [0, " + classes + ")");
            }
            lb.put(flip ? classes - 1 - label : label);
        }
    }

    private ByteBuffer inputSlice(int b) {
        return inputBytes.duplicate().position(0).limit(b * spec.featureSize() * Float.BYTES);
    }

    private ByteBuffer labelSlice(int b) {
        return labelBytes.duplicate().position(0).limit(b * Long.BYTES);
    }

    private void ensureBuffers(int batch) {
        if (batch > bufferCapacity) {
            // Direct buffers: the input tensors alias them (no copy), so they are reused only
            // after the previous step's tensors are closed, which the step manager guarantees.
            inputBytes = ByteBuffer.allocateDirect(batch * spec.featureSize() * Float.BYTES)
                    .order(ByteOrder.nativeOrder());
            inputFloats = inputBytes.asFloatBuffer();
            labelBytes = ByteBuffer.allocateDirect(batch * Long.BYTES).order(ByteOrder.nativeOrder());
            labelLongs = labelBytes.asLongBuffer();
            bufferCapacity = batch;
        }
    }

    private Shape inputShape(int b) {
        return ModelBlocks.inputShape(spec, b);
    }

    private int[] identity(int n) {
        if (order.length != n) {
            order = new int[n];
        }
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        return order;
    }

    private static void shuffle(int[] a, SplittableRandom rnd) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    private void checkData(LabeledImages data) {
        Objects.requireNonNull(data, "data");
        if (data.rows() != spec.rows() || data.cols() != spec.cols()
                || data.numClasses() != spec.numClasses()) {
            throw new IllegalArgumentException("data is " + data.rows() + "x" + data.cols() + " with "
                    + data.numClasses() + " classes, model " + spec);
        }
    }

    // ---------------------------------------------------------------- parameter copies

    private void write(NDArray nd, float[] src) {
        if (hostMemory) {
            // toByteBuffer(true) is a view of the tensor's storage: one memcpy, no allocation.
            nd.toByteBuffer(true).asFloatBuffer().put(src);
        } else {
            nd.set(FloatBuffer.wrap(src));
        }
    }

    private void read(NDArray nd, float[] dst) {
        if (hostMemory) {
            nd.toByteBuffer(true).asFloatBuffer().get(dst);
        } else {
            try (NDArray host = nd.toDevice(Device.cpu(), true)) {
                host.toByteBuffer(true).asFloatBuffer().get(dst);
            }
        }
    }

    private static void setGradEnabled(boolean enabled) {
        // Thread-local in PyTorch: a Flink task thread starts with autograd ON, which would make
        // evaluation build graphs and forbid the in-place update of leaf parameters.
        JniUtils.setGradMode(enabled);
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("LocalModel closed");
        }
    }
}
