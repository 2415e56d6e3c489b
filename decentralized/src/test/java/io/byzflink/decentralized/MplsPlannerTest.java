package io.byzflink.decentralized;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class MplsPlannerTest {
  private static final double EPS = 1e-12;

  /*
   * Hand-worked case A: S = 3 peers, L = 4 layers, tau1 = tau2 = 0.5.
   *
   *   B  = [4, 2, 2]        -> B/sum B   = [0.5, 0.25, 0.25]
   *   DD = [0.2, 0.2, 0.6]  -> DD/sum DD = [0.2, 0.2, 0.6]
   *   p  = 0.5*B/sumB + 0.5*DD/sumDD = [0.35, 0.225, 0.425]
   *
   *   g (rows = peers)       q = g / column sum
   *     l0 l1 l2 l3            l0    l1   l2    l3
   *   [ 1, 0, 3, 1 ]         [ 0.25, 1/3, 0.75, 0.25 ]
   *   [ 1, 0, 1, 3 ]         [ 0.25, 1/3, 0.25, 0.75 ]
   *   [ 2, 0, 0, 0 ]         [ 0.5,  1/3, 0,    0    ]   (l1 sums to 0 -> 1/S)
   *
   *   mu2 = p q              l0       l1        l2       l3
   *   peer 0              0.0875   0.116667  0.2625   0.0875
   *   peer 1              0.05625  0.075     0.05625  0.16875
   *   peer 2              0.2125   0.141667  0        0
   *   theta = column mean 0.11875  0.111111  0.10625  0.0854167
   *   candidates          {2}      {0, 2}    {0}      {0, 1}
   *
   *   M = [800, 200, 800, 400] bytes; mu1 = M / B:
   *   peer 0: [200, 50, 200, 100]; peers 1, 2: [400, 100, 400, 200]
   *   E = [1, 1, 1, 1] for peer 0 and 0.5 everywhere for peers 1, 2; rank = [4, 2, 2];
   *   cut 1/sqrt(3) = 0.577.
   *
   *   Main phase: all loads 0, peer 0 has the highest rank -> takes l2 (largest mu2 of its
   *   candidates 1, 2, 3; all E = 1), load 200. Peer 1 (load 0) best candidate l3 has E 0.5 <=
   *   0.577 -> drops out. Peer 2 likewise (l0, l1) -> drops out. Peer 0 takes l1 (0.1167 >
   *   0.0875), load 250, then l3, load 350; it has no candidate left -> drops out; no peer active.
   *   Layer 0 (only candidate: slow peer 2) is unassigned.
   *
   *   Coverage: layer 0 comes from its fastest candidate, peer 2 (mu1 400): load 400.
   *
   *   Fill phase, Lmax = 400, pairs by decreasing mu2: (1,l3) 0.16875 -> 0 + 200 <= 400, added;
   *   (2,l1) 0.1417 -> 400 + 100 > 400, skipped.
   *   Plan: peer 0 {1, 2, 3}, peer 1 {3}, peer 2 {0}; loads [350, 200, 400]; 5 pulls, 1 filled.
   */
  private static final double[] B_A = {4, 2, 2};
  private static final double[] DD_A = {0.2, 0.2, 0.6};
  private static final double[][] G_A = {{1, 0, 3, 1}, {1, 0, 1, 3}, {2, 0, 0, 0}};
  private static final long[] M_A = {800, 200, 800, 400};

  @Test
  void peerProbabilitiesLayerScoresThresholdsAndCandidatesOfCaseA() {
    MplsPlanner planner = new MplsPlanner();
    double[] p = planner.peerProbabilities(B_A, DD_A);
    assertThat(p).containsExactly(new double[] {0.35, 0.225, 0.425}, within(EPS));

    double[][] q = MplsPlanner.layerScores(G_A);
    assertThat(q[0]).containsExactly(new double[] {0.25, 1 / 3.0, 0.75, 0.25}, within(EPS));
    assertThat(q[1]).containsExactly(new double[] {0.25, 1 / 3.0, 0.25, 0.75}, within(EPS));
    assertThat(q[2]).containsExactly(new double[] {0.5, 1 / 3.0, 0, 0}, within(EPS));

    double[] theta = MplsPlanner.thresholds(p, q);
    assertThat(theta).containsExactly(
        new double[] {0.11875, 1 / 9.0, 0.10625, 0.25625 / 3}, within(EPS));

    boolean[][] c = MplsPlanner.candidates(p, q);
    assertThat(c[0]).containsExactly(false, true, true, true);
    assertThat(c[1]).containsExactly(false, false, false, true);
    assertThat(c[2]).containsExactly(true, true, false, false);
  }

  @Test
  void transferTimesEfficiencyAndRanksOfCaseA() {
    double[][] mu1 = MplsPlanner.transferTimes(B_A, M_A);
    assertThat(mu1[0]).containsExactly(200, 50, 200, 100);
    assertThat(mu1[1]).containsExactly(400, 100, 400, 200);
    double[][] e = MplsPlanner.efficiency(mu1);
    assertThat(e[0]).containsExactly(1, 1, 1, 1);
    assertThat(e[1]).containsExactly(0.5, 0.5, 0.5, 0.5);
    assertThat(e[2]).containsExactly(0.5, 0.5, 0.5, 0.5);
    assertThat(MplsPlanner.ranks(e)).containsExactly(4, 2, 2);
  }

  @Test
  void planOfCaseACutsSlowPeersAndFillsUpToLmax() {
    PullPlan plan = new MplsPlanner().plan(B_A, DD_A, G_A, M_A);
    assertThat(plan.peerCount()).isEqualTo(3);
    assertThat(plan.layerCount()).isEqualTo(4);
    assertThat(plan.layersFrom(0)).containsExactly(1, 2, 3);
    assertThat(plan.layersFrom(1)).containsExactly(3);
    assertThat(plan.layersFrom(2)).containsExactly(0);
    assertThat(plan.pullCount()).isEqualTo(5);
    assertThat(plan.fillPullCount()).isEqualTo(1);
    assertThat(plan.load(0)).isEqualTo(350);
    assertThat(plan.load(1)).isEqualTo(200);
    assertThat(plan.load(2)).isEqualTo(400);
    assertThat(plan.maxLoad()).isEqualTo(400);
    assertThat(plan.peersFor(0)).containsExactly(2);
    assertThat(plan.peersFor(1)).containsExactly(0);
    assertThat(plan.peersFor(3)).containsExactly(0, 1);
    assertThat(plan.pulls(2, 0)).isTrue();
    assertThat(plan.pulls(2, 1)).isFalse();
    assertThat(plan.pulls(1, 3)).isTrue();
    assertThat(plan.peerProbability(2)).isCloseTo(0.425, within(EPS));
    assertThat(plan.layerScore(1, 3)).isCloseTo(0.75, within(EPS));
    assertThat(plan.toString()).isEqualTo(
        "PullPlan{0:[1, 2, 3], 1:[3], 2:[0], pulls 5 (fill 1), max load 400.0}");
  }

  @Test
  void fillPhaseStopsAtTheLargestLoad() {
    // Case A with layer 0 at 600 bytes: the main phase is unchanged (peer 0 is no candidate for
    // l0), coverage gives (2, l0) at 300, so Lmax = 350 (peer 0). The fill phase adds (1, l3)
    // (200 <= 350); (2, l1) would bring peer 2 to 400 > 350 and is skipped.
    long[] m = {600, 200, 800, 400};
    PullPlan plan = new MplsPlanner().plan(B_A, DD_A, G_A, m);
    assertThat(plan.layersFrom(0)).containsExactly(1, 2, 3);
    assertThat(plan.layersFrom(1)).containsExactly(3);
    assertThat(plan.layersFrom(2)).containsExactly(0);
    assertThat(plan.fillPullCount()).isEqualTo(1);
    assertThat(plan.maxLoad()).isEqualTo(350);
    assertThat(plan.load(2)).isEqualTo(300);
  }

  @Test
  void equalPeersSplitLayersByLeastLoad() {
    /*
     * S = 2, equal speeds and divergences, equal changes: p = [0.5, 0.5], q = 0.5, every mu2 =
     * 0.25 = theta, so every pair is a candidate; E = 1 everywhere, ranks equal, M = [4, 3, 2, 1].
     * Peer 0 (tie -> lower id) takes l0 (load 4); peer 1 takes l1 (3), then l2 (5) being least
     * loaded; peer 0 takes l3 (5). Lmax = 5 and every further pair would exceed it.
     */
    PullPlan plan = new MplsPlanner().plan(new double[] {1, 1}, new double[] {1, 1},
        new double[][] {{2, 2, 2, 2}, {2, 2, 2, 2}}, new long[] {4, 3, 2, 1});
    assertThat(plan.layersFrom(0)).containsExactly(0, 3);
    assertThat(plan.layersFrom(1)).containsExactly(1, 2);
    assertThat(plan.load(0)).isEqualTo(5);
    assertThat(plan.load(1)).isEqualTo(5);
    assertThat(plan.fillPullCount()).isZero();
  }

  @Test
  void loadTiesGoToTheHigherRankThenTheLowerIndex() {
    // tau1 = 0: p = DD share = [0.5, 0.5]; equal changes -> both peers candidates for the single
    // layer of 12 bytes.
    MplsPlanner byDivergence = new MplsPlanner(0, 1);
    double[] dd = {1, 1};
    double[][] g = {{1}, {1}};
    long[] m = {12};

    // B = [3, 4]: mu1 = [4, 3], E = [0.75, 1] (0.75 > 1/sqrt(2) = 0.707, no cut), rank [0.75, 1].
    // Peer 1 outranks peer 0 at equal load and takes the layer; Lmax = 3 < 4 keeps peer 0 out.
    PullPlan ranked = byDivergence.plan(new double[] {3, 4}, dd, g, m);
    assertThat(ranked.layersFrom(0)).isEmpty();
    assertThat(ranked.layersFrom(1)).containsExactly(0);
    assertThat(ranked.fillPullCount()).isZero();

    // B = [4, 4]: equal ranks, peer 0 takes it (lower index); Lmax = 3 and peer 1's copy costs 3,
    // so the fill phase pulls the layer from peer 1 too: a layer from two peers.
    PullPlan tied = byDivergence.plan(new double[] {4, 4}, dd, g, m);
    assertThat(tied.layersFrom(0)).containsExactly(0);
    assertThat(tied.layersFrom(1)).containsExactly(0);
    assertThat(tied.fillPullCount()).isEqualTo(1);
    assertThat(tied.peersFor(0)).containsExactly(0, 1);
  }

  @Test
  void peerBelowTheEfficiencyCutGetsOnlyWhatCoverageGivesIt() {
    // S = 4, cut 1/sqrt(4) = 0.5. Peer 3 has B = 2 against 4 -> E = 0.5 <= 0.5: cut in the main
    // phase, even though it is the only candidate of layer 1 (its change is the only nonzero one
    // there). Layer sizes are 40 for l0 and 100 for l1. Coverage still pulls l1 from peer 3 (cost
    // 50, the largest load): without it layer 1 would not be refreshed at all.
    double[] b = {4, 4, 4, 2};
    double[] dd = {1, 1, 1, 1};
    double[][] g = {{1, 0}, {1, 0}, {1, 0}, {0, 5}};
    PullPlan plan = new MplsPlanner().plan(b, dd, g, new long[] {40, 100});
    assertThat(MplsPlanner.efficiency(MplsPlanner.transferTimes(b, new long[] {40, 100}))[3])
        .containsExactly(0.5, 0.5);
    double[] p = new MplsPlanner().peerProbabilities(b, dd);
    assertThat(MplsPlanner.candidates(p, MplsPlanner.layerScores(g))[3])
        .containsExactly(false, true);
    assertThat(plan.layersFrom(3)).containsExactly(1);
    assertThat(plan.peersFor(1)).containsExactly(3);
    assertThat(plan.load(3)).isEqualTo(50);
    // l0: peers 0-2 tie (p 0.267857, q 1/3); peer 0 takes it (load 10), peers 1 and 2 have
    // nothing left and drop out, and with Lmax = 50 the fill phase adds their copies of l0 (10).
    assertThat(plan.peersFor(0)).containsExactly(0, 1, 2);
    assertThat(plan.pullCount()).isEqualTo(4);
    assertThat(plan.fillPullCount()).isEqualTo(2);

    // With B = 2.1 peer 3's E = 0.525 > 0.5 survives and takes layer 1 in the main phase.
    PullPlan faster = new MplsPlanner().plan(new double[] {4, 4, 4, 2.1}, dd, g,
        new long[] {40, 100});
    assertThat(faster.layersFrom(3)).containsExactly(1);
  }

  @Test
  void singlePeerIsNeverCutAndPullsEveryLayer() {
    // S = 1: cut 1/sqrt(1) = 1 would stop the only peer; E = 1 pairs are exempt. p = 0.5 + 0.5 *
    // (1/S, DD sums to 0) = 1, q = 1, every layer a candidate.
    PullPlan plan = new MplsPlanner().plan(new double[] {5}, new double[] {0},
        new double[][] {{0, 1, 2}}, new long[] {10, 20, 30});
    assertThat(plan.layersFrom(0)).containsExactly(0, 1, 2);
    assertThat(plan.load(0)).isCloseTo(12, within(EPS));
    assertThat(plan.peerProbability(0)).isEqualTo(1);
  }

  @Test
  void zeroSumsFallBackToUniformShares() {
    MplsPlanner planner = new MplsPlanner();
    // DD all 0: its term is 1/S = 0.5 each -> p = 0.5 * [0.25, 0.75] + 0.5 * 0.5.
    assertThat(planner.peerProbabilities(new double[] {1, 3}, new double[] {0, 0}))
        .containsExactly(new double[] {0.375, 0.625}, within(EPS));
    double[][] q = MplsPlanner.layerScores(new double[][] {{0, 1}, {0, 3}, {0, 0}});
    assertThat(q[0]).containsExactly(new double[] {1 / 3.0, 0.25}, within(EPS));
    assertThat(q[2]).containsExactly(new double[] {1 / 3.0, 0}, within(EPS));
    // Scaling both taus changes p but not the plan.
    PullPlan a = new MplsPlanner(0.5, 0.5).plan(B_A, DD_A, G_A, M_A);
    PullPlan b = new MplsPlanner(2, 2).plan(B_A, DD_A, G_A, M_A);
    assertThat(b.toString()).isEqualTo(a.toString());
    assertThat(b.peerProbability(0)).isCloseTo(4 * a.peerProbability(0), within(EPS));
  }

  @Test
  void equalProductsAreAllCandidatesDespiteRounding() {
    // Three equal peers: p = 1/3, q = 1/3, every product 1/9 and theta their mean, which rounding
    // may put an ulp above 1/9.
    MplsPlanner planner = new MplsPlanner(0.3, 0.7);
    double[] p = planner.peerProbabilities(new double[] {0.1, 0.1, 0.1},
        new double[] {0.7, 0.7, 0.7});
    double[][] q = MplsPlanner.layerScores(new double[][] {{0.1, 3}, {0.1, 3}, {0.1, 3}});
    for (boolean[] row : MplsPlanner.candidates(p, q)) {
      assertThat(row).containsExactly(true, true);
    }
  }

  @Test
  void zeroSizeLayersAreEquallyEfficientFromAnyone() {
    double[][] e = MplsPlanner.efficiency(
        MplsPlanner.transferTimes(new double[] {1, 8}, new long[] {0, 16}));
    assertThat(e[0]).containsExactly(1, 0.125);
    assertThat(e[1]).containsExactly(1, 1);
  }

  @Test
  void squaredChangeIsTheSquaredDistance() {
    assertThat(MplsPlanner.squaredChange(new float[] {1, 2, 3}, new float[] {1, 0, 6}))
        .isEqualTo(13);
    assertThatThrownBy(() -> MplsPlanner.squaredChange(new float[1], new float[2]))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void badWeightsNameTheConfigKey() {
    assertThatThrownBy(() -> new MplsPlanner(-0.1, 0.5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("mpls.tau1 must be a finite number >= 0, got -0.1 (default 0.5)");
    assertThatThrownBy(() -> new MplsPlanner(0.5, Double.NaN))
        .hasMessage("mpls.tau2 must be a finite number >= 0, got NaN (default 0.5)");
    assertThatThrownBy(() -> new MplsPlanner(0, 0))
        .hasMessage("mpls.tau1 and mpls.tau2 are both 0; at least one must be > 0"
            + " (allowed: finite numbers >= 0, defaults 0.5 and 0.5)");
  }

  @Test
  void badInputsAreRejected() {
    MplsPlanner planner = new MplsPlanner();
    assertThatThrownBy(() -> planner.plan(new double[0], new double[0], new double[0][], new long[1]))
        .hasMessage("MPLS needs at least one peer");
    assertThatThrownBy(() -> planner.plan(new double[] {1, 0}, new double[2], new double[2][1],
        new long[1])).hasMessage("bandwidth of peer 1 must be finite and > 0, got 0.0");
    assertThatThrownBy(() -> planner.plan(new double[] {1, 1}, new double[1], new double[2][1],
        new long[1])).hasMessageContaining("disagree on the number of peers");
    assertThatThrownBy(() -> planner.plan(new double[] {1, 1}, new double[2], new double[2][3],
        new long[2])).hasMessage("layerChange of peer 0 has 3 layers, layerBytes has 2");
    assertThatThrownBy(() -> planner.plan(new double[] {1}, new double[1],
        new double[][] {{-1}}, new long[1]))
        .hasMessage("layer change of peer 0 layer 0 must be finite and >= 0, got -1.0");
  }
}
