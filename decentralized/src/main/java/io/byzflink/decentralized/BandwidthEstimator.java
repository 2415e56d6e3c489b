package io.byzflink.decentralized;

import java.io.Serializable;
import java.util.Arrays;

/**
 * Per-peer link speed estimate B_s in bytes per millisecond, as MPLS and NetMax need it, learnt
 * from observed transfers. Each transfer gives a sample {@code bytes / max(millis, MIN_MILLIS)};
 * the first sample of a peer replaces the prior, later ones enter an exponentially weighted moving
 * average {@code B_s <- (1 - alpha) B_s + alpha * sample} (alpha = {@link #DEFAULT_SMOOTHING}
 * unless given), so the estimate follows a link whose speed drifts while one slow or fast transfer
 * moves it by only a fraction alpha. A peer never measured reports the prior.
 *
 * <p>Peers are node ids {@code >= 0}; the table grows on demand. Serializable (it lives in Flink
 * keyed state); not thread-safe, as keyed state is touched by one thread.
 */
public final class BandwidthEstimator implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Weight of the newest sample in the moving average. */
  public static final double DEFAULT_SMOOTHING = 0.3;
  /** Prior speed for a peer not yet measured: 10,000 bytes/ms = 10 MB/s, about 80 Mbit/s. */
  public static final double DEFAULT_PRIOR_BYTES_PER_MS = 10_000;
  /**
   * Durations below this are clamped to it: a transfer measured as 0 ms (timer resolution, or a
   * loopback copy) must not make the estimate infinite. Measure with {@code System.nanoTime()}.
   */
  public static final double MIN_MILLIS = 0.1;

  private final double smoothing;
  private final double prior;
  /** Estimate per peer; NaN = not measured yet. */
  private double[] estimates = new double[0];
  private long[] samples = new long[0];

  /** Smoothing {@value #DEFAULT_SMOOTHING}, prior {@value #DEFAULT_PRIOR_BYTES_PER_MS} bytes/ms. */
  public BandwidthEstimator() {
    this(DEFAULT_SMOOTHING, DEFAULT_PRIOR_BYTES_PER_MS);
  }

  /**
   * @param smoothing weight alpha of a new sample, {@code 0 < alpha <= 1} (1 = last sample only)
   * @param priorBytesPerMs estimate reported for unmeasured peers, {@code > 0}
   */
  public BandwidthEstimator(double smoothing, double priorBytesPerMs) {
    if (!(smoothing > 0 && smoothing <= 1)) {
      throw new IllegalArgumentException("bandwidth smoothing must be in (0, 1], got " + smoothing);
    }
    if (!(priorBytesPerMs > 0 && priorBytesPerMs < Double.POSITIVE_INFINITY)) {
      throw new IllegalArgumentException("bandwidth prior must be a positive number of bytes/ms, got "
          + priorBytesPerMs);
    }
    this.smoothing = smoothing;
    this.prior = priorBytesPerMs;
  }

  /**
   * Records that {@code bytes} came from {@code peer} in {@code millis} milliseconds.
   *
   * @throws IllegalArgumentException for a negative peer, negative bytes, or a negative or
   *     non-finite duration
   */
  public void record(int peer, long bytes, double millis) {
    if (peer < 0) {
      throw new IllegalArgumentException("peer id must be >= 0, got " + peer);
    }
    if (bytes < 0 || !(millis >= 0 && millis < Double.POSITIVE_INFINITY)) {
      throw new IllegalArgumentException("a transfer needs bytes >= 0 and a finite duration >= 0,"
          + " got " + bytes + " bytes in " + millis + " ms");
    }
    grow(peer);
    double sample = bytes / Math.max(millis, MIN_MILLIS);
    double old = estimates[peer];
    estimates[peer] = Double.isNaN(old) ? sample : (1 - smoothing) * old + smoothing * sample;
    samples[peer]++;
  }

  /** The current estimate for {@code peer} in bytes/ms (the prior when never measured). */
  public double estimate(int peer) {
    return peer >= 0 && peer < estimates.length && !Double.isNaN(estimates[peer])
        ? estimates[peer] : prior;
  }

  /** {@link #estimate} of each peer, in the given order (e.g. a node's neighbours). */
  public double[] estimates(int[] peers) {
    double[] out = new double[peers.length];
    for (int i = 0; i < peers.length; i++) {
      out[i] = estimate(peers[i]);
    }
    return out;
  }

  /** Number of transfers recorded for {@code peer}. */
  public long sampleCount(int peer) {
    return peer >= 0 && peer < samples.length ? samples[peer] : 0;
  }

  private void grow(int peer) {
    if (peer >= estimates.length) {
      int old = estimates.length;
      int size = Math.max(peer + 1, 2 * old);
      estimates = Arrays.copyOf(estimates, size);
      Arrays.fill(estimates, old, size, Double.NaN);
      samples = Arrays.copyOf(samples, size);
    }
  }
}
