package io.byzflink.robust;

import io.byzflink.robust.io.Npy;
import io.byzflink.robust.kernel.Kernels;
import io.byzflink.robust.kernel.NativeCoordinateWise;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The logic of {@code byzflink aggregate} (the picocli command only parses arguments):
 * <ul>
 *   <li>{@link #aggregateFile}: reads an (n, d) float32/float64 {@code .npy} (one input per row),
 *       aggregates with a rule, f, parameters and a pre-aggregator chain, writes the float64 (d,)
 *       result. Computation is in float32 like the job: float64 inputs are rounded to float32
 *       first (relative difference about 6e-8), then the float32 aggregate is widened.
 *   <li>{@link #bench}: times rules on seeded random float32 inputs, with the two baselines
 *       measured in the same run (see {@link BenchRecord}).
 *   <li>{@link #listing()}: the {@code --list} text.
 * </ul>
 */
public final class AggregateTool {
  private AggregateTool() {}

  /** Result of {@link #aggregateFile}. */
  public record FileResult(int n, int d, String inputDtype, Solution solution) {}

  /** Parses the {@code --pre NAME[:k=v,...]} strings. */
  public static List<PreAggregatorSpec> parsePre(List<String> pre) {
    List<PreAggregatorSpec> out = new ArrayList<>();
    for (String p : pre == null ? List.<String>of() : pre) {
      out.add(PreAggregatorSpec.parse(p));
    }
    return out;
  }

  /** Parses the {@code --param key=value} strings. */
  public static Map<String, String> parseParams(List<String> params) {
    return RuleRegistry.parseParams(String.join(",", params == null ? List.of() : params), "--param");
  }

  /** Builds the plan from command-line style arguments. */
  public static AggregationPlan plan(String rule, int f, Map<String, String> params, List<String> pre) {
    return AggregationPlan.of(parsePre(pre), RuleSpec.of(rule, params), f);
  }

  /**
   * Reads {@code in}, aggregates, writes {@code out} as float64 of shape (d,).
   *
   * @param seed round seed (bucketing, dnc)
   */
  public static FileResult aggregateFile(Path in, Path out, String rule, int f,
      Map<String, String> params, List<String> pre, long seed) throws IOException {
    AggregationPlan plan = plan(rule, f, params, pre);
    Npy.Header h = Npy.header(in);
    float[][] x = Npy.readFloat32(in);
    if (x.length == 0) {
      throw new IllegalArgumentException(in + " holds no input vectors (shape (0, d))");
    }
    AggregationPlan.Result r = plan.aggregateDetailed(x, null, null, seed);
    double[] v = new double[r.vector().length];
    for (int j = 0; j < v.length; j++) {
      v[j] = r.vector()[j];
    }
    Npy.writeFloat64(out, v);
    return new FileResult(x.length, v.length, h.descr(), r.solution());
  }

  /** The {@code --list} text. */
  public static String listing() {
    return RuleRegistry.describe();
  }

  /**
   * One benchmark line: the rule's (or pre-aggregator's) median wall time over 5 runs after
   * warm-up (at least 3 runs and 1.5 s), and in the same run the medians of two baselines on the same inputs: a plain pass
   * reading all n*d floats (summing them) and the Gram matrix X X^T (the kernel phase A uses).
   * {@code error} is set (and the times are NaN) when the rule cannot run on these inputs.
   */
  public record BenchRecord(String rule, double medianMs, double readPassMs, double gramMs,
      String error) {
    /**
     * {@code {"rule":..,"median_ms":..,"read_pass_ms":..,"gram_ms":..,"kernels":..}} (plus
     * "error"); kernels names the Java kernels and whether the native coordinate-wise one ran.
     */
    public String toJson() {
      StringBuilder sb = new StringBuilder("{\"rule\":\"").append(rule).append("\"");
      sb.append(",\"median_ms\":").append(num(medianMs));
      sb.append(",\"read_pass_ms\":").append(num(readPassMs));
      sb.append(",\"gram_ms\":").append(num(gramMs));
      sb.append(",\"kernels\":\"").append(Kernels.get().name())
          .append(NativeCoordinateWise.available() ? " + " + NativeCoordinateWise.status() : "")
          .append('"');
      if (error != null) {
        sb.append(",\"error\":\"").append(error.replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
      }
      return sb.append('}').toString();
    }

    private static String num(double v) {
      return Double.isFinite(v) ? String.format(Locale.ROOT, "%.3f", v) : "null";
    }
  }

  /**
   * Times each named rule or pre-aggregator (all of them when {@code names} is empty) on seeded
   * random float32 inputs (n x d, N(0,1) around a common centre, the last f rows shifted far away
   * like attackers). A pre-aggregator is timed as the plan "pre-aggregator then mean". Centered
   * clipping gets a previous aggregate. Runs single-threaded in the calling thread.
   */
  public static List<BenchRecord> bench(int n, int f, int d, List<String> names, long seed) {
    return bench(n, f, d, names, seed, 1500);
  }

  /** {@link #bench} with a given minimum warm-up time per measurement (at least 3 runs). */
  public static List<BenchRecord> bench(int n, int f, int d, List<String> names, long seed,
      long warmupMillis) {
    long warm = warmupMillis * 1_000_000L;
    List<String> todo = names == null || names.isEmpty() ? allNames() : names;
    float[][] x = benchData(n, f, d, seed);
    float[][] prev = benchData(1, 0, d, seed + 1);
    Kernels k = Kernels.get();
    List<BenchRecord> out = new ArrayList<>();
    for (String name : todo) {
      AggregationPlan plan = RuleRegistry.entry(name) != null
          && RuleRegistry.entry(name).kind() == RuleRegistry.Kind.PRE_AGGREGATOR
          ? AggregationPlan.of(List.of(PreAggregatorSpec.of(name)), RuleSpec.of("mean"), f)
          : AggregationPlan.of(RuleSpec.of(name), f);
      float[][] refs = plan.referenceCount() > 0 ? prev : null;
      double read = median(5, warm, () -> k.sumAll(x, n, 0, d));
      double gram = median(5, warm, () -> {
        double[] g = new double[Kernels.packedSize(n)];
        k.gram(x, n, 0, d, g);
        return g[0];
      });
      double rule;
      String error = null;
      try {
        rule = median(5, warm, () -> plan.aggregate(x, null, refs, seed)[0]);
      } catch (RuntimeException e) {
        rule = Double.NaN;
        error = e.getMessage();
      }
      out.add(new BenchRecord(name, rule, read, gram, error));
    }
    return out;
  }

  static List<String> allNames() {
    List<String> all = new ArrayList<>(RuleRegistry.ruleNames());
    all.addAll(RuleRegistry.preAggregatorNames());
    return all;
  }

  /** Seeded benchmark inputs: honest rows N(c, 1), the last f rows at c + 10. */
  public static float[][] benchData(int n, int f, int d, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] c = new float[d];
    for (int j = 0; j < d; j++) {
      c[j] = (float) (r.nextDouble() - 0.5);
    }
    float[][] x = new float[n][d];
    for (int i = 0; i < n; i++) {
      float shift = i >= n - f ? 10f : 0f;
      SplittableRandom ri = r.split();
      for (int j = 0; j < d; j++) {
        // sum of uniforms: cheap, roughly Gaussian, variance 1
        double g = ri.nextDouble() + ri.nextDouble() + ri.nextDouble() - 1.5;
        x[i][j] = c[j] + shift + (float) (2 * g);
      }
    }
    return x;
  }

  private interface Timed {
    double run();
  }

  private static volatile double sink;

  /**
   * Median of {@code runs} timed runs after a warm-up of at least 3 runs and {@code warmNanos}
   * (at most 30 runs): the SIMD kernels only reach full speed once C2 has compiled them.
   */
  private static double median(int runs, long warmNanos, Timed t) {
    long start = System.nanoTime();
    for (int w = 0; w < 30 && (w < 3 || System.nanoTime() - start < warmNanos); w++) {
      sink += t.run();
    }
    double[] ms = new double[runs];
    for (int i = 0; i < runs; i++) {
      long t0 = System.nanoTime();
      sink += t.run();
      ms[i] = (System.nanoTime() - t0) / 1e6;
    }
    Arrays.sort(ms);
    return ms[runs / 2];
  }
}
