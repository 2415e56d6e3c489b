package io.byzflink.decentralized;

import java.io.Serializable;

/**
 * Which layers a node pulls from which peer in one MPLS round, as decided by
 * {@link MplsPlanner#plan}. Peers are indexed {@code 0..peerCount()-1} in the order the planner
 * was given them (e.g. the node's {@link Topology#neighbours} array); layers
 * {@code 0..layerCount()-1}. A layer may come from several peers (after the fill phase) or from
 * none. Immutable; also carries the peer probabilities p_s and layer scores q_s(l) the plan was
 * built from, for logs and tests.
 */
public final class PullPlan implements Serializable {
  private static final long serialVersionUID = 1L;

  private final boolean[][] pulls;
  private final double[] load;
  private final double[] peerProbabilities;
  private final double[][] layerScores;
  private final int pullCount;
  private final int fillPullCount;

  /** Takes ownership of the arrays (the planner builds fresh ones). */
  PullPlan(boolean[][] pulls, double[] load, double[] peerProbabilities, double[][] layerScores,
      int fillPullCount) {
    this.pulls = pulls;
    this.load = load;
    this.peerProbabilities = peerProbabilities;
    this.layerScores = layerScores;
    int count = 0;
    for (boolean[] row : pulls) {
      for (boolean b : row) {
        count += b ? 1 : 0;
      }
    }
    this.pullCount = count;
    this.fillPullCount = fillPullCount;
  }

  /** Number of peers S. */
  public int peerCount() {
    return pulls.length;
  }

  /** Number of layers L. */
  public int layerCount() {
    return layerScores.length == 0 ? 0 : layerScores[0].length;
  }

  /** Whether the node pulls {@code layer} from peer {@code peerIndex}. */
  public boolean pulls(int peerIndex, int layer) {
    return pulls[peerIndex][layer];
  }

  /** The layers pulled from peer {@code peerIndex}, ascending (a fresh array). */
  public int[] layersFrom(int peerIndex) {
    boolean[] row = pulls[peerIndex];
    int n = 0;
    for (boolean b : row) {
      n += b ? 1 : 0;
    }
    int[] out = new int[n];
    int w = 0;
    for (int l = 0; l < row.length; l++) {
      if (row[l]) {
        out[w++] = l;
      }
    }
    return out;
  }

  /** The peers {@code layer} is pulled from, ascending (a fresh array; empty = keep own layer). */
  public int[] peersFor(int layer) {
    int n = 0;
    for (boolean[] row : pulls) {
      n += row[layer] ? 1 : 0;
    }
    int[] out = new int[n];
    int w = 0;
    for (int s = 0; s < pulls.length; s++) {
      if (pulls[s][layer]) {
        out[w++] = s;
      }
    }
    return out;
  }

  /** Number of (peer, layer) pulls in the plan. */
  public int pullCount() {
    return pullCount;
  }

  /** How many of the pulls the fill phase added after the main phase. */
  public int fillPullCount() {
    return fillPullCount;
  }

  /** Planned transfer time from peer {@code peerIndex}: sum of M_l / B_s over its layers (ms). */
  public double load(int peerIndex) {
    return load[peerIndex];
  }

  /** The largest {@link #load}: the planned duration of the round's transfers, run in parallel. */
  public double maxLoad() {
    double m = 0;
    for (double x : load) {
      m = Math.max(m, x);
    }
    return m;
  }

  /** p_s the plan used. */
  public double peerProbability(int peerIndex) {
    return peerProbabilities[peerIndex];
  }

  /** q_s(l) the plan used. */
  public double layerScore(int peerIndex, int layer) {
    return layerScores[peerIndex][layer];
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("PullPlan{");
    for (int s = 0; s < pulls.length; s++) {
      sb.append(s == 0 ? "" : ", ").append(s).append(":")
          .append(java.util.Arrays.toString(layersFrom(s)));
    }
    return sb.append(", pulls ").append(pullCount).append(" (fill ").append(fillPullCount)
        .append("), max load ").append(maxLoad()).append('}').toString();
  }
}
