package io.byzflink.decentralized;

import java.io.Serializable;
import java.util.Arrays;

/**
 * Peer and layer selection of MPLS (Euro-Par 2025, "MPLS: Stacking Diverse Layers Into One Model
 * for Decentralized Federated Learning"): instead of pulling whole models, node i pulls a few
 * layers from each of several peers and stacks them into one model ({@link LayerMerge}).
 *
 * <p>Inputs, for node i and its peers {@code s = 0..S-1} and layers {@code l = 0..L-1}: the link
 * speed B_s (bytes/ms, {@link BandwidthEstimator}), the label divergence DD_s
 * ({@link LabelDivergence}), the layer change g_s(l) (squared L2 change of peer s's layer l since
 * node i last pulled it, {@link #squaredChange}) and the layer size M_l in bytes.
 *
 * <p><b>Selection.</b>
 *
 * <ul>
 *   <li>peer probability {@code p_s = tau1 * B_s / sum B + tau2 * DD_s / sum DD}; a sum that is 0
 *       makes its term {@code 1/S} for every peer. It sums to {@code tau1 + tau2} (1 for the
 *       defaults 0.5/0.5); the plan only compares p_s values, so it does not change when both
 *       taus are scaled.
 *   <li>layer score {@code q_s(l) = g_s(l) / sum_s g_s(l)} ({@code 1/S} when that sum is 0).
 *   <li>threshold {@code theta(l) = (1/S) sum_s p_s q_s(l)}; (s, l) is a candidate iff
 *       {@code p_s q_s(l) >= theta(l)}. The comparison allows a relative slack of
 *       {@value #RELATIVE_SLACK} so that equal products, whose mean can round one ulp above them,
 *       all stay candidates. Every layer has a candidate (the maximum is never below the mean).
 * </ul>
 *
 * <p><b>List scheduling</b> (the efficiency-based list scheduling of Davis and Jaffe, "Algorithms
 * for scheduling tasks on unrelated processors", JACM 1981, with layers as tasks and peers as
 * processors). {@code mu1(s,l) = M_l / B_s} (transfer time), {@code mu2(s,l) = p_s q_s(l)}
 * (importance), efficiency {@code E(s,l) = min_s' mu1(s',l) / mu1(s,l)} over all peers s', and
 * {@code rank(s) = sum_l E(s,l)}.
 *
 * <ol>
 *   <li>Main phase: repeatedly the active peer with the least load ({@code load(s) = sum of
 *       mu1(s,l)} over its assigned layers; ties: higher rank, then lower index) takes its
 *       unassigned candidate layer of highest E (ties: larger mu2, then lower layer index). A peer
 *       whose best remaining candidate has {@code E <= 1/sqrt(S)}, or that has none, drops out.
 *       The phase ends when every layer is assigned (each has a candidate) or no peer is active.
 *   <li>Coverage: a layer still unassigned (all its candidates dropped out) is pulled from its
 *       candidate with the smallest transfer time, so every layer is refreshed every round.
 *   <li>Fill phase: with {@code Lmax} the largest load after the main phase, every candidate pair
 *       not yet in the plan is visited in order of decreasing mu2 (ties: smaller mu1, then lower
 *       peer index, then lower layer index) and added when {@code load(s) + mu1(s,l) <= Lmax}
 *       (relative slack {@value #RELATIVE_SLACK}); loads are updated as pairs are added. A layer
 *       may then come from several peers, and a peer that dropped out may still get layers that
 *       fit in the time the round takes anyway.
 * </ol>
 *
 * <p><b>Readings of the spec</b> (the paper text was not at hand; these are documented choices).
 * (1) Because {@code mu1(s,l) = M_l / B_s}, {@code E(s,l) = B_s / max_s' B_s'} for every layer with
 * {@code M_l > 0}: efficiency is a property of the link, so which layer a peer takes next is
 * decided by the mu2 tie-break, and layers whose candidates are all slow peers are left to the
 * coverage step. (2) For {@code M_l = 0}, E is 1 (a free transfer is equally efficient from anyone).
 * (3) With S = 1 the cut {@code 1/sqrt(S)} equals 1 and would stop the only peer; pairs with
 * {@code E = 1} are therefore never cut (this changes nothing for S >= 2). (4) All candidates,
 * including those of dropped-out peers, enter the fill phase. (5) The coverage step is ours: the
 * stated phases can leave a layer unpulled round after round, which stacking layers into one
 * model cannot mean.
 */
public final class MplsPlanner implements Serializable {
  private static final long serialVersionUID = 1L;

