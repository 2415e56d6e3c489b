package io.byzflink.robust.kernel;

/**
 * Notices the coordinate-wise sort kernels running in one of JDK 17's bad compilations (vector
 * stores left as calls, see {@code VectorKernels}: 5-10x slower for the JVM's life, in about one
 * JVM in ten) and asks the JIT to compile them afresh ({@link Kernels#requestRecompile}).
 *
 * <p>A call counts when it sorts at least {@link #MIN_VALUES} values, enough that both the sort
 * and a plain read stream from memory; the first such call also times one read of the same rows
 * (once per JVM). Two calls in a row slower than {@link #SLOW_RATIO} reads trigger a request: a
 * healthy kernel runs at 4-12 reads, a badly compiled one at 30-50. A false alarm (a machine
 * suddenly loaded) costs one recompilation, and there are at most three per JVM.
 */
public final class SlowKernelWatch {
  /** Values (rows x coordinates) a call must sort to be judged. */
  public static final long MIN_VALUES = 1L << 22;
  /** Sort time, in reads of the same values, above which a call counts as slow. */
  public static final double SLOW_RATIO = 25;

  private static final System.Logger LOG = System.getLogger(SlowKernelWatch.class.getName());
  private static volatile double readNanosPerValue = Double.NaN;
  private static int slowStreak;

  private SlowKernelWatch() {}

  /**
   * Records one sort of the rows {@code rows[sel[0..m)]} over {@code [0, len)} that took
   * {@code nanos}.
   */
  public static void observe(Kernels k, float[][] rows, int[] sel, int m, int len, long nanos) {
    long values = (long) m * len;
    if (values < MIN_VALUES) {
      return;
    }
    double perValue = readNanosPerValue;
    if (Double.isNaN(perValue)) {
      perValue = calibrate(k, rows, sel, m, len);
    }
    boolean request;
    synchronized (SlowKernelWatch.class) {
      slowStreak = isSlow(nanos, perValue, values) ? slowStreak + 1 : 0;
      request = slowStreak >= 2;
      if (request) {
        slowStreak = 0;
      }
    }
    if (request && k.requestRecompile()) {
      LOG.log(System.Logger.Level.WARNING, String.format("coordinate-wise sort at %.0f reads of its "
          + "input (expected 4-12): the JIT compiled its kernels badly; asked for a recompile",
          nanos / (perValue * values)));
    }
  }

  /** True when {@code nanos} for {@code values} values is above {@link #SLOW_RATIO} reads. */
  static boolean isSlow(double nanos, double readNanosPerValue, long values) {
    return nanos > SLOW_RATIO * readNanosPerValue * values;
  }

  private static double calibrate(Kernels k, float[][] rows, int[] sel, int m, int len) {
    float[][] picked = new float[m][];
    for (int r = 0; r < m; r++) {
      picked[r] = rows[sel[r]];
    }
    long t0 = System.nanoTime();
    double sink = k.sumAll(picked, m, 0, len);
    double perValue = (System.nanoTime() - t0 + (sink == 0.123 ? 1 : 0)) / ((double) m * len);
    readNanosPerValue = perValue;
    return perValue;
  }
}
