package io.byzflink.robust.kernel;

/**
 * Chooses, once per JVM and from measurements on real calls, between the two ways phase C sorts
 * for coordinate-wise rules: the fused register kernels (sort while gathering, register merges)
 * and the unfused path (plain gather, the pruned network over memory, about 1.6x slower when both
 * are compiled well).
 *
 * <p>Why: in some JVMs (one in two to one in ten fresh JMH forks) JDK 17's C2 compiles the large
 * generated kernels with their vector stores left as calls (the store's vector class is not a
 * constant when its intrinsic is expanded; see {@code benchmarks/README.md}); every store then
 * boxes and the fused path runs 5-10x slower for the JVM's life, recompiling does not cure it,
 * while the small unfused kernels are unaffected (measured with {@code -XX:-IncrementalInline},
 * which forces the bad compilation: fused 670 ms, unfused 72 ms for a median of 50 x 10^6).
 *
 * <p>How: the caller counts the values its fused calls sort. Once {@link #FIRST_TRIAL_VALUES}
 * have gone through, a call is a trial: the caller also runs the unfused path on the same inputs
 * and reports both times and whether the results agree. The fused path counts as slow when it
 * took more than {@link #SLOW_FACTOR} times the unfused one (badly compiled it takes 9-17 times;
 * still warming up, 2-4 times: measured in the first calls of fresh JVMs, which is also why the
 * first trial waits for 2^28 values, about five calls of 50 x 10^6 or 330 chunk windows of
 * 50 x 16,384, by when C2 has compiled both paths). A slow trial brings the next one closer
 * (after half as many values again); two slow trials in a row switch this JVM to the unfused
 * path, with one warning in the log. A trial the fused path wins schedules the next one after
 * twice as many values (a later recompilation is still caught; the cost is one unfused run per
 * doubling, negligible). Results that disagree would be a bug: logged as an error, and the
 * unfused path (the plain network) is kept.
 */
public final class FusedSortGuard {
  /** Values (rows x coordinates) the fused path sorts in this JVM before its first trial. */
  public static final long FIRST_TRIAL_VALUES = 1L << 28;
  /** A trial counts as slow when the fused path took more than this many times the unfused one. */
  public static final double SLOW_FACTOR = 2;

  private static final System.Logger LOG = System.getLogger(FusedSortGuard.class.getName());
  private static long sorted;
  private static long firstTrial = FIRST_TRIAL_VALUES;
  private static long nextTrial = FIRST_TRIAL_VALUES;
  private static int slowTrials;
  private static int trials;
  private static int disagreements;
  private static volatile boolean unfusedOnly;

  private FusedSortGuard() {}

  /** Whether phase C may use the fused kernels in this JVM. */
  public static boolean fusedAllowed() {
    return !unfusedOnly;
  }

  /** After a fused call that sorted {@code values} values: whether this call is a trial. */
  public static synchronized boolean trialDue(long values) {
    sorted += values;
    return !unfusedOnly && sorted >= nextTrial;
  }

  /**
   * One trial's outcome: the same call took {@code fusedNanos} fused and {@code unfusedNanos}
   * unfused; {@code agree} when both gave the same aggregate. Returns true when this trial
   * switched the JVM to the unfused path.
   */
  public static boolean trial(long fusedNanos, long unfusedNanos, boolean agree) {
    String message;
    synchronized (FusedSortGuard.class) {
      if (unfusedOnly) {
        return false;
      }
      trials++;
      if (!agree) {
        disagreements++;
        message = "the fused and unfused coordinate-wise sorts disagreed (a bug, please report it): "
            + "using the unfused path from now on";
      } else if (fusedNanos > SLOW_FACTOR * unfusedNanos) {
        slowTrials++;
        nextTrial = sorted + firstTrial / 2;
        if (slowTrials < 2) {
          return false;
        }
        message = String.format("coordinate-wise sort: the fused kernels took %.1f ms where the "
            + "unfused path took %.1f ms on the same call: the JIT compiled them badly in this JVM (a "
            + "known JDK 17 C2 issue, see benchmarks/README.md); using the unfused path from now on "
            + "(restarting the JVM or task manager usually gets the fused speed back)",
            fusedNanos / 1e6, unfusedNanos / 1e6);
      } else {
        slowTrials = 0;
        nextTrial = 2 * sorted;
        return false;
      }
      unfusedOnly = true;
    }
    LOG.log(agree ? System.Logger.Level.WARNING : System.Logger.Level.ERROR, message);
    return true;
  }

  /** Trials so far in this JVM (tests, diagnostics). */
  public static synchronized int trials() {
    return trials;
  }

  /** Trials whose two results differed (tests: must stay 0). */
  public static synchronized int disagreements() {
    return disagreements;
  }

  /** Starts over as in a fresh JVM, the first trial after {@code firstTrialValues} values (tests). */
  public static synchronized void reset(long firstTrialValues) {
    disagreements = 0;
    sorted = 0;
    firstTrial = firstTrialValues;
    nextTrial = firstTrialValues;
    slowTrials = 0;
    trials = 0;
    unfusedOnly = false;
  }
}
