package io.byzflink.decentralized;

import java.util.SplittableRandom;

/**
 * Peer choice of the NetMax baseline (Zhou et al., "Communication-Efficient Decentralized Machine
 * Learning over Heterogeneous Networks", ICDE 2021): each round a node pulls the whole model of
 * one neighbour, chosen with probability proportional to the estimated speed of the link,
 * {@code P(s) = B_s / sum_s' B_s'}, so fast links are used more often while slow ones still
 * contribute now and then.
 *
 * <p>Draws are reproducible: either from a caller's {@link SplittableRandom}, or from
 * {@link #choose(double[], long, int, long)}, which derives the generator from (seed, node,
 * round) alone, so a restarted Flink job re-draws the same peer for the same round without keeping
 * a generator in state.
 */
public final class NetMaxPeerChooser {
  private NetMaxPeerChooser() {}

  /**
   * Index of the chosen peer, with probability {@code linkSpeeds[s] / sum}. When every speed is 0
   * (nothing known yet) the choice is uniform. A peer of speed 0 is never chosen otherwise.
   *
   * @param linkSpeeds B_s per peer, finite and {@code >= 0}, at least one peer
   * @throws IllegalArgumentException for no peers or a negative or non-finite speed
   */
  public static int choose(double[] linkSpeeds, SplittableRandom random) {
    int peers = linkSpeeds.length;
    if (peers == 0) {
      throw new IllegalArgumentException("NetMax needs at least one peer");
    }
    double total = 0;
    int last = -1;
    for (int s = 0; s < peers; s++) {
      double b = linkSpeeds[s];
      if (!(b >= 0 && b < Double.POSITIVE_INFINITY)) {
        throw new IllegalArgumentException("link speed of peer " + s
            + " must be finite and >= 0, got " + b);
      }
      total += b;
      if (b > 0) {
        last = s;
      }
    }
    if (total == 0) {
      return random.nextInt(peers);
    }
    double u = random.nextDouble() * total;
    double cumulative = 0;
    for (int s = 0; s < peers; s++) {
      cumulative += linkSpeeds[s];
      if (u < cumulative) {
        return s;
      }
    }
    // Rounding can leave u a hair above the last partial sum: that mass belongs to the last
    // positive-speed peer.
    return last;
  }

  /**
   * {@link #choose(double[], SplittableRandom)} with a generator seeded from (seed, node, round):
   * the same triple always picks the same peer.
   */
  public static int choose(double[] linkSpeeds, long seed, int node, long round) {
    // Distinct odd multipliers spread node and round over the seed space; SplittableRandom then
    // scrambles the sum (SplitMix64), so neighbouring rounds get unrelated draws.
    long mixed = seed ^ (node * 0x9E3779B97F4A7C15L) ^ (round * 0xC2B2AE3D27D4EB4FL);
    return choose(linkSpeeds, new SplittableRandom(mixed));
  }
}
