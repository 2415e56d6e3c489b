package io.byzflink.decentralized;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * An undirected simple graph over the nodes {@code 0 .. size()-1}: who may exchange models with
 * whom in decentralized learning. Immutable; every accessor returns a copy, so a topology can be
 * shared by all subtasks of a job and shipped in a closure.
 *
 * <p>{@link #fromEdges} only builds the graph (no self loops, ids in range, duplicate edges merged);
 * it does not require connectivity. {@link Topologies#parse} builds the named topologies of the
 * {@code topology} config key and additionally insists on a connected graph.
 *
 * <p>Equality is structural: two topologies are equal when they have the same size and the same
 * edge set, whatever their names.
 */
public final class Topology implements Serializable {
  private static final long serialVersionUID = 1L;

  private final String name;
  /** adjacency[v] = the neighbours of v, sorted ascending, without v and without duplicates. */
  private final int[][] adjacency;
  private final int edgeCount;

  private Topology(String name, int[][] adjacency, int edgeCount) {
    this.name = name;
    this.adjacency = adjacency;
    this.edgeCount = edgeCount;
  }

  /**
   * The graph on {@code n} nodes with the given undirected edges ({@code {a, b}} pairs, either
   * order). Duplicate edges, including {@code {b, a}} after {@code {a, b}}, are merged.
   *
   * @param name what the graph is, shown by {@link #describe()} (e.g. {@code "ring(2)"})
   * @throws IllegalArgumentException for n < 1, an edge that is not a pair, a node id outside
   *     {@code 0..n-1} or a self loop
   */
  public static Topology fromEdges(String name, int n, Iterable<int[]> edges) {
    if (n < 1) {
      throw new IllegalArgumentException("a topology needs at least 1 node, got n=" + n);
    }
    // Each edge as one long key a * n + b with a < b: sorting the keys dedupes without boxing.
    long[] keys = new long[16];
    int count = 0;
    for (int[] e : edges) {
      if (e == null || e.length != 2) {
        throw new IllegalArgumentException("an edge is a pair of node ids, got "
            + (e == null ? "null" : Arrays.toString(e)));
      }
      int a = Math.min(e[0], e[1]);
      int b = Math.max(e[0], e[1]);
      if (a < 0 || b >= n) {
        throw new IllegalArgumentException("edge " + e[0] + " " + e[1]
            + " has a node id outside 0.." + (n - 1));
      }
      if (a == b) {
        throw new IllegalArgumentException("edge " + a + " " + b + " is a self loop");
      }
      if (count == keys.length) {
        keys = Arrays.copyOf(keys, 2 * count);
      }
      keys[count++] = (long) a * n + b;
    }
    Arrays.sort(keys, 0, count);
    int[] degree = new int[n];
    int unique = 0;
    for (int i = 0; i < count; i++) {
      if (i > 0 && keys[i] == keys[i - 1]) {
        continue;
      }
      keys[unique++] = keys[i];
      degree[(int) (keys[i] / n)]++;
      degree[(int) (keys[i] % n)]++;
    }
    int[][] adjacency = new int[n][];
    for (int v = 0; v < n; v++) {
      adjacency[v] = new int[degree[v]];
    }
    int[] fill = new int[n];
    for (int i = 0; i < unique; i++) {
      int a = (int) (keys[i] / n);
      int b = (int) (keys[i] % n);
      adjacency[a][fill[a]++] = b;
      adjacency[b][fill[b]++] = a;
    }
    // No sort needed: keys run in (a, b) order, so node v first receives its smaller neighbours
    // (keys (x, v), x < v, ascending x) and then its larger ones (keys (v, y), ascending y).
    return new Topology(name == null ? "graph" : name, adjacency, unique);
  }

  /** Number of nodes. */
  public int size() {
    return adjacency.length;
  }

  /** What this graph is, e.g. {@code "ring(2)"} or {@code "random-regular(4) seed 7"}. */
  public String name() {
    return name;
  }

  /** The neighbours of {@code node}, ascending, never {@code node} itself (a fresh copy). */
  public int[] neighbours(int node) {
    return adjacency[check(node)].clone();
  }

  /** Number of neighbours of {@code node}. */
  public int degree(int node) {
    return adjacency[check(node)].length;
  }

  /** Whether {@code a} and {@code b} share an edge. */
  public boolean areNeighbours(int a, int b) {
    check(b);
    return Arrays.binarySearch(adjacency[check(a)], b) >= 0;
  }

  /** Number of undirected edges. */
  public int edgeCount() {
    return edgeCount;
  }

  /** Every undirected edge once as {@code {a, b}} with a < b, sorted by (a, b); unmodifiable. */
  public List<int[]> edges() {
    List<int[]> out = new ArrayList<>(edgeCount);
    for (int a = 0; a < adjacency.length; a++) {
      for (int b : adjacency[a]) {
        if (a < b) {
          out.add(new int[] {a, b});
        }
      }
    }
    return Collections.unmodifiableList(out);
  }

  /** Whether every node is reachable from node 0 (breadth-first search). */
  public boolean isConnected() {
    return reachableFromZero() == adjacency.length;
  }

  /** Number of nodes reachable from node 0, itself included. */
  int reachableFromZero() {
    int n = adjacency.length;
    boolean[] seen = new boolean[n];
    int[] queue = new int[n];
    int head = 0;
    int tail = 0;
    queue[tail++] = 0;
    seen[0] = true;
    while (head < tail) {
      for (int w : adjacency[queue[head++]]) {
        if (!seen[w]) {
          seen[w] = true;
          queue[tail++] = w;
        }
      }
    }
    return tail;
  }

  /**
   * One line for logs: name, nodes, edges and degrees, e.g.
   * {@code "ring(2): 16 nodes, 32 edges, degree 4, connected"} or
   * {@code "erdos-renyi(0.3) seed 1: 16 nodes, 37 edges, degree 2..8 (mean 4.63), connected"}.
   */
  public String describe() {
    int min = Integer.MAX_VALUE;
    int max = 0;
    for (int[] row : adjacency) {
      min = Math.min(min, row.length);
      max = Math.max(max, row.length);
    }
    String degrees = min == max ? "degree " + min
        : String.format(java.util.Locale.ROOT, "degree %d..%d (mean %.2f)", min, max,
            2.0 * edgeCount / adjacency.length);
    return name + ": " + adjacency.length + " nodes, " + edgeCount + " edges, " + degrees + ", "
        + (isConnected() ? "connected" : "not connected");
  }

  private int check(int node) {
    if (node < 0 || node >= adjacency.length) {
      throw new IndexOutOfBoundsException("node " + node + " outside 0.." + (adjacency.length - 1));
    }
    return node;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Topology && Arrays.deepEquals(adjacency, ((Topology) o).adjacency);
  }

  @Override
  public int hashCode() {
    return Arrays.deepHashCode(adjacency);
  }

  @Override
  public String toString() {
    return describe();
  }
}
