package io.byzflink.decentralized;

/**
 * Label-distribution divergence of MPLS (Euro-Par 2025, "MPLS: Stacking Diverse Layers Into One
 * Model for Decentralized Federated Learning"): how differently two nodes' training labels are
 * distributed, {@code DD_s = sum_c |p_i^c - p_s^c|}, with {@code p^c} the share of class c in a
 * node's label histogram. It is the L1 distance between the two distributions (twice their total
 * variation distance), so {@code 0 <= DD_s <= 2}: 0 for identical label mixes, 2 for disjoint
 * classes. MPLS favours peers with a large DD because their models carry what the node's own data
 * lacks.
 */
public final class LabelDivergence {
  private LabelDivergence() {}

  /**
   * {@code sum_c |countsI[c]/|countsI| - countsS[c]/|countsS||}, accumulated in double.
   *
   * <p>An empty histogram (all counts 0) is taken as the all-zero vector rather than a
   * distribution, so an empty node is at divergence 1 from any non-empty one and 0 from another
   * empty one: a documented convention, because a node without data has nothing to divide by.
   *
   * @param countsI the node's label counts per class
   * @param countsS the peer's label counts per class, same number of classes
   * @throws IllegalArgumentException for different lengths or a negative count
   */
  public static double between(long[] countsI, long[] countsS) {
    if (countsI.length != countsS.length) {
      throw new IllegalArgumentException("label histograms have different numbers of classes: "
          + countsI.length + " and " + countsS.length);
    }
    double totalI = total(countsI);
    double totalS = total(countsS);
    double invI = totalI == 0 ? 0 : 1.0 / totalI;
    double invS = totalS == 0 ? 0 : 1.0 / totalS;
    double sum = 0;
    for (int c = 0; c < countsI.length; c++) {
      sum += Math.abs(countsI[c] * invI - countsS[c] * invS);
    }
    return sum;
  }

  private static double total(long[] counts) {
    double t = 0;
    for (int c = 0; c < counts.length; c++) {
      if (counts[c] < 0) {
        throw new IllegalArgumentException("label count of class " + c + " is negative: "
            + counts[c]);
      }
      t += counts[c];
    }
    return t;
  }
}
