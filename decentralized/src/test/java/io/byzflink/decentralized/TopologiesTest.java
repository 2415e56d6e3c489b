package io.byzflink.decentralized;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TopologiesTest {
  @TempDir
  Path dir;

  /** The structural invariants every topology must satisfy. */
  static void assertWellFormed(Topology t) {
    int n = t.size();
    int degreeSum = 0;
    for (int v = 0; v < n; v++) {
      int[] nb = t.neighbours(v);
      assertThat(nb).hasSize(t.degree(v)).doesNotContain(v).isSorted().doesNotHaveDuplicates();
      assertThat(t.degree(v)).isGreaterThanOrEqualTo(1);
      for (int w : nb) {
        assertThat(w).isBetween(0, n - 1);
        assertThat(t.neighbours(w)).as("symmetry %d-%d", v, w).contains(v);
        assertThat(t.areNeighbours(v, w)).isTrue();
      }
      degreeSum += nb.length;
    }
    assertThat(degreeSum).isEqualTo(2 * t.edgeCount());
    List<int[]> edges = t.edges();
    assertThat(edges).hasSize(t.edgeCount());
    for (int[] e : edges) {
      assertThat(e[0]).isLessThan(e[1]);
    }
    assertThat(t.isConnected()).isTrue();
  }

  private static void assertRegular(Topology t, int degree) {
    for (int v = 0; v < t.size(); v++) {
      assertThat(t.degree(v)).as("degree of %d", v).isEqualTo(degree);
    }
  }

  @Test
  void completeAndMeshLinkEveryPair() {
    for (String spec : new String[] {"complete", "mesh", " Complete "}) {
      Topology t = Topologies.parse(spec, 7, 0);
      assertWellFormed(t);
      assertRegular(t, 6);
      assertThat(t.edgeCount()).isEqualTo(21);
    }
    assertThat(Topologies.parse("mesh", 7, 0)).isEqualTo(Topologies.parse("complete", 7, 0));
    // n = 2 is the smallest allowed graph: one edge.
    assertThat(Topologies.parse("complete", 2, 0).edges()).containsExactly(new int[] {0, 1});
  }

  @Test
  void ringLinksTheKNearestOnEachSide() {
    Topology ring = Topologies.parse("ring", 5, 0);
    assertWellFormed(ring);
    assertRegular(ring, 2);
    assertThat(ring.edgeCount()).isEqualTo(5);
    assertThat(ring.neighbours(0)).containsExactly(1, 4);
    assertThat(Topologies.parse("ring(1)", 5, 0)).isEqualTo(ring);

    Topology ring2 = Topologies.parse("ring(2)", 16, 0);
    assertWellFormed(ring2);
    assertRegular(ring2, 4);
    assertThat(ring2.edgeCount()).isEqualTo(32);
    assertThat(ring2.neighbours(0)).containsExactly(1, 2, 14, 15);
    assertThat(ring2.neighbours(7)).containsExactly(5, 6, 8, 9);
    assertThat(ring2.describe()).isEqualTo("ring(2): 16 nodes, 32 edges, degree 4, connected");

    // Largest k: 2k = n - 1 is the complete graph on an odd number of nodes.
    Topology ring7 = Topologies.parse("ring(7)", 15, 0);
    assertWellFormed(ring7);
    assertThat(ring7).isEqualTo(Topologies.parse("complete", 15, 0));
  }

  @Test
  void starHasNodeZeroAsHub() {
    Topology t = Topologies.parse("star", 6, 0);
    assertWellFormed(t);
    assertThat(t.degree(0)).isEqualTo(5);
    assertThat(t.neighbours(0)).containsExactly(1, 2, 3, 4, 5);
    for (int v = 1; v < 6; v++) {
      assertThat(t.neighbours(v)).containsExactly(0);
    }
    assertThat(t.edgeCount()).isEqualTo(5);
    assertThat(t.describe()).isEqualTo("star: 6 nodes, 5 edges, degree 1..5 (mean 1.67), connected");
  }

  @Test
  void torusIsAWrapAroundGrid() {
    Topology t = Topologies.parse("torus", 16, 0);
    assertWellFormed(t);
    assertRegular(t, 4);
    assertThat(t.edgeCount()).isEqualTo(32);
    assertThat(t.name()).isEqualTo("torus(4,4)");
    // Node 0 at (0,0): right 1, left 3, down 4, up 12.
    assertThat(t.neighbours(0)).containsExactly(1, 3, 4, 12);
    // Node 5 at (1,1): 1, 4, 6, 9.
    assertThat(t.neighbours(5)).containsExactly(1, 4, 6, 9);

    // n = 12: the largest divisor <= sqrt(12) is 3, so 3 x 4.
    Topology t12 = Topologies.parse("torus", 12, 0);
    assertWellFormed(t12);
    assertRegular(t12, 4);
    assertThat(t12.name()).isEqualTo("torus(3,4)");
    assertThat(t12.neighbours(0)).containsExactly(1, 3, 4, 8);

    Topology explicit = Topologies.parse("torus(3, 5)", 15, 0);
    assertWellFormed(explicit);
    assertRegular(explicit, 4);
    assertThat(explicit.edgeCount()).isEqualTo(30);
    assertThat(explicit.neighbours(7)).containsExactly(2, 6, 8, 12);
  }

  @ParameterizedTest
  @CsvSource({"16, 3", "10, 4", "12, 5", "20, 2", "2, 1", "9, 8", "50, 6"})
  void randomRegularIsRegularSimpleAndConnected(int n, int k) {
    for (long seed = 0; seed < 5; seed++) {
      Topology t = Topologies.parse("random-regular(" + k + ")", n, seed);
      assertWellFormed(t);
      assertRegular(t, k);
      assertThat(t.edgeCount()).isEqualTo(n * k / 2);
    }
  }

  @Test
  void randomFormsAreReproducibleAndSeedDependent() {
    for (String spec : new String[] {"random-regular(3)", "erdos-renyi(0.3)"}) {
      Topology a = Topologies.parse(spec, 16, 42);
      Topology b = Topologies.parse(spec, 16, 42);
      assertThat(b).isEqualTo(a);
      assertThat(b.edges()).containsExactlyElementsOf(a.edges());
      assertThat(Topologies.parse(spec, 16, 43)).as(spec).isNotEqualTo(a);
    }
    // Deterministic ones ignore the seed.
    assertThat(Topologies.parse("ring(2)", 16, 1)).isEqualTo(Topologies.parse("ring(2)", 16, 2));
  }

  @Test
  void erdosRenyiIsConnectedAndHasAboutPTimesAllPairs() {
    long total = 0;
    for (long seed = 0; seed < 20; seed++) {
      Topology t = Topologies.parse("erdos-renyi(0.3)", 30, seed);
      assertWellFormed(t);
      total += t.edgeCount();
    }
    // 20 graphs x 435 pairs x 0.3 = 2610 expected edges (conditioning on connectivity shifts it
    // up a little); sd of the count is about 43.
    assertThat(total).isBetween(2450L, 2800L);
    assertThat(Topologies.parse("erdos-renyi(1)", 6, 3)).isEqualTo(Topologies.parse("complete", 6, 0));
  }

  @Test
  void edgeFileWithCommentsBlankLinesAndDuplicates() throws Exception {
    Path f = dir.resolve("g.txt");
    Files.writeString(f, "# a path 0-1-2-3 plus a chord\n0 1\n\n1 2   # inline comment\n2,3\n"
        + "1 0\n  3 0 \n");
    Topology t = Topologies.parse("edges:" + f, 4, 0);
    assertWellFormed(t);
    assertThat(t.edgeCount()).isEqualTo(4);
    assertThat(t.neighbours(0)).containsExactly(1, 3);
    assertThat(t.neighbours(2)).containsExactly(1, 3);
    assertThat(t.name()).isEqualTo("edges:" + f);
  }

  @Test
  void topologyIsSerializable() throws Exception {
    Topology t = Topologies.parse("random-regular(4)", 12, 5);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(t);
    }
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      Topology back = (Topology) in.readObject();
      assertThat(back).isEqualTo(t);
      assertThat(back.describe()).isEqualTo(t.describe());
    }
  }

  @Test
  void accessorsReturnCopies() {
    Topology t = Topologies.parse("ring", 4, 0);
    t.neighbours(0)[0] = 99;
    assertThat(t.neighbours(0)).containsExactly(1, 3);
    assertThatThrownBy(() -> t.edges().add(new int[] {0, 2}))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> t.degree(4)).isInstanceOf(IndexOutOfBoundsException.class);
  }

  @Test
  void fromEdgesMergesDuplicatesAndAllowsDisconnectedGraphs() {
    Topology t = Topology.fromEdges("two pieces", 4, List.of(new int[] {0, 1}, new int[] {1, 0},
        new int[] {2, 3}));
    assertThat(t.edgeCount()).isEqualTo(2);
    assertThat(t.isConnected()).isFalse();
    assertThat(t.describe()).endsWith("not connected");
    assertThatThrownBy(() -> Topology.fromEdges("x", 3, List.of(new int[] {1, 1})))
        .hasMessage("edge 1 1 is a self loop");
    assertThatThrownBy(() -> Topology.fromEdges("x", 3, List.of(new int[] {0, 3})))
        .hasMessage("edge 0 3 has a node id outside 0..2");
  }

  // ---- errors ----

  private static void assertFails(String spec, int n, String problem) {
    assertThatThrownBy(() -> Topologies.parse(spec, n, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("topology '" + spec + "' ")
        .hasMessageContaining(problem)
        .hasMessageEndingWith("; allowed: " + Topologies.ALLOWED);
  }

  @Test
  void badSpecsFailWithOneMessageNamingTheKeyAndTheForms() {
    assertFails("ring(8)", 16, "needs 1 <= k and 2k < n, got k=8 n=16");
    assertFails("ring(0)", 16, "needs 1 <= k and 2k < n, got k=0 n=16");
    assertFails("ring(two)", 16, "k must be an integer, got 'two'");
    assertFails("ring", 2, "needs 1 <= k and 2k < n, got k=1 n=2");
    assertFails("hypercube", 16, "is not a known form");
    assertFails("ring[2]", 16, "is not a known form");
    assertFails("star(3)", 16, "takes no arguments");
    assertFails("torus(3,4)", 16, "needs r*c = n and r, c >= 3, got r=3 c=4 n=16");
    assertFails("torus(2,8)", 16, "needs r*c = n and r, c >= 3, got r=2 c=8 n=16");
    assertFails("torus(4)", 16, "takes two arguments, rows and columns");
    assertFails("torus", 10, "only factors as 2 x 5");
    assertFails("torus", 7, "only factors as 1 x 7");
    assertFails("random-regular(3)", 7, "needs n*k even");
    assertFails("random-regular(16)", 16, "needs 1 <= k < n, got k=16 n=16");
    assertFails("random-regular", 16, "needs its argument k");
    assertFails("random-regular(1)", 8, "connected only for n=2");
    assertFails("erdos-renyi(0)", 16, "needs 0 < p <= 1, got p=0.0");
    assertFails("erdos-renyi(1.5)", 16, "needs 0 < p <= 1, got p=1.5");
    assertFails("erdos-renyi(x)", 16, "p must be a number, got 'x'");
    assertFails("erdos-renyi(0.01)", 40, "stayed disconnected in 1000 samples (n=40, seed 1);"
        + " use a larger p, e.g. p >= 0.184 (2 ln(n)/n)");
    assertFails("complete", 1, "needs at least 2 nodes, got n=1");
    assertThatThrownBy(() -> Topologies.parse(" ", 4, 0))
        .hasMessage("topology is empty; allowed: " + Topologies.ALLOWED);
  }

  @Test
  void badEdgeFilesNameTheLine() throws Exception {
    Path loop = dir.resolve("loop.txt");
    Files.writeString(loop, "0 1\n# comment\n2 2\n");
    assertFails("edges:" + loop, 3, "line 3: self loop 2 2");

    Path range = dir.resolve("range.txt");
    Files.writeString(range, "0 1\n1 5\n");
    assertFails("edges:" + range, 3, "line 2: node id outside 0..2 in '1 5'");

    Path garbage = dir.resolve("garbage.txt");
    Files.writeString(garbage, "0 1 2\n");
    assertFails("edges:" + garbage, 3, "line 1: expected two node ids 'a b', got '0 1 2'");

    Path disconnected = dir.resolve("disconnected.txt");
    Files.writeString(disconnected, "0 1\n2 3\n");
    assertFails("edges:" + disconnected, 4,
        "is not connected: only 2 of 4 nodes are reachable from node 0");

    Path isolated = dir.resolve("isolated.txt");
    Files.writeString(isolated, "0 1\n1 2\n");
    assertFails("edges:" + isolated, 4, "leaves node 3 without neighbours");

    assertFails("edges:" + dir.resolve("missing.txt"), 4, "cannot read the edge file");
  }
}
