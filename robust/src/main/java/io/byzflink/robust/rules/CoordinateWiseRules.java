package io.byzflink.robust.rules;

import io.byzflink.robust.CoordinateRule;
import io.byzflink.robust.core.Checks;
import io.byzflink.robust.core.GramView;
import io.byzflink.robust.core.Outcome;
import io.byzflink.robust.core.RuleContext;
import io.byzflink.robust.core.RuleImpl;

/** The coordinate-wise rules: each works on every coordinate alone (no Gram). */
public final class CoordinateWiseRules {
  private CoordinateWiseRules() {}

  /** What the three rules share: no Gram, a function of the inputs coordinate by coordinate, n > 2f. */
  private abstract static class Base implements RuleImpl {
    private final String name;

    Base(String name) {
      this.name = name;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public boolean needsGram() {
      return false;
    }

    @Override
    public boolean coordinateWiseOverInputs() {
      return true;
    }

    @Override
    public void checkPreconditions(int m, int f) {
      Checks.atLeastOne(name, m);
      Checks.nGreaterThan2f(name, m, f);
    }
  }

  /**
   * Coordinate-wise median (Yin, Chen, Ramchandran and Bartlett, "Byzantine-Robust Distributed
   * Learning: Towards Optimal Statistical Rates", ICML 2018):
   * {@code [out]_k = median([x_1]_k, ..., [x_n]_k)}, the mean of the two middle values when n is
   * even (numpy's convention). Requires n > 2f (f is otherwise unused).
   */
  public static final class Median extends Base {
    public Median() {
      super("median");
    }

    @Override
    public Outcome solve(GramView g, RuleContext ctx) {
      return Outcome.coordinateWise(CoordinateRule.MEDIAN, 0, null, null);
    }
  }

  /**
   * Coordinate-wise trimmed mean (Yin et al., ICML 2018):
   * {@code [out]_k = 1/(n-2f) sum_{j=f+1}^{n-f} [x_pi(j)]_k} with pi sorting the k-th coordinates,
   * i.e. the f largest and f smallest values of every coordinate are dropped. Requires n > 2f.
   */
  public static final class TrimmedMean extends Base {
    public TrimmedMean() {
      super("trimmed-mean");
    }

    @Override
    public Outcome solve(GramView g, RuleContext ctx) {
      return Outcome.coordinateWise(CoordinateRule.TRIMMED_MEAN, ctx.f, null, null);
    }
  }

  /**
   * Mean around median, Meamed (Xie, Koyejo and Gupta, "Generalized Byzantine-tolerant SGD",
   * arXiv:1802.10116, 2018): {@code [out]_k = 1/(n-f) sum_{j=1}^{n-f} [x_pi_k(j)]_k} where pi_k
   * orders the k-th coordinates by distance to their median. Ties at equal distance go to the
   * smaller value (ByzFL leaves them to numpy's argpartition). Requires n > 2f.
   */
  public static final class Meamed extends Base {
    public Meamed() {
      super("meamed");
    }

    @Override
    public Outcome solve(GramView g, RuleContext ctx) {
      return Outcome.coordinateWise(CoordinateRule.CLOSEST_TO_MEDIAN, g.m - ctx.f, null, null);
    }
  }
}