  public static final double DEFAULT_TAU1 = 0.5;
  public static final double DEFAULT_TAU2 = 0.5;
  /** Relative slack of the threshold and Lmax comparisons, against rounding only. */
  public static final double RELATIVE_SLACK = 1e-9;

  private final double tau1;
  private final double tau2;

  /** tau1 = tau2 = 0.5. */
  public MplsPlanner() {
    this(DEFAULT_TAU1, DEFAULT_TAU2);
  }

  /**
   * @param tau1 weight of link speed in p_s ({@code mpls.tau1}), finite and {@code >= 0}
   * @param tau2 weight of label divergence in p_s ({@code mpls.tau2}), finite and {@code >= 0}
   * @throws IllegalArgumentException naming the key when a weight is negative or not finite, or
   *     when both are 0
   */
  public MplsPlanner(double tau1, double tau2) {
    checkWeight("mpls.tau1", tau1);
    checkWeight("mpls.tau2", tau2);
    if (tau1 == 0 && tau2 == 0) {
      throw new IllegalArgumentException("mpls.tau1 and mpls.tau2 are both 0; at least one must be"
          + " > 0 (allowed: finite numbers >= 0, defaults 0.5 and 0.5)");
    }
    this.tau1 = tau1;
    this.tau2 = tau2;
  }

  private static void checkWeight(String key, double value) {
    if (!(value >= 0 && value < Double.POSITIVE_INFINITY)) {
      throw new IllegalArgumentException(key + " must be a finite number >= 0, got " + value
          + " (default 0.5)");
    }
  }

  public double tau1() {
    return tau1;
  }

  public double tau2() {
    return tau2;
  }

  /**
   * The pull plan of one round.
   *
   * @param bandwidth B_s per peer, bytes/ms, finite and {@code > 0}
   * @param labelDivergence DD_s per peer, finite and {@code >= 0}
   * @param layerChange g_s(l), indexed {@code [peer][layer]}, finite and {@code >= 0}
   * @param layerBytes M_l per layer, {@code >= 0}
   * @throws IllegalArgumentException for no peers, inconsistent lengths or values out of range
   */
  public PullPlan plan(double[] bandwidth, double[] labelDivergence, double[][] layerChange,
      long[] layerBytes) {
    int peers = bandwidth.length;
    int layers = layerBytes.length;
    if (labelDivergence.length != peers || layerChange.length != peers) {
      throw new IllegalArgumentException("MPLS inputs disagree on the number of peers: bandwidth "
          + peers + ", labelDivergence " + labelDivergence.length + ", layerChange "
          + layerChange.length);
    }
    for (int l = 0; l < layers; l++) {
      if (layerBytes[l] < 0) {
        throw new IllegalArgumentException("layer " + l + " has negative size " + layerBytes[l]);
      }
    }
    double[] p = peerProbabilities(bandwidth, labelDivergence);
    double[][] q = layerScores(layerChange);
    for (int s = 0; s < peers; s++) {
      if (layerChange[s].length != layers) {
        throw new IllegalArgumentException("layerChange of peer " + s + " has "
            + layerChange[s].length + " layers, layerBytes has " + layers);
      }
    }
    boolean[][] candidate = candidates(p, q);
    double[][] mu1 = transferTimes(bandwidth, layerBytes);
    double[][] eff = efficiency(mu1);
    double[] rank = ranks(eff);

    boolean[][] pulls = new boolean[peers][layers];
    double[] load = new double[peers];
    boolean[] assigned = new boolean[layers];
    boolean[] active = new boolean[peers];
    Arrays.fill(active, true);
    int activeCount = peers;
    int unassigned = 0;
    for (int l = 0; l < layers; l++) {
      for (int s = 0; s < peers; s++) {
        if (candidate[s][l]) {
          unassigned++;
          break;
        }
      }
    }
    double cut = 1 / Math.sqrt(peers);

    // Main phase: each step assigns a layer or retires a peer, so at most L + S steps.
    while (unassigned > 0 && activeCount > 0) {
      int s = -1;
      for (int t = 0; t < peers; t++) {
        if (active[t] && (s < 0 || load[t] < load[s] || (load[t] == load[s] && rank[t] > rank[s]))) {
          s = t;
        }
      }
      int best = -1;
      for (int l = 0; l < layers; l++) {
        if (!candidate[s][l] || assigned[l]) {
          continue;
        }
        if (best < 0 || eff[s][l] > eff[s][best]
            || (eff[s][l] == eff[s][best] && p[s] * q[s][l] > p[s] * q[s][best])) {
          best = l;
        }
      }
      if (best < 0 || (eff[s][best] <= cut && eff[s][best] < 1)) {
        active[s] = false;
        activeCount--;
        continue;
      }
      pulls[s][best] = true;
      assigned[best] = true;
      load[s] += mu1[s][best];
      unassigned--;
    }

    // Coverage: a layer whose candidates all dropped out still comes from its fastest candidate.
    // Otherwise a layer whose best-scored peers sit behind slow links is never refreshed, the
    // main phase's loads stay small, and the fill phase can never afford it: the stacked model
    // would freeze that layer (observed on a mesh with 1..20 MB/s links: the 401 KB first layer of
    // the MLP was not pulled for rounds while its peers' copies drifted apart).
    for (int l = 0; l < layers && unassigned > 0; l++) {
      if (assigned[l]) {
        continue;
      }
      int fastest = -1;
      for (int s = 0; s < peers; s++) {
        if (candidate[s][l] && (fastest < 0 || mu1[s][l] < mu1[fastest][l])) {
          fastest = s;
        }
      }
      if (fastest >= 0) {
        pulls[fastest][l] = true;
        assigned[l] = true;
        load[fastest] += mu1[fastest][l];
        unassigned--;
      }
    }

    // Fill phase.
    double lmax = 0;
    for (double x : load) {
      lmax = Math.max(lmax, x);
    }
    double limit = lmax * (1 + RELATIVE_SLACK);
    // Pair (s, l) as the int s * L + l, collected in ascending (s, l) order; the stable sort on
    // (-mu2, mu1) then leaves the remaining ties by lower peer index, then lower layer index.
    java.util.List<Integer> order = new java.util.ArrayList<>();
    for (int s = 0; s < peers; s++) {
      for (int l = 0; l < layers; l++) {
        if (candidate[s][l] && !pulls[s][l]) {
          order.add(s * layers + l);
        }
      }
    }
    order.sort((x, y) -> {
      int sx = x / layers;
      int lx = x % layers;
      int sy = y / layers;
      int ly = y % layers;
      int c = Double.compare(p[sy] * q[sy][ly], p[sx] * q[sx][lx]);
      return c != 0 ? c : Double.compare(mu1[sx][lx], mu1[sy][ly]);
    });
    int filled = 0;
    for (int key : order) {
      int s = key / layers;
      int l = key % layers;
      if (load[s] + mu1[s][l] <= limit) {
        pulls[s][l] = true;
        load[s] += mu1[s][l];
        filled++;
      }
    }
    return new PullPlan(pulls, load, p, q, filled);
  }

