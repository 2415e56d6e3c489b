package io.byzflink.decentralized;

import java.io.Serializable;

/**
 * Consensus distance of one round, {@code (1/m) sum_i ||x_i - xbar||^2} with
 * {@code xbar = (1/m) sum_i x_i}, over the m honest models (Kong et al., "Consensus Control for
 * Decentralized Deep Learning", ICML 2021): how far decentralized nodes are from agreeing, 0 when
 * all models are equal.
 *
 * <p>Streaming: models arrive one at a time ({@link #add}), and only a running mean (one
 * {@code double[d]}) and one double are kept. Welford's update per coordinate (Welford,
 * Technometrics 1962), {@code delta = x - mean; mean += delta / k; M2 += delta * (x - mean)},
 * never forms {@code sum x^2 - m xbar^2}, so nearly equal models (the usual case late in training)
 * lose no digits to cancellation. M2 is summed over coordinates as it goes: each per-coordinate
 * increment is {@code delta^2 (k-1)/k >= 0}, so the total is the sum of per-coordinate M2.
 *
 * <p>Not thread-safe; Serializable so a partial round can sit in Flink state.
 */
public final class ConsensusDistance implements Serializable {
  private static final long serialVersionUID = 1L;

  private double[] mean;
  private double sumSquaredDeviation;
  private long count;

  /** Adds one model; all models of a round must have the same length. */
  public void add(float[] model) {
    if (mean == null) {
      mean = new double[model.length];
    } else if (model.length != mean.length) {
      throw new IllegalArgumentException("model has " + model.length + " values, earlier models "
          + "of this round have " + mean.length);
    }
    count++;
    double inv = 1.0 / count;
    double m2 = 0;
    double[] mu = mean;
    for (int j = 0; j < mu.length; j++) {
      double x = model[j];
      double delta = x - mu[j];
      mu[j] += delta * inv;
      m2 += delta * (x - mu[j]);
    }
    sumSquaredDeviation += m2;
  }

  /** Number of models added. */
  public long count() {
    return count;
  }

  /** {@code (1/m) sum_i ||x_i - xbar||^2}; 0 for one model, NaN for none. */
  public double value() {
    return count == 0 ? Double.NaN : sumSquaredDeviation / count;
  }

  /** Forgets every model, keeping the buffer for the next round of the same dimension. */
  public void reset() {
    if (mean != null) {
      java.util.Arrays.fill(mean, 0);
    }
    sumSquaredDeviation = 0;
    count = 0;
  }

  /**
   * Plain two-pass reference: the mean in double, then the squared deviations. Same value as the
   * streaming accumulator up to rounding; NaN for no models.
   */
  public static double of(float[][] models) {
    int m = models.length;
    if (m == 0) {
      return Double.NaN;
    }
    int d = models[0].length;
    double[] mean = new double[d];
    for (float[] x : models) {
      if (x.length != d) {
        throw new IllegalArgumentException("models differ in length: " + d + " and " + x.length);
      }
      for (int j = 0; j < d; j++) {
        mean[j] += x[j];
      }
    }
    for (int j = 0; j < d; j++) {
      mean[j] /= m;
    }
    double sum = 0;
    for (float[] x : models) {
      for (int j = 0; j < d; j++) {
        double dev = x[j] - mean[j];
        sum += dev * dev;
      }
    }
    return sum / m;
  }
}
