package io.byzflink.robust.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.byzflink.robust.core.Checks;
import io.byzflink.robust.core.GramView;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Bulyan's incremental selection picks exactly what re-scoring with Krum every round picks. */
class BulyanSelectTest {
  @Test
  void incrementalSelectionMatchesRescoring() {
    Random rnd = new Random(11);
    for (int trial = 0; trial < 60; trial++) {
      int f = 1 + trial % 5;
      int n = 4 * f + 3 + rnd.nextInt(8);
      int r = trial % 3 == 0 ? 1 : 0;
      int dim = 1 + rnd.nextInt(4);
      double[][] y = new double[n + r][dim];
      for (double[] row : y) {
        for (int c = 0; c < dim; c++) {
          // Small integers: many equal distances and equal scores (ties).
          row[c] = trial % 2 == 0 ? rnd.nextInt(3) : rnd.nextGaussian() * (1 + rnd.nextInt(100));
        }
      }
      int k = n + r;
      double[] g = new double[k * k];
      for (int i = 0; i < k; i++) {
        for (int j = 0; j < k; j++) {
          double s = 0;
          for (int c = 0; c < dim; c++) {
            s += y[i][c] * y[j][c];
          }
          g[i * k + j] = s;
        }
      }
      GramView view = new GramView(n, r, g);
      int theta = n - 2 * f;
      assertThat(Bulyan.select(view, f, theta)).as("n=%d f=%d trial %d", n, f, trial)
          .containsExactly(rescoring(view, f, theta));
    }
  }

  /** The straightforward loop: Krum scores of the remaining rows, recomputed every round. */
  private static int[] rescoring(GramView g, int f, int theta) {
    int[] remaining = Checks.range(g.m);
    int[] selected = new int[theta];
    for (int t = 0; t < theta; t++) {
      double[] s = Krum.scores(g, remaining, f);
      int best = Checks.argsort(s)[0];
      selected[t] = remaining[best];
      int[] next = new int[remaining.length - 1];
      System.arraycopy(remaining, 0, next, 0, best);
      System.arraycopy(remaining, best + 1, next, best, remaining.length - best - 1);
      remaining = next;
    }
    return selected;
  }
}
