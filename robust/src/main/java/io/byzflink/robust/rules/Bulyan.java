package io.byzflink.robust.rules;

import io.byzflink.robust.CoordinateRule;
import io.byzflink.robust.core.GramView;
import io.byzflink.robust.core.Outcome;
import io.byzflink.robust.core.RuleContext;
import io.byzflink.robust.core.RuleImpl;
import java.util.Arrays;

/**
 * Bulyan (El Mhamdi, Guerraoui and Rouault, "The Hidden Vulnerability of Distributed Learning in
 * Byzantium", ICML 2018). Selection: theta = n - 2f times, pick the Krum winner of the remaining
 * inputs (score over the |R| - f - 1 nearest others within the remaining set R, as {@link Krum})
 * and move it to the selection S. Aggregation: per coordinate, the mean of the beta = theta - 2f
 * values of S closest to their median:
 * {@code [out]_k = 1/beta sum_{j=1}^{beta} [x_pi_k(j)]_k}, pi_k ordering S by
 * {@code |[x]_k - median_k|} (ties to the smaller value). Requires n >= 4f + 3.
 */
public final class Bulyan implements RuleImpl {
  @Override
  public String name() {
    return "bulyan";
  }

  @Override
  public boolean needsGram() {
    return true;
  }

  @Override
  public void checkPreconditions(int m, int f) {
    if (m < 4 * f + 3) {
      throw new IllegalArgumentException("bulyan needs n >= 4f + 3, got n=" + m + " f=" + f);
    }
  }

  @Override
  public Outcome solve(GramView g, RuleContext ctx) {
    int f = ctx.f;
    int theta = g.m - 2 * f;
    int[] selected = select(g, f, theta);
    int[] rows = selected.clone();
    Arrays.sort(rows);
    return Outcome.coordinateWise(CoordinateRule.CLOSEST_TO_MEDIAN, theta - 2 * f, rows, selected);
  }

  /**
   * The theta successive Krum winners. Same result as calling {@link Krum#scores} on the remaining
   * rows each round (score = the sum, in increasing order, of the |R| - f - 1 smallest distances to
   * the other remaining rows; ties to the lower index), but each row keeps its distances to the
   * remaining rows sorted and drops the winner's from them, instead of re-sorting every round
   * (distances are never NaN or -0.0, so the sorted sequence, hence the sum, is the same).
   */
  static int[] select(GramView g, int f, int theta) {
    int n = g.m;
    double[][] sorted = new double[n][];
    int[] len = new int[n];
    for (int a = 0; a < n; a++) {
      double[] d = new double[n - 1];
      int q = 0;
      for (int b = 0; b < n; b++) {
        if (b != a) {
          d[q++] = g.sqDist(a, b);
        }
      }
      Arrays.sort(d);
      sorted[a] = d;
      len[a] = n - 1;
    }
    boolean[] gone = new boolean[n];
    int[] selected = new int[theta];
    for (int t = 0; t < theta; t++) {
      int neighbours = (n - t) - f - 1;
      int best = -1;
      double bestScore = 0;
      for (int a = 0; a < n; a++) {
        if (gone[a]) {
          continue;
        }
        double[] d = sorted[a];
        double s = 0;
        for (int i = 0; i < neighbours; i++) {
          s += d[i];
        }
        if (best < 0 || Double.compare(s, bestScore) < 0) {
          best = a;
          bestScore = s;
        }
      }
      selected[t] = best;
      gone[best] = true;
      for (int a = 0; a < n; a++) {
        if (gone[a]) {
          continue;
        }
        // Remove one occurrence of dist(a, best) from a's sorted list.
        double v = g.sqDist(a, best);
        double[] d = sorted[a];
        int l = len[a];
        int i = Arrays.binarySearch(d, 0, l, v);
        System.arraycopy(d, i + 1, d, i, l - i - 1);
        len[a] = l - 1;
      }
    }
    return selected;
  }
}
