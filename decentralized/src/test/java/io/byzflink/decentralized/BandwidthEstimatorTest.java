package io.byzflink.decentralized;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import org.junit.jupiter.api.Test;

class BandwidthEstimatorTest {
  @Test
  void unmeasuredPeersReportThePrior() {
    BandwidthEstimator e = new BandwidthEstimator();
    assertThat(e.estimate(0)).isEqualTo(BandwidthEstimator.DEFAULT_PRIOR_BYTES_PER_MS);
    assertThat(e.estimate(1000)).isEqualTo(BandwidthEstimator.DEFAULT_PRIOR_BYTES_PER_MS);
    assertThat(e.sampleCount(3)).isZero();
  }

  @Test
  void firstSampleReplacesThePriorThenEwma() {
    BandwidthEstimator e = new BandwidthEstimator(0.25, 100);
    e.record(7, 4000, 10); // 400 bytes/ms
    assertThat(e.estimate(7)).isEqualTo(400);
    e.record(7, 800, 10); // sample 80: 0.75 * 400 + 0.25 * 80 = 320
    assertThat(e.estimate(7)).isCloseTo(320, within(1e-12));
    e.record(7, 0, 5); // sample 0: 0.75 * 320 = 240
    assertThat(e.estimate(7)).isCloseTo(240, within(1e-12));
    assertThat(e.sampleCount(7)).isEqualTo(3);
    // Other peers untouched, the table grew past them.
    assertThat(e.estimate(3)).isEqualTo(100);
    assertThat(e.estimates(new int[] {7, 3})).containsExactly(new double[] {240, 100}, within(1e-12));
  }

  @Test
  void zeroDurationIsClampedNotInfinite() {
    BandwidthEstimator e = new BandwidthEstimator();
    e.record(0, 1000, 0);
    assertThat(e.estimate(0)).isEqualTo(1000 / BandwidthEstimator.MIN_MILLIS);
  }

  @Test
  void convergesToASteadyLinkSpeed() {
    BandwidthEstimator e = new BandwidthEstimator();
    e.record(2, 1_000_000, 1); // an outlier first sample
    for (int i = 0; i < 60; i++) {
      e.record(2, 5000, 2); // 2500 bytes/ms
    }
    assertThat(e.estimate(2)).isCloseTo(2500, within(1e-3));
  }

  @Test
  void survivesJavaSerialization() throws Exception {
    BandwidthEstimator e = new BandwidthEstimator(0.5, 50);
    e.record(1, 300, 3);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(e);
    }
    BandwidthEstimator back;
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      back = (BandwidthEstimator) in.readObject();
    }
    assertThat(back.estimate(1)).isEqualTo(100);
    assertThat(back.estimate(0)).isEqualTo(50);
    back.record(1, 0, 1);
    assertThat(back.estimate(1)).isEqualTo(50);
  }

  @Test
  void rejectsBadArguments() {
    assertThatThrownBy(() -> new BandwidthEstimator(0, 1))
        .hasMessage("bandwidth smoothing must be in (0, 1], got 0.0");
    assertThatThrownBy(() -> new BandwidthEstimator(0.5, 0))
        .hasMessage("bandwidth prior must be a positive number of bytes/ms, got 0.0");
    BandwidthEstimator e = new BandwidthEstimator();
    assertThatThrownBy(() -> e.record(-1, 1, 1)).hasMessage("peer id must be >= 0, got -1");
    assertThatThrownBy(() -> e.record(0, 1, -1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> e.record(0, -1, 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> e.record(0, 1, Double.NaN)).isInstanceOf(IllegalArgumentException.class);
  }
}
