package io.byzflink.decentralized;

import java.util.List;

/**
 * The layer-wise merge of MPLS (Euro-Par 2025, "MPLS: Stacking Diverse Layers Into One Model for
 * Decentralized Federated Learning"): node i averages each layer with the copies of that layer it
 * pulled, {@code w_i(l) <- (sum_s y_s(l) w_s(l) + w_i(l)) / (sum_s y_s(l) + 1)}, where
 * {@code y_s(l) = 1} iff the {@link PullPlan} pulls layer l from peer s. Layers pulled from no peer
 * keep the node's own values; the node's own layer counts as one more vote, so a single pulled
 * copy moves the layer halfway.
 */
public final class LayerMerge {
  private LayerMerge() {}

  /**
   * Replaces {@code own} in place by the plain mean of {@code own} and the pulled copies (the
   * copies with {@code y_s(l) = 1}), accumulating each coordinate in double. No pulled copy leaves
   * {@code own} unchanged.
   *
   * @throws IllegalArgumentException when a pulled copy is null or has another length
   */
  public static void mergeLayer(float[] own, List<float[]> pulled) {
    int k = pulled.size();
    if (k == 0) {
      return;
    }
    float[][] copies = pulled.toArray(new float[0][]);
    for (int s = 0; s < k; s++) {
      if (copies[s] == null || copies[s].length != own.length) {
        throw new IllegalArgumentException("pulled copy " + s + " of the layer has "
            + (copies[s] == null ? "no values" : copies[s].length + " values") + ", own layer has "
            + own.length);
      }
    }
    double scale = 1.0 / (k + 1);
    for (int j = 0; j < own.length; j++) {
      double sum = own[j];
      for (int s = 0; s < k; s++) {
        sum += copies[s][j];
      }
      own[j] = (float) (sum * scale);
    }
  }
}
