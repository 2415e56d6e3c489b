package io.byzflink.robust.kernel;

/**
 * Notices the coordinate-wise sort kernels running in one of JDK 17's bad compilations and says
 * so in the log, once per JVM: in some JVMs (one in two to one in ten fresh JMH forks) C2
 * compiles the large generated kernels with their vector stores left as calls (the store's vector
 * class is not a constant when its intrinsic is expanded; see {@code benchmarks/README.md}), every
 * store then boxes, and the rule runs 5-10x slower for the JVM's life. Recompiling does not cure
 * it (tried: deoptimizing the kernels through uncommon-trap epochs gave the same code again), so
 * the warning tells the operator to restart that JVM (a fresh JVM compiles them afresh).
 *
 * <p>A call counts when it sorts at least {@link #MIN_VALUES} values, enough that both the sort
 * and a plain read stream from memory. The first {@link #CALIBRATIONS} such calls also time one
 * read of the same rows and keep the fastest (the first reads run before the JIT has compiled the
 * read loop); calls are judged from the third on. Two calls in a row slower than
 * {@link #SLOW_RATIO} reads raise the warning: a healthy kernel runs at 4-14 reads, a badly
 * compiled one at 30-90.
 */
public final class SlowKernelWatch {
  /** Values (rows x coordinates) a call must sort to be judged. */
  public static final long MIN_VALUES = 1L << 22;
  /** Sort time, in reads of the same values, above which a call counts as slow. */
  public static final double SLOW_RATIO = 25;
  /** Judged calls that also time a read. */
  static final int CALIBRATIONS = 5;

  private static final System.Logger LOG = System.getLogger(SlowKernelWatch.class.getName());
  private static double readNanosPerValue = Double.POSITIVE_INFINITY;
  private static int calibrations;
  private static int slowStreak;
  private static boolean warned;

  private SlowKernelWatch() {}

  /**
   * Records one sort of the rows {@code rows[sel[0..m)]} over {@code [0, len)} that took
   * {@code nanos}; returns true when this call raised the warning.
   */
  public static boolean observe(Kernels k, float[][] rows, int[] sel, int m, int len, long nanos) {
    long values = (long) m * len;
    if (values < MIN_VALUES || warned) {
      return false;
    }
    boolean calibrate;
    synchronized (SlowKernelWatch.class) {
      calibrate = calibrations < CALIBRATIONS;
      calibrations += calibrate ? 1 : 0;
    }
    double read = calibrate ? timeRead(k, rows, sel, m, len) : Double.POSITIVE_INFINITY;
    double ratio;
    synchronized (SlowKernelWatch.class) {
      readNanosPerValue = Math.min(readNanosPerValue, read);
      ratio = nanos / (readNanosPerValue * values);
      if (calibrations < 3 || warned) {
        return false;
      }
      slowStreak = ratio > SLOW_RATIO ? slowStreak + 1 : 0;
      if (slowStreak < 2) {
        return false;
      }
      warned = true;
    }
    LOG.log(System.Logger.Level.WARNING, String.format("coordinate-wise sort at %.0f reads of its "
        + "input (4-14 expected): the JIT compiled its kernels badly in this JVM (a known JDK 17 "
        + "C2 issue), so it stays about %.0fx slower; restart the JVM (or task manager)",
        ratio, ratio / 8));
    return true;
  }

  /** Nanoseconds per value of one read of the rows (the read-pass kernel). */
  private static double timeRead(Kernels k, float[][] rows, int[] sel, int m, int len) {
    float[][] picked = new float[m][];
    for (int r = 0; r < m; r++) {
      picked[r] = rows[sel[r]];
    }
    long t0 = System.nanoTime();
    double sink = k.sumAll(picked, m, 0, len);
    return (System.nanoTime() - t0 + (sink == 0.123 ? 1 : 0)) / ((double) m * len);
  }

  /** Forgets what was seen (tests). */
  static synchronized void reset() {
    readNanosPerValue = Double.POSITIVE_INFINITY;
    calibrations = 0;
    slowStreak = 0;
    warned = false;
  }
}
