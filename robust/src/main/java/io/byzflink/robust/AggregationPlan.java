package io.byzflink.robust;

import io.byzflink.robust.core.Checks;
import io.byzflink.robust.core.GramNeed;
import io.byzflink.robust.core.GramView;
import io.byzflink.robust.core.Networks;
import io.byzflink.robust.core.Outcome;
import io.byzflink.robust.core.PreImpl;
import io.byzflink.robust.core.RuleContext;
import io.byzflink.robust.core.RuleImpl;
import io.byzflink.robust.kernel.FusedSortGuard;
import io.byzflink.robust.kernel.Kernels;
import io.byzflink.robust.kernel.NativeCoordinateWise;
import io.byzflink.robust.rules.Dnc;
import io.byzflink.robust.rules.Monna;
import java.io.ObjectStreamException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A robust aggregation, split in three phases so that a model arriving as chunks can be
 * aggregated in parallel (ARCHITECTURE.md section 5):
 * <ol>
 *   <li><b>Phase A</b>, per chunk, in parallel: {@link #partial} computes a {@link GramPartial}
 *       (the chunk's part of the Gram matrix of the inputs and references, or only a finiteness
 *       scan for coordinate-wise plans, plus DnC's sampled Grams); partials {@link
 *       GramPartial#merge merge} by summation.
 *   <li><b>Phase B</b>, once per round: {@link #solve} turns the summed partial into a
 *       {@link Solution} (coefficients or a mixing matrix plus a coordinate-wise rule). It checks
 *       the preconditions and throws IllegalArgumentException with one clear message.
 *   <li><b>Phase C</b>, per chunk, in parallel: {@link #combine} forms the output chunk from the
 *       chunk's rows and the Solution.
 * </ol>
 * {@link #aggregate} runs the three phases on whole vectors (one chunk).
 *
 * <p><b>Inputs.</b> {@code rows[i]} holds the chunk's coordinates of input i (n rows, all the same
 * length, the same input order in every phase and chunk); {@code refChunks} the same coordinates
 * of the {@link #referenceCount()} reference vectors (centered clipping's previous aggregate) or
 * null when there is none yet (then centered clipping starts from 0). Weights (sample counts) are
 * used by the weighted mean only; the robust rules ignore them.
 *
 * <p><b>Non-finite inputs.</b> An input with a NaN or infinite coordinate in any chunk is rejected
 * as a whole (reported by {@link Solution#rejected()}, never read in phase C) and the rule runs
 * on the remaining n' inputs with the same f (conservative: a non-finite vector may come from an
 * honest but diverged worker). If n' violates the rule's precondition, or a reference vector is
 * non-finite, phase B fails with an IllegalArgumentException. Finite inputs always give a finite
 * aggregate (Gram and combinations are accumulated in double).
 *
 * <p>Plans are immutable, thread-safe and serializable.
 */
public final class AggregationPlan implements Serializable {
  private static final long serialVersionUID = 1L;
  /** Coordinates per block in the coordinate-wise phase C (50 x 256 keys = 50 KB, in L1/L2). */
  static final int CW_BLOCK = 256;
  /** Target size of the keys of one gathered chunk of blocks (fits the 1 MB L2 with room). */
  static final int CW_CHUNK_BYTES = 512 * 1024;
  /** At most this many blocks per gathered chunk (few rows: 16 x 1 KB runs per row suffice). */
  static final int CW_MAX_SUBS = 16;
  /**
   * Fewest rows for the register-blocked sort in phase C. For a handful of rows the plain network
   * is short and padding to 32 rows would dominate (a judgement, not measured).
   */
  static final int CW_BLOCKED_MIN_ROWS = 12;

  private final List<PreAggregatorSpec> preSpecs;
  private final RuleSpec ruleSpec;
  private final int f;
  private final transient PreImpl[] pre;
  private final transient RuleImpl rule;
  private final transient boolean needsGram;
  private final transient GramNeed gramNeed;
  private transient volatile SampleCache sampleCache;

  private AggregationPlan(List<PreAggregatorSpec> preSpecs, RuleSpec ruleSpec, int f) {
    this.preSpecs = List.copyOf(preSpecs);
    this.ruleSpec = ruleSpec;
    this.f = f;
    this.pre = new PreImpl[preSpecs.size()];
    boolean gram = false;
    boolean rowsKept = true;
    for (int i = 0; i < pre.length; i++) {
      pre[i] = RuleRegistry.createPre(preSpecs.get(i));
      gram |= pre[i].needsGram();
      rowsKept &= pre[i].preservesRows();
    }
    this.rule = RuleRegistry.createRule(ruleSpec);
    GramNeed need = rule.gramNeed();
    for (int i = pre.length - 1; i >= 0; i--) {
      need = pre[i].gramNeed(need);
    }
    this.gramNeed = need;
    this.needsGram = need.any();
    if (rule instanceof Monna && !rowsKept) {
      throw new IllegalArgumentException("monna's pivot is an input index: it cannot follow a "
          + "pre-aggregator that does not keep one row per input (bucketing)");
    }
  }

  /**
   * The plan applying the pre-aggregators in order, then the rule, tolerating f Byzantine inputs.
   *
   * @throws IllegalArgumentException if f &lt; 0 or a spec is invalid
   */
  public static AggregationPlan of(List<PreAggregatorSpec> pre, RuleSpec rule, int f) {
    if (f < 0) {
      throw new IllegalArgumentException("f must be >= 0, got " + f);
    }
    return new AggregationPlan(pre == null ? List.of() : pre, rule, f);
  }

  /** Plan without pre-aggregators. */
  public static AggregationPlan of(RuleSpec rule, int f) {
    return of(List.of(), rule, f);
  }

  private Object readResolve() throws ObjectStreamException {
    return new AggregationPlan(preSpecs, ruleSpec, f);
  }

  public List<PreAggregatorSpec> preAggregators() {
    return preSpecs;
  }

  public RuleSpec rule() {
    return ruleSpec;
  }

  public int f() {
    return f;
  }

  /**
   * Whether phase A computes (part of) a Gram matrix; otherwise phase A only scans the chunk for
   * non-finite values (one read) and DnC's sampled coordinates. See {@link #gramShape()}.
   */
  public boolean needsGram() {
    return needsGram;
  }

  /**
   * What phase A computes: "none", "full" (cost of about n/2 read passes: one X X^T), or
   * "diagonal[+rows..][+references]" (about one read pass per listed row), e.g. centered clipping
   * with L = 1 needs only the norms and the cross terms with the previous aggregate.
   */
  public String gramShape() {
    return gramNeed.toString();
  }

  /** Number of reference vectors phase A and C take (1 for centered clipping with init=previous). */
  public int referenceCount() {
    return rule.referenceCount();
  }

  /** Whether the result depends on the round seed (bucketing, DnC). */
  public boolean usesSeed() {
    if (rule.usesSeed()) {
      return true;
    }
    for (PreImpl p : pre) {
      if (p.usesSeed()) {
        return true;
      }
    }
    return false;
  }

  /** E.g. {@code "nnm -> krum (f=2)"}. */
  public String describe() {
    StringBuilder sb = new StringBuilder();
    for (PreAggregatorSpec p : preSpecs) {
      sb.append(p).append(" -> ");
    }
    return sb.append(ruleSpec).append(" (f=").append(f).append(')').toString();
  }

  @Override
  public String toString() {
    return "AggregationPlan[" + describe() + "]";
  }

  // ------------------------------------------------------------------------------------ phase A

  /** Phase A with seed 0 (the seed only matters for DnC). */
  public GramPartial partial(float[][] rows, long offset, long totalDim, float[][] refChunks) {
    return partial(rows, offset, totalDim, refChunks, 0L);
  }

  /**
   * Phase A for one chunk: the coordinates {@code [offset, offset + len)} of the inputs, len being
   * the rows' common length.
   *
   * @param rows n rows, one per input, same length
   * @param offset the chunk's first coordinate in the whole vector
   * @param totalDim the whole vector's dimension d
   * @param refChunks the reference vectors' same coordinates, or null when there are none
   * @param seed the round seed (DnC samples its coordinates from it)
   */
  public GramPartial partial(float[][] rows, long offset, long totalDim, float[][] refChunks,
      long seed) {
    return partial(rows, offset, totalDim, refChunks, seed, true);
  }

  /**
   * Phase A for rows the caller has already found finite, e.g. update chunks validated on arrival
   * (the job's {@code ValidateUpdates} rejects any chunk with a NaN or infinite value): the same
   * partial as {@link #partial(float[][], long, long, float[][], long)} when that holds, without
   * the rows' finiteness scan that phase A is for the coordinate-wise rules (a read of the whole
   * chunk, bound by memory bandwidth, which does not grow with subtasks sharing a machine).
   * Reference chunks are still scanned. A non-finite value in a row despite the promise is then
   * not rejected but sorted like any value by the coordinate-wise rules (NaN and infinities sort
   * to the ends, so it reaches the aggregate only where it outnumbers what the rule trims).
   */
  public GramPartial partialOfFiniteRows(float[][] rows, long offset, long totalDim,
      float[][] refChunks, long seed) {
    return partial(rows, offset, totalDim, refChunks, seed, false);
  }

  private GramPartial partial(float[][] rows, long offset, long totalDim, float[][] refChunks,
      long seed, boolean scanRows) {
    int len = checkRows(rows, refChunks);
    if (offset < 0 || totalDim < 0 || offset + len > totalDim) {
      throw new IllegalArgumentException("chunk [" + offset + ", " + (offset + len)
          + ") lies outside the vector of dimension " + totalDim);
    }
    int n = rows.length;
    int r = refChunks == null ? 0 : refChunks.length;
    int iters = rule.sampledIterations();
    GramPartial p = new GramPartial(n, r, totalDim, needsGram, iters, seed);
    p.addCoordinates(len);
    Kernels k = Kernels.get();
    if (gramNeed.full()) {
      k.gram(concat(rows, refChunks), n + r, 0, len, p.gramPacked());
    } else if (needsGram) {
      k.gramRows(concat(rows, refChunks), n + r, gramNeed.rowsFor(n, r), 0, len, p.gramPacked());
    } else {
      double[] nf = p.nonFiniteCounts();
      if (scanRows) {
        for (int i = 0; i < n; i++) {
          nf[i] = k.anyNonFinite(rows[i], 0, len) ? 1 : 0;
        }
      }
      for (int j = 0; j < r; j++) {
        nf[n + j] = k.anyNonFinite(refChunks[j], 0, len) ? 1 : 0;
      }
    }
    for (int t = 0; t < iters; t++) {
      int[] sample = sample(seed, t, totalDim);
      int lo = lowerBound(sample, offset);
      int hi = lowerBound(sample, offset + len);
      // Gather the sampled coordinates densely (one pass), then the blocked Gram kernel.
      float[][] sub = new float[n][hi - lo];
      for (int i = 0; i < n; i++) {
        float[] x = rows[i];
        float[] y = sub[i];
        for (int q = lo; q < hi; q++) {
          y[q - lo] = x[(int) (sample[q] - offset)];
        }
      }
      double[] tmp = new double[Kernels.packedSize(n)];
      k.gram(sub, n, 0, hi - lo, tmp);
      System.arraycopy(tmp, 0, p.sampledPacked(), p.sampledOffset(t), tmp.length);
    }
    return p;
  }

  private int[] sample(long seed, int t, long totalDim) {
    SampleCache c = sampleCache;
    if (c != null && c.seed == seed && c.iteration == t && c.totalDim == totalDim) {
      return c.sample;
    }
    int[] s = Dnc.sample(seed, t, totalDim, rule.sampledDim());
    sampleCache = new SampleCache(seed, t, totalDim, s);
    return s;
  }

  private static final class SampleCache {
    final long seed;
    final int iteration;
    final long totalDim;
    final int[] sample;

    SampleCache(long seed, int iteration, long totalDim, int[] sample) {
      this.seed = seed;
      this.iteration = iteration;
      this.totalDim = totalDim;
      this.sample = sample;
    }
  }

  private static int lowerBound(int[] a, long key) {
    int lo = 0;
    int hi = a.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (a[mid] < key) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  private int checkRows(float[][] rows, float[][] refs) {
    if (rows == null || rows.length == 0) {
      throw new IllegalArgumentException("no input rows");
    }
    int len = -1;
    for (int i = 0; i < rows.length; i++) {
      if (rows[i] == null) {
        throw new IllegalArgumentException("input row " + i + " is null");
      }
      if (len < 0) {
        len = rows[i].length;
      } else if (rows[i].length != len) {
        throw new IllegalArgumentException("input rows differ in length: row 0 has " + len
            + " coordinates, row " + i + " has " + rows[i].length);
      }
    }
    if (refs != null) {
      if (refs.length > referenceCount()) {
        throw new IllegalArgumentException(describe() + " takes " + referenceCount()
            + " reference vector(s), got " + refs.length);
      }
      for (int j = 0; j < refs.length; j++) {
        if (refs[j] == null || refs[j].length != len) {
          throw new IllegalArgumentException("reference chunk " + j + " must have " + len + " coordinates");
        }
      }
    }
    return len;
  }

  private static float[][] concat(float[][] rows, float[][] refs) {
    if (refs == null || refs.length == 0) {
      return rows;
    }
    float[][] all = Arrays.copyOf(rows, rows.length + refs.length);
    System.arraycopy(refs, 0, all, rows.length, refs.length);
    return all;
  }

  // ------------------------------------------------------------------------------------ phase B

  /**
   * Checks, before any data flows, that {@code n} inputs satisfy the preconditions of every
   * pre-aggregator (in order, with the number of vectors each one passes on) and of the rule, so a
   * job fails at configuration time instead of at its first round.
   *
   * @throws IllegalArgumentException naming the step whose precondition fails
   */
  public void checkInputs(int n) {
    Checks.atLeastOne(describe(), n);
    int m = n;
    for (int s = 0; s < pre.length; s++) {
      try {
        pre[s].checkPreconditions(m, f);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(e.getMessage() + context(n, 0, s), e);
      }
      m = pre[s].outputRows(m);
    }
    try {
      rule.checkPreconditions(m, f);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(e.getMessage() + context(n, 0, pre.length), e);
    }
    if (rule instanceof Monna monna && monna.pivot() >= n) {
      throw new IllegalArgumentException("monna needs pivot < n, got pivot=" + monna.pivot() + " n=" + n);
    }
  }

  /** Phase B with seed 0. */
  public Solution solve(GramPartial summed, double[] weights) {
    return solve(summed, weights, 0L);
  }

  /**
   * Phase B: solves the round from the merged partials of all its chunks.
   *
   * @param summed the merge of every chunk's partial
   * @param weights per-input weights (sample counts, finite and >= 0), or null for all 1
   * @param seed the round seed (bucketing's permutation, DnC's sampling: must be phase A's)
   * @throws IllegalArgumentException for violated preconditions, bad weights, non-finite references
   * @throws IllegalStateException when the partials do not cover the vector exactly once
   */
  public Solution solve(GramPartial summed, double[] weights, long seed) {
    int n = summed.inputs();
    int r = summed.references();
    if (summed.coordinates() != summed.totalDim()) {
      throw new IllegalStateException("the merged partials cover " + summed.coordinates()
          + " coordinates of a vector of dimension " + summed.totalDim()
          + ": a chunk is missing or was counted twice");
    }
    if (summed.hasGram() != needsGram || summed.sampledIterations() != rule.sampledIterations()) {
      throw new IllegalArgumentException("partial was not computed by this plan (" + describe() + ")");
    }
    if (rule.sampledIterations() > 0 && summed.seed() != seed) {
      throw new IllegalArgumentException("phase A used seed " + summed.seed() + " but phase B got " + seed);
    }
    if (weights != null && weights.length != n) {
      throw new IllegalArgumentException("expected " + n + " weights, got " + weights.length);
    }
    int k = n + r;
    double[] full = null;
    if (needsGram) {
      full = new double[k * k];
      double[] packed = summed.gramPacked();
      for (int i = 0; i < k; i++) {
        for (int j = i; j < k; j++) {
          // Entries phase A did not compute are NaN: reading one would show, not mislead.
          double v = gramNeed.has(i, j, n, r) ? packed[Kernels.packedIndex(i, j, k)] : Double.NaN;
          full[i * k + j] = v;
          full[j * k + i] = v;
        }
      }
    }
    double[] nf = summed.nonFiniteCounts();
    boolean[] rejected = new boolean[n];
    List<Integer> acc = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      rejected[i] = nf[i] > 0 || (full != null && !Double.isFinite(full[i * k + i]));
      if (!rejected[i]) {
        acc.add(i);
      }
    }
    for (int j = 0; j < r; j++) {
      if (nf[n + j] > 0 || (full != null && !Double.isFinite(full[(n + j) * k + n + j]))) {
        throw new IllegalArgumentException("reference vector " + j + " has NaN or infinite values");
      }
    }
    int[] accepted = acc.stream().mapToInt(Integer::intValue).toArray();
    int m0 = accepted.length;
    if (m0 == 0) {
      throw new IllegalArgumentException("all " + n + " inputs hold NaN or infinite values");
    }
    double[] w = new double[m0];
    for (int a = 0; a < m0; a++) {
      double x = weights == null ? 1.0 : weights[accepted[a]];
      if (!(x >= 0) || Double.isInfinite(x)) {
        throw new IllegalArgumentException("weight of input " + accepted[a] + " must be finite and >= 0, got " + x);
      }
      w[a] = x;
    }
    // Gram view over the accepted inputs and the references.
    GramView view;
    if (full != null) {
      int k0 = m0 + r;
      double[] g = new double[k0 * k0];
      int[] idx = new int[k0];
      System.arraycopy(accepted, 0, idx, 0, m0);
      for (int j = 0; j < r; j++) {
        idx[m0 + j] = n + j;
      }
      for (int a = 0; a < k0; a++) {
        for (int b = 0; b < k0; b++) {
          g[a * k0 + b] = full[idx[a] * k + idx[b]];
        }
      }
      view = new GramView(m0, r, g);
    } else {
      view = new GramView(m0, r, null);
    }
    // Pre-aggregator chain: M (m x m0) maps accepted inputs to the current rows.
    double[] mix = identity(m0);
    int m = m0;
    boolean rowsKept = true;
    for (int s = 0; s < pre.length; s++) {
      PreImpl p = pre[s];
      try {
        p.checkPreconditions(m, f);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(e.getMessage() + context(n, n - m0, s), e);
      }
      int m2 = p.outputRows(m);
      double[] a = p.mixing(view, f, seed, s);
      w = p.weights(w, view, f, seed, s);
      view = view.transform(a, m2);
      mix = multiply(a, m2, m, mix, m0);
      m = m2;
      rowsKept &= p.preservesRows();
    }
    try {
      rule.checkPreconditions(m, f);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(e.getMessage() + context(n, n - m0, pre.length), e);
    }
    int pivotRow = -1;
    if (rule instanceof Monna) {
      int pivot = ((Monna) rule).pivot();
      if (pivot >= n) {
        throw new IllegalArgumentException("monna needs pivot < n, got pivot=" + pivot + " n=" + n);
      }
      if (rejected[pivot]) {
        throw new IllegalArgumentException("monna's pivot input " + pivot + " holds NaN or infinite values");
      }
      pivotRow = Arrays.binarySearch(accepted, pivot);
    }
    double[][] sampledGrams = null;
    if (rule.sampledIterations() > 0) {
      sampledGrams = new double[rule.sampledIterations()][];
      double[] sp = summed.sampledPacked();
      for (int t = 0; t < sampledGrams.length; t++) {
        int off = summed.sampledOffset(t);
        double[] g0 = new double[m0 * m0];
        for (int a = 0; a < m0; a++) {
          for (int b = a; b < m0; b++) {
            double v = sp[off + Kernels.packedIndex(accepted[a], accepted[b], n)];
            g0[a * m0 + b] = v;
            g0[b * m0 + a] = v;
          }
        }
        sampledGrams[t] = GramView.transformInputs(g0, m0, mix, m);
      }
    }
    RuleContext ctx = new RuleContext(f, w, seed, pivotRow, sampledGrams, r > 0);
    Outcome o = rule.solve(view, ctx);
    return toSolution(o, n, r, m, m0, accepted, mix, rejected, rowsKept);
  }

  /** Explains what "n" means in a precondition error when it is not simply the input count. */
  private String context(int n, int rejected, int stage) {
    if (rejected == 0 && stage == 0) {
      return "";
    }
    StringBuilder sb = new StringBuilder(" (n counts the vectors reaching this step: ").append(n)
        .append(" inputs");
    if (rejected > 0) {
      sb.append(", ").append(rejected).append(" rejected as NaN/infinite");
    }
    if (stage > 0) {
      sb.append(", after ");
      for (int i = 0; i < stage; i++) {
        sb.append(i > 0 ? " -> " : "").append(preSpecs.get(i));
      }
    }
    return sb.append(")").toString();
  }

  private Solution toSolution(Outcome o, int n, int r, int m, int m0, int[] accepted, double[] mix,
      boolean[] rejected, boolean rowsKept) {
    String desc = describe();
    int[] selected = o.selected == null ? null : o.selected.clone();
    boolean selectedAreInputs = rowsKept;
    if (selected != null && rowsKept) {
      for (int q = 0; q < selected.length; q++) {
        selected[q] = accepted[selected[q]];
      }
    }
    if (o.coef != null) {
      double[] c = new double[n];
      for (int a = 0; a < m0; a++) {
        double s = 0;
        for (int row = 0; row < m; row++) {
          double cr = o.coef[row];
          if (cr != 0.0) {
            s += cr * mix[row * m0 + a];
          }
        }
        c[accepted[a]] = s;
      }
      double[] refc = new double[r];
      for (int j = 0; j < r; j++) {
        refc[j] = o.coef[m + j];
      }
      double total = 0;
      for (double x : c) {
        total += Math.abs(x);
      }
      for (double x : refc) {
        total += Math.abs(x);
      }
      double[] share = new double[n];
      if (total > 0) {
        for (int i = 0; i < n; i++) {
          share[i] = Math.abs(c[i]) / total;
        }
      }
      return new Solution(desc, n, r, Solution.Form.LINEAR, c, refc, 0, null, null, null, 0,
          rejected, selected, selectedAreInputs, share);
    }
    int[] rowsUsed = o.cwRows != null ? o.cwRows : Checks.range(m);
    int mr = rowsUsed.length;
    // Rows entering the coordinate-wise step as mixtures of the n inputs.
    double[] mixN = new double[mr * n];
    boolean pureSelection = true;
    int[] rowInputs = new int[mr];
    for (int q = 0; q < mr; q++) {
      int row = rowsUsed[q];
      int nonZero = 0;
      int which = -1;
      for (int a = 0; a < m0; a++) {
        double v = mix[row * m0 + a];
        mixN[q * n + accepted[a]] = v;
        if (v != 0.0) {
          nonZero++;
          which = a;
          if (v != 1.0) {
            pureSelection = false;
          }
        }
      }
      if (nonZero != 1) {
        pureSelection = false;
      } else {
        rowInputs[q] = accepted[which];
      }
    }
    double[] share = new double[n];
    for (int q = 0; q < mr; q++) {
      double rowTotal = 0;
      for (int i = 0; i < n; i++) {
        rowTotal += Math.abs(mixN[q * n + i]);
      }
      if (rowTotal > 0) {
        for (int i = 0; i < n; i++) {
          share[i] += Math.abs(mixN[q * n + i]) / rowTotal / mr;
        }
      }
    }
    return new Solution(desc, n, r, Solution.Form.COORDINATE_WISE, null, null, mr,
        pureSelection ? rowInputs : null, pureSelection ? null : mixN, o.cw, o.cwParam, rejected,
        selected, selectedAreInputs, share);
  }

  private static double[] identity(int m) {
    double[] a = new double[m * m];
    for (int i = 0; i < m; i++) {
      a[i * m + i] = 1.0;
    }
    return a;
  }

  /** (m2 x m) times (m x c). */
  private static double[] multiply(double[] a, int m2, int m, double[] b, int c) {
    double[] out = new double[m2 * c];
    for (int i = 0; i < m2; i++) {
      for (int q = 0; q < m; q++) {
        double x = a[i * m + q];
        if (x != 0.0) {
          for (int j = 0; j < c; j++) {
            out[i * c + j] += x * b[q * c + j];
          }
        }
      }
    }
    return out;
  }

  // ------------------------------------------------------------------------------------ phase C

  /** Phase C for one chunk: writes the aggregate's coordinates into {@code out} (rows' length). */
  public void combine(Solution s, float[][] rows, float[][] refChunks, float[] out) {
    combine(s, rows, refChunks, out, null);
  }

  /**
   * Phase C, also adding to {@code attribution[i]} (length n) the part of this chunk's output that
   * came from input i, summed over the chunk's coordinates: dividing the total over all chunks by d
   * gives the input's exact share of the aggregate. For a linear Solution this is
   * {@code len * weightShare[i]}; for a coordinate-wise one, per coordinate, every value the rule
   * averages counts 1/k (k values averaged), shared equally among the rows holding that value
   * (ties), and a mixed row's part is spread over inputs by {@code |M_ri| / sum_i |M_ri|}. The
   * attribution pass costs an extra scalar pass over the chunk.
   */
  public void combine(Solution s, float[][] rows, float[][] refChunks, float[] out,
      double[] attribution) {
    if (rows == null || rows.length != s.inputs()) {
      throw new IllegalArgumentException("the solution is for " + s.inputs() + " inputs, got "
          + (rows == null ? 0 : rows.length) + " rows");
    }
    int len = out.length;
    for (int i = 0; i < rows.length; i++) {
      if (rows[i] == null || rows[i].length != len) {
        throw new IllegalArgumentException("row " + i + " must have " + len + " coordinates (the output's length)");
      }
    }
    if (attribution != null && attribution.length != s.inputs()) {
      throw new IllegalArgumentException("attribution must have length " + s.inputs());
    }
    Kernels k = Kernels.get();
    if (s.form() == Solution.Form.LINEAR) {
      double[] refc = s.referenceCoefficients();
      boolean refsUsed = false;
      for (double a : refc) {
        refsUsed |= a != 0.0;
      }
      if (refsUsed && (refChunks == null || refChunks.length < refc.length)) {
        throw new IllegalArgumentException("the solution uses " + refc.length
            + " reference vector(s): pass their chunks");
      }
      float[][] all = refsUsed ? concat(rows, Arrays.copyOf(refChunks, refc.length)) : rows;
      double[] coef = refsUsed ? concatD(s.coefficients(), refc) : s.coefficients();
      k.combine(all, coef, all.length, 0, len, out, 0);
      if (attribution != null) {
        double[] share = s.weightShare();
        for (int i = 0; i < share.length; i++) {
          attribution[i] += share[i] * len;
        }
      }
      return;
    }
    combineCoordinateWise(s, rows, out, attribution, false);
  }

  /**
   * Coordinate-wise phase C: on the native kernel when it can take the call ({@link
   * NativeCoordinateWise}: same results bit for bit), else on the Java kernels. With {@code
   * checkFinite}, also checks that every value it reads is finite (on the way, in either) and
   * returns false when one is not, leaving {@code out} incomplete.
   */
  private boolean combineCoordinateWise(Solution s, float[][] rows, float[] out,
      double[] attribution, boolean checkFinite) {
    if (attribution == null && s.mixing() == null) {
      int done = NativeCoordinateWise.aggregate(rows, s.rowInputs(), s.rows(), 0, out.length,
          nativeRule(s.coordinateRule()), s.coordinateParam(), out, 0);
      if (done == 1 || (done == 0 && checkFinite)) {
        return done == 1;
      }
    }
    boolean fusable = attribution == null && s.mixing() == null && s.rows() >= CW_BLOCKED_MIN_ROWS;
    if (!fusable || !FusedSortGuard.fusedAllowed()) {
      return combineCoordinateWise(s, rows, out, attribution, checkFinite, false);
    }
    long t0 = System.nanoTime();
    boolean done = combineCoordinateWise(s, rows, out, null, checkFinite, true);
    long fusedNanos = System.nanoTime() - t0;
    if (done && FusedSortGuard.trialDue((long) s.rows() * out.length)) {
      // A trial (see FusedSortGuard): the same call the unfused way, timed and compared. The
      // fused run has already found every value finite, so the unfused one does not scan again.
      float[] unfused = new float[out.length];
      long t1 = System.nanoTime();
      combineCoordinateWise(s, rows, unfused, null, false, false);
      FusedSortGuard.trial(fusedNanos, System.nanoTime() - t1, Arrays.equals(out, unfused));
    }
    return done;
  }

  private static int nativeRule(CoordinateRule rule) {
    switch (rule) {
      case MEDIAN:
        return NativeCoordinateWise.MEDIAN;
      case TRIMMED_MEAN:
        return NativeCoordinateWise.TRIMMED_MEAN;
      default:
        return NativeCoordinateWise.CLOSEST_TO_MEDIAN_MEAN;
    }
  }

  /** Phase C for coordinate-wise rules, with the fused register kernels when {@code fusedAllowed}. */
  private boolean combineCoordinateWise(Solution s, float[][] rows, float[] out,
      double[] attribution, boolean checkFinite, boolean fusedAllowed) {
    Kernels k = Kernels.get();
    int len = out.length;
    int m = s.rows();
    boolean[] nonFinite = checkFinite ? new boolean[1] : null;
    int stride = CW_BLOCK;
    // Selected rows are copied a chunk of several blocks at a time, each row in one long run
    // (see Kernels#gatherKeysBlocked); the chunk's keys (about CW_CHUNK_BYTES) stay in L2 while
    // the network runs block by block on L1-sized pieces.
    Networks.Network net = network(s.coordinateRule(), m, s.coordinateParam());
    int rowsP = net.paddedRows;
    int subs = Math.max(1, Math.min(CW_MAX_SUBS, CW_CHUNK_BYTES / (4 * stride * rowsP)));
    int[][] bufs = new int[subs][rowsP * stride];
    int[] raw = attribution == null ? null : new int[m * stride];
    int chunk = subs * stride;
    boolean fused = false;
    boolean padsInPlace = false;
    for (int b0 = 0; b0 < len; b0 += stride) {
      int bl = Math.min(stride, len - b0);
      int j = (b0 % chunk) / stride;
      int[] scratch = bufs[j];
      if (s.mixing() != null) {
        k.gatherKeys(rows, s.rowInputs(), s.mixing(), s.inputs(), m, b0, bl, scratch, stride);
      } else if (j == 0) {
        int cl = Math.min(chunk, len - b0);
        fused = fusedAllowed
            && k.gatherSortBlocks16(rows, s.rowInputs(), m, b0, cl, bufs, stride, rowsP, nonFinite, padsInPlace);
        padsInPlace = fused; // a fused chunk leaves the padding in place for the next one
        if (!fused) {
          k.gatherKeysBlocked(rows, s.rowInputs(), m, b0, cl, bufs, stride);
          if (checkFinite) {
            nonFinite[0] = anyNonFinite(k, rows, s.rowInputs(), m, b0, cl);
          }
        }
        if (checkFinite && nonFinite[0]) {
          return false;
        }
      }
      if (raw != null) {
        System.arraycopy(scratch, 0, raw, 0, m * stride);
      }
      if (fused) {
        // Register-blocked sort: blocks of 16 sorted while gathering, merged into sorted blocks
        // of 32 (and 64), then only the pruned network's late phases pass over memory.
        if (!k.mergeBlocks32(scratch, stride, bl, rowsP / 32)
            || (net.sort64 && !mergeBlocks64(k, net, scratch, stride, bl))) {
          throw new IllegalStateException("blocked kernels refused a block they accepted before");
        }
        k.network(scratch, stride, bl, net.restLoBlocked, net.restHiBlocked);
      } else {
        k.network(scratch, stride, bl, net.lo, net.hi);
      }
      switch (s.coordinateRule()) {
        case MEDIAN:
          k.sortedMedian(scratch, stride, m, bl, out, b0);
          break;
        case TRIMMED_MEAN:
          k.sortedRangeMean(scratch, stride, bl, s.coordinateParam(), m - 2 * s.coordinateParam(), out, b0);
          break;
        default:
          k.sortedClosestToMedianMean(scratch, stride, m, bl, s.coordinateParam(), out, b0);
      }
      if (raw != null) {
        Attribution.add(s, raw, scratch, stride, bl, attribution);
      }
    }
    return true;
  }

  private static boolean anyNonFinite(Kernels k, float[][] rows, int[] sel, int m, int from,
      int len) {
    for (int r = 0; r < m; r++) {
      if (k.anyNonFinite(rows[sel[r]], from, len)) {
        return true;
      }
    }
    return false;
  }

  private static boolean mergeBlocks64(Kernels k, Networks.Network net, int[] s, int stride,
      int len) {
    k.network(s, stride, len, net.merge64Lo, net.merge64Hi);
    return k.cleanBlocks16(s, stride, len, net.paddedRows / 16);
  }

  static Networks.Network network(CoordinateRule rule, int m, int param) {
    switch (rule) {
      case MEDIAN:
        return Networks.median(m);
      case TRIMMED_MEAN:
        return Networks.trimmed(m, param);
      default:
        return Networks.closestToMedian(m, param);
    }
  }

  private static double[] concatD(double[] a, double[] b) {
    double[] c = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }

  // ------------------------------------------------------------------------------- whole vectors

  /** The three phases on whole vectors: the aggregate of {@code vectors} (n x d). */
  public float[] aggregate(float[][] vectors, double[] weights, float[][] refs, long seed) {
    return aggregateDetailed(vectors, weights, refs, seed).vector();
  }

  /** The aggregate and the round's Solution. */
  public record Result(float[] vector, Solution solution) {}

  /** Like {@link #aggregate} but also returns the Solution. */
  public Result aggregateDetailed(float[][] vectors, double[] weights, float[][] refs, long seed) {
    int d = checkRows(vectors, refs);
    Result onePass = refs == null || refs.length == 0 ? aggregateOnePass(vectors, weights, seed) : null;
    if (onePass != null) {
      return onePass;
    }
    GramPartial p = partial(vectors, 0, d, refs, seed);
    Solution s = solve(p, weights, seed);
    float[] out = new float[d];
    combine(s, vectors, refs, out);
    return new Result(out, s);
  }

  /**
   * The one-pass path of plain coordinate-wise rules (no Gram, no reference, no pre-aggregator,
   * whole vectors or one chunk-local window): phase B solved as if every input were finite, phase
   * C checking that they are on the way. Phase A would only have scanned for non-finite values, a
   * whole read of the inputs; here that check rides on the sort. Returns null (the caller then
   * runs the three phases) when the plan does not qualify, when that solve refuses, or when a
   * non-finite value shows up, so a result is always exactly the three phases' one.
   */
  public Result aggregateOnePass(float[][] vectors, double[] weights, long seed) {
    if (!rule.coordinateWiseOverInputs() || pre.length > 0) {
      return null;
    }
    int d = checkRows(vectors, null);
    GramPartial finite = new GramPartial(vectors.length, 0, d, false, 0, seed);
    finite.addCoordinates(d);
    Solution s;
    try {
      s = solve(finite, weights, seed);
    } catch (IllegalArgumentException | IllegalStateException e) {
      return null; // the three phases report it
    }
    float[] out = new float[d];
    return combineCoordinateWise(s, vectors, out, null, true) ? new Result(out, s) : null;
  }

  /** Per-coordinate attribution of coordinate-wise solutions (scalar, on request only). */
  static final class Attribution {
    private Attribution() {}

    static void add(Solution s, int[] raw, int[] sorted, int stride, int len, double[] attr) {
      int m = s.rows();
      int first;
      int count;
      double[] rowShare = new double[m];
      for (int t = 0; t < len; t++) {
        switch (s.coordinateRule()) {
          case MEDIAN:
            first = (m - 1) / 2;
            count = (m & 1) == 1 ? 1 : 2;
            break;
          case TRIMMED_MEAN:
            first = s.coordinateParam();
            count = m - 2 * first;
            break;
          default:
            count = s.coordinateParam();
            first = closestWindowStart(sorted, stride, m, count, t);
        }
        // The pruned networks leave the averaged window as a multiset, not sorted.
        int lo = Integer.MAX_VALUE;
        int hi = Integer.MIN_VALUE;
        for (int p = first; p < first + count; p++) {
          lo = Math.min(lo, sorted[p * stride + t]);
          hi = Math.max(hi, sorted[p * stride + t]);
        }
        int selLo = 0;
        int selHi = 0;
        for (int p = first; p < first + count; p++) {
          int v = sorted[p * stride + t];
          if (v == lo) {
            selLo++;
          } else if (v == hi) {
            selHi++;
          }
        }
        int rowsLo = 0;
        int rowsHi = 0;
        for (int q = 0; q < m; q++) {
          int v = raw[q * stride + t];
          if (v == lo) {
            rowsLo++;
          } else if (v == hi) {
            rowsHi++;
          }
        }
        for (int q = 0; q < m; q++) {
          int v = raw[q * stride + t];
          double share;
          if (v == lo) {
            share = (double) selLo / rowsLo;
          } else if (v == hi) {
            share = (double) selHi / rowsHi;
          } else if (v > lo && v < hi) {
            share = 1.0;
          } else {
            share = 0.0;
          }
          rowShare[q] += share / count;
        }
      }
      int n = s.inputs();
      int[] ri = s.rowInputs();
      double[] mix = s.mixing();
      for (int q = 0; q < m; q++) {
        if (ri != null) {
          attr[ri[q]] += rowShare[q];
        } else {
          double tot = 0;
          for (int i = 0; i < n; i++) {
            tot += Math.abs(mix[q * n + i]);
          }
          if (tot > 0) {
            for (int i = 0; i < n; i++) {
              attr[i] += rowShare[q] * Math.abs(mix[q * n + i]) / tot;
            }
          }
        }
      }
    }

    static int closestWindowStart(int[] s, int stride, int m, int keep, int t) {
      double med = ((double) Kernels.value(s[((m - 1) / 2) * stride + t])
          + Kernels.value(s[(m / 2) * stride + t])) * 0.5;
      int lo = 0;
      for (int j = 0; j < m - keep; j++) {
        if (Math.abs(Kernels.value(s[j * stride + t]) - med)
            > Math.abs(Kernels.value(s[(j + keep) * stride + t]) - med)) {
          lo = j + 1;
        }
      }
      return lo;
    }
  }
}
