package io.byzflink.robust.core;

/** Phase B of an aggregation rule. Implementations are immutable and thread-safe. */
public interface RuleImpl {
  /** Registry name. */
  String name();

  /** Whether phase B needs the Gram matrix (else phase A only checks finiteness). */
  boolean needsGram();

  /**
   * Which Gram entries phase B reads (default: the full Gram when {@link #needsGram()}, else none).
   * Rules that only need norms or distances to one vector declare less, so phase A is cheaper.
   */
  default GramNeed gramNeed() {
    return needsGram() ? GramNeed.FULL : GramNeed.NONE;
  }

  /** Number of reference vectors the rule reads (centered clipping with init=previous: 1). */
  default int referenceCount() {
    return 0;
  }

  /** DnC: number of sampled-coordinate Grams phase A must compute (0 for other rules). */
  default int sampledIterations() {
    return 0;
  }

  /** DnC: number of coordinates sampled per iteration. */
  default int sampledDim() {
    return 0;
  }

  /**
   * Whether the outcome is always a plain coordinate-wise rule over all finite inputs (median,
   * trimmed mean, meamed): such rules may skip phase A's finiteness scan
   * ({@code AggregationPlan#aggregateOnePass}).
   */
  default boolean coordinateWiseOverInputs() {
    return false;
  }

  /** Whether the result depends on the round seed. */
  default boolean usesSeed() {
    return sampledIterations() > 0;
  }

  /** Throws IllegalArgumentException with one clear message when m rows and f do not fit. */
  void checkPreconditions(int m, int f);

  /** Solves for the outcome over the m rows of the view. */
  Outcome solve(GramView g, RuleContext ctx);
}
