package io.byzflink.decentralized;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class LayerMergeTest {
  @Test
  void averagesOwnLayerWithThePulledCopies() {
    // (own + 3 + 5) / 3 per coordinate: (1+3+5)/3 = 3, (2+4+0)/3 = 2, (3+5+1)/3 = 3, (-1+2+2)/3 = 1.
    float[] own = {1, 2, 3, -1};
    LayerMerge.mergeLayer(own, List.of(new float[] {3, 4, 5, 2}, new float[] {5, 0, 1, 2}));
    assertThat(own).containsExactly(3, 2, 3, 1);
  }

  @Test
  void oneCopyMovesTheLayerHalfway() {
    float[] own = {0, 10};
    LayerMerge.mergeLayer(own, List.of(new float[] {1, 20}));
    assertThat(own).containsExactly(0.5f, 15);
  }

  @Test
  void noCopyLeavesTheLayerUnchanged() {
    float[] own = {1.5f, -2};
    LayerMerge.mergeLayer(own, List.of());
    assertThat(own).containsExactly(1.5f, -2);
  }

  @Test
  void accumulatesInDouble() {
    // 1e8 + 1 + 1 + ... in float would drop every 1; in double the mean of 1e8 and 20 copies of
    // 1e8 + 8 (exactly representable) is exactly representable too.
    float[] own = {1e8f};
    List<float[]> pulled = new ArrayList<>();
    for (int s = 0; s < 20; s++) {
      pulled.add(new float[] {1e8f + 8});
    }
    LayerMerge.mergeLayer(own, pulled);
    double expected = (1e8 + 20 * (1e8 + 8)) / 21;
    assertThat(own[0]).isEqualTo((float) expected);
  }

  @Test
  void rejectsACopyOfAnotherLength() {
    float[] own = {1, 2};
    assertThatThrownBy(() -> LayerMerge.mergeLayer(own, Arrays.asList(new float[2], new float[3])))
        .hasMessage("pulled copy 1 of the layer has 3 values, own layer has 2");
    assertThat(own).containsExactly(1, 2);
  }
}