  /**
   * {@code p_s = tau1 * B_s / sum B + tau2 * DD_s / sum DD} (a zero sum gives its term 1/S).
   *
   * @throws IllegalArgumentException for no peers, different lengths, B_s not finite and > 0, or
   *     DD_s not finite and >= 0
   */
  public double[] peerProbabilities(double[] bandwidth, double[] labelDivergence) {
    int peers = bandwidth.length;
    if (peers == 0) {
      throw new IllegalArgumentException("MPLS needs at least one peer");
    }
    if (labelDivergence.length != peers) {
      throw new IllegalArgumentException("bandwidth has " + peers + " peers, labelDivergence "
          + labelDivergence.length);
    }
    double sumB = 0;
    double sumDd = 0;
    for (int s = 0; s < peers; s++) {
      if (!(bandwidth[s] > 0 && bandwidth[s] < Double.POSITIVE_INFINITY)) {
        throw new IllegalArgumentException("bandwidth of peer " + s
            + " must be finite and > 0, got " + bandwidth[s]);
      }
      if (!(labelDivergence[s] >= 0 && labelDivergence[s] < Double.POSITIVE_INFINITY)) {
        throw new IllegalArgumentException("label divergence of peer " + s
            + " must be finite and >= 0, got " + labelDivergence[s]);
      }
      sumB += bandwidth[s];
      sumDd += labelDivergence[s];
    }
    double[] p = new double[peers];
    for (int s = 0; s < peers; s++) {
      double speedShare = sumB == 0 ? 1.0 / peers : bandwidth[s] / sumB;
      double divergenceShare = sumDd == 0 ? 1.0 / peers : labelDivergence[s] / sumDd;
      p[s] = tau1 * speedShare + tau2 * divergenceShare;
    }
    return p;
  }

