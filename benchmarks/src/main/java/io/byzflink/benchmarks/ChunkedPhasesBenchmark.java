package io.byzflink.benchmarks;

import io.byzflink.robust.AggregationPlan;
import io.byzflink.robust.GramPartial;
import io.byzflink.robust.RuleSpec;
import io.byzflink.robust.Solution;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Phases A, B and C as the Flink operators run them: the vector split in chunks of 64 Ki floats,
 * phase A per chunk on {@code subtasks} threads, partials merged, phase B once, phase C per chunk
 * on the same threads. Compare {@code subtasks=1} with {@code subtasks=2} (target: 1.7x at
 * d = 10,000,000; needs two idle cores). {@code validated=true} runs phase A as {@code GramPhaseA}
 * does on chunks that passed {@code ValidateUpdates} ({@code partialOfFiniteRows}: no finiteness
 * scan for coordinate-wise rules); {@code false} scans, as for rows of unknown origin.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx6g", "--add-modules", "jdk.incubator.vector"})
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 3)
public class ChunkedPhasesBenchmark {
  @Param({"20:4:10000000"})
  public String shape;

  @Param({"krum", "median"})
  public String rule;

  @Param({"1", "2"})
  public int subtasks;

  @Param({"true", "false"})
  public boolean validated;

  static final int CHUNK = 64 * 1024;

  private Inputs in;
  private AggregationPlan plan;
  private ExecutorService pool;
  private float[][][] chunks;
  private int[] offsets;
  private float[] out;

  @Setup(Level.Trial)
  public void setup() {
    in = new Inputs(shape, 3);
    plan = AggregationPlan.of(RuleSpec.of(rule), in.f);
    pool = Executors.newFixedThreadPool(subtasks);
    int count = (in.d + CHUNK - 1) / CHUNK;
    chunks = new float[count][][];
    offsets = new int[count];
    for (int c = 0; c < count; c++) {
      int from = c * CHUNK;
      int to = Math.min(in.d, from + CHUNK);
      offsets[c] = from;
      chunks[c] = new float[in.n][];
      for (int i = 0; i < in.n; i++) {
        chunks[c][i] = Arrays.copyOfRange(in.x[i], from, to);
      }
    }
    out = new float[in.d];
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    pool.shutdownNow();
  }

  @Benchmark
  public Object phases() throws Exception {
    List<Future<GramPartial>> parts = new ArrayList<>();
    for (int s = 0; s < subtasks; s++) {
      final int sub = s;
      parts.add(pool.submit(() -> {
        GramPartial acc = null;
        for (int c = sub; c < chunks.length; c += subtasks) {
          GramPartial p = validated
              ? plan.partialOfFiniteRows(chunks[c], offsets[c], in.d, null, 7)
              : plan.partial(chunks[c], offsets[c], in.d, null, 7);
          acc = acc == null ? p : acc.merge(p);
        }
        return acc;
      }));
    }
    GramPartial total = null;
    for (Future<GramPartial> f : parts) {
      total = total == null ? f.get() : total.merge(f.get());
    }
    Solution sol = plan.solve(total, null, 7);
    List<Future<?>> done = new ArrayList<>();
    for (int s = 0; s < subtasks; s++) {
      final int sub = s;
      done.add(pool.submit(() -> {
        for (int c = sub; c < chunks.length; c += subtasks) {
          float[] o = new float[chunks[c][0].length];
          plan.combine(sol, chunks[c], null, o);
          System.arraycopy(o, 0, out, offsets[c], o.length);
        }
      }));
    }
    for (Future<?> f : done) {
      f.get();
    }
    return out;
  }
}