  /**
   * {@code q_s(l) = g_s(l) / sum_s g_s(l)}, {@code 1/S} for a layer whose changes sum to 0.
   *
   * @param layerChange g_s(l) indexed {@code [peer][layer]}, finite and {@code >= 0}
   * @return q indexed {@code [peer][layer]}
   */
  public static double[][] layerScores(double[][] layerChange) {
    int peers = layerChange.length;
    if (peers == 0) {
      throw new IllegalArgumentException("MPLS needs at least one peer");
    }
    int layers = layerChange[0].length;
    double[] sum = new double[layers];
    for (int s = 0; s < peers; s++) {
      if (layerChange[s].length != layers) {
        throw new IllegalArgumentException("layerChange rows differ in length: peer 0 has "
            + layers + " layers, peer " + s + " has " + layerChange[s].length);
      }
      for (int l = 0; l < layers; l++) {
        double g = layerChange[s][l];
        if (!(g >= 0 && g < Double.POSITIVE_INFINITY)) {
          throw new IllegalArgumentException("layer change of peer " + s + " layer " + l
              + " must be finite and >= 0, got " + g);
        }
        sum[l] += g;
      }
    }
    double[][] q = new double[peers][layers];
    for (int s = 0; s < peers; s++) {
      for (int l = 0; l < layers; l++) {
        q[s][l] = sum[l] == 0 ? 1.0 / peers : layerChange[s][l] / sum[l];
      }
    }
    return q;
  }

  /** {@code theta(l) = (1/S) sum_s p_s q_s(l)}. */
  public static double[] thresholds(double[] p, double[][] q) {
    int layers = q[0].length;
    double[] theta = new double[layers];
    for (int s = 0; s < p.length; s++) {
      for (int l = 0; l < layers; l++) {
        theta[l] += p[s] * q[s][l];
      }
    }
    for (int l = 0; l < layers; l++) {
      theta[l] /= p.length;
    }
    return theta;
  }

  /**
   * {@code candidate[s][l] = p_s q_s(l) >= theta(l)} (with relative slack
   * {@value #RELATIVE_SLACK}).
   */
  public static boolean[][] candidates(double[] p, double[][] q) {
    double[] theta = thresholds(p, q);
    boolean[][] c = new boolean[p.length][theta.length];
    for (int s = 0; s < p.length; s++) {
      for (int l = 0; l < theta.length; l++) {
        c[s][l] = p[s] * q[s][l] >= theta[l] * (1 - RELATIVE_SLACK);
      }
    }
    return c;
  }

  /** {@code mu1(s,l) = M_l / B_s}, ms when B is in bytes/ms; indexed {@code [peer][layer]}. */
  public static double[][] transferTimes(double[] bandwidth, long[] layerBytes) {
    double[][] mu1 = new double[bandwidth.length][layerBytes.length];
    for (int s = 0; s < bandwidth.length; s++) {
      for (int l = 0; l < layerBytes.length; l++) {
        mu1[s][l] = layerBytes[l] / bandwidth[s];
      }
    }
    return mu1;
  }

  /**
   * {@code E(s,l) = min_s' mu1(s',l) / mu1(s,l)} over all peers s', in (0, 1], 1 for the fastest
   * peer; 1 for every peer when the layer costs nothing ({@code mu1 = 0}).
   */
  public static double[][] efficiency(double[][] transferTimes) {
    int peers = transferTimes.length;
    int layers = transferTimes[0].length;
    double[][] e = new double[peers][layers];
    for (int l = 0; l < layers; l++) {
      double fastest = Double.POSITIVE_INFINITY;
      for (int s = 0; s < peers; s++) {
        fastest = Math.min(fastest, transferTimes[s][l]);
      }
      for (int s = 0; s < peers; s++) {
        e[s][l] = transferTimes[s][l] == 0 ? 1 : fastest / transferTimes[s][l];
      }
    }
    return e;
  }

  /** {@code rank(s) = sum_l E(s,l)}: how good a peer is overall; breaks main-phase load ties. */
  public static double[] ranks(double[][] efficiency) {
    double[] rank = new double[efficiency.length];
    for (int s = 0; s < efficiency.length; s++) {
      for (double e : efficiency[s]) {
        rank[s] += e;
      }
    }
    return rank;
  }

  /**
   * g_s(l) for one layer: {@code sum_j (current_j - previous_j)^2} in double, the squared L2
   * change of a peer's layer since the node last pulled it.
   */
  public static double squaredChange(float[] current, float[] previous) {
    if (current.length != previous.length) {
      throw new IllegalArgumentException("layer versions differ in length: " + current.length
          + " and " + previous.length);
    }
    double sum = 0;
    for (int j = 0; j < current.length; j++) {
      double d = (double) current[j] - previous[j];
      sum += d * d;
    }
    return sum;
  }
}
