package io.byzflink.decentralized;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Builds the communication graph named by the {@code topology} config key. Allowed forms:
 *
 * <ul>
 *   <li>{@code complete} or {@code mesh}: every pair of nodes, degree n-1.
 *   <li>{@code ring(k)}: node v linked to {@code v±1 .. v±k (mod n)}, degree 2k; needs
 *       {@code 1 <= k} and {@code 2k < n}. {@code ring} alone is {@code ring(1)}.
 *   <li>{@code star}: node 0 is the hub, linked to every other node.
 *   <li>{@code torus}: 2-D wrap-around grid, 4 neighbours, {@code rows x cols = n} with rows the
 *       largest divisor of n that is {@code <= sqrt(n)}; {@code torus(r,c)}: r rows, c columns,
 *       {@code r*c = n}. Both need rows, cols {@code >= 3} (fewer would merge neighbours). Node
 *       {@code v} sits at row {@code v / cols}, column {@code v % cols}.
 *   <li>{@code random-regular(k)}: a seeded random k-regular connected graph; needs
 *       {@code 1 <= k < n}, {@code n*k} even (and n = 2 for k = 1, the only connected matching).
 *   <li>{@code erdos-renyi(p)}: seeded G(n, p) (Erdős and Rényi 1959; Gilbert 1959), each pair an
 *       edge with probability p, {@code 0 < p <= 1}, resampled until connected.
 *   <li>{@code edges:PATH}: an edge-list file, one {@code a b} pair per line (whitespace or a
 *       comma between), nodes {@code 0..n-1}; {@code #} starts a comment, blank lines are ignored,
 *       duplicate edges are merged, self loops and out-of-range ids are rejected with the line
 *       number.
 * </ul>
 *
 * Every result is checked: at least 2 nodes, no self loops, every node of degree {@code >= 1},
 * connected. The random forms draw from {@code new java.util.Random(seed)}, whose sequence the
 * JDK specifies, so the same (spec, n, seed) gives the same graph on every JVM.
 */
public final class Topologies {
  /** The allowed forms, quoted in every error message. */
  public static final String ALLOWED = "complete | mesh | ring | ring(k) | star | torus | torus(r,c)"
      + " | random-regular(k) | erdos-renyi(p) | edges:PATH";

  /** Samples drawn by the random forms before giving up on a connected (simple) graph. */
  static final int MAX_ATTEMPTS = 1000;

  private static final Pattern FORM = Pattern.compile("([a-z-]+)(?:\\((.*)\\))?");

  private Topologies() {}

  /**
   * The topology {@code spec} over {@code n} nodes.
   *
   * @param seed drives {@code random-regular} and {@code erdos-renyi}; ignored by the others
   * @throws IllegalArgumentException naming the key {@code topology}, the problem and the allowed
   *     forms
   */
  public static Topology parse(String spec, int n, long seed) {
    if (spec == null || spec.isBlank()) {
      throw new IllegalArgumentException("topology is empty; allowed: " + ALLOWED);
    }
    String trimmed = spec.trim();
    if (trimmed.regionMatches(true, 0, "edges:", 0, 6)) {
      // The path keeps its case and inner spaces.
      return validated(spec, fromFile(spec, trimmed.substring(6).trim(), n));
    }
    if (n < 2) {
      throw fail(spec, "needs at least 2 nodes, got n=" + n);
    }
    Matcher m = FORM.matcher(trimmed.toLowerCase(Locale.ROOT).replace(" ", ""));
    if (!m.matches()) {
      throw fail(spec, "is not a known form");
    }
    String name = m.group(1);
    String args = m.group(2);
    Topology t;
    switch (name) {
      case "complete":
      case "mesh":
        noArgs(spec, args);
        t = complete(name, n);
        break;
      case "ring":
        t = ring(spec, n, args == null ? 1 : intArg(spec, args, "k"));
        break;
      case "star":
        noArgs(spec, args);
        t = star(n);
        break;
      case "torus":
        t = torus(spec, n, args);
        break;
      case "random-regular":
        t = randomRegular(spec, n, intArg(spec, required(spec, args, "k"), "k"), seed);
        break;
      case "erdos-renyi":
        t = erdosRenyi(spec, n, doubleArg(spec, required(spec, args, "p"), "p"), seed);
        break;
      default:
        throw fail(spec, "is not a known form");
    }
    return validated(spec, t);
  }

  private static Topology complete(String name, int n) {
    List<int[]> edges = new ArrayList<>(n * (n - 1) / 2);
    for (int a = 0; a < n; a++) {
      for (int b = a + 1; b < n; b++) {
        edges.add(new int[] {a, b});
      }
    }
    return Topology.fromEdges(name, n, edges);
  }

  private static Topology ring(String spec, int n, int k) {
    if (k < 1 || 2 * k >= n) {
      throw fail(spec, "needs 1 <= k and 2k < n, got k=" + k + " n=" + n
          + (k >= 1 ? " (use complete for degree n-1)" : ""));
    }
    List<int[]> edges = new ArrayList<>(n * k);
    for (int v = 0; v < n; v++) {
      for (int j = 1; j <= k; j++) {
        edges.add(new int[] {v, (v + j) % n});
      }
    }
    return Topology.fromEdges("ring(" + k + ")", n, edges);
  }

  private static Topology star(int n) {
    List<int[]> edges = new ArrayList<>(n - 1);
    for (int v = 1; v < n; v++) {
      edges.add(new int[] {0, v});
    }
    return Topology.fromEdges("star", n, edges);
  }

  private static Topology torus(String spec, int n, String args) {
    int rows;
    int cols;
    if (args == null) {
      rows = 1;
      for (int r = 1; (long) r * r <= n; r++) {
        if (n % r == 0) {
          rows = r;
        }
      }
      cols = n / rows;
      if (rows < 3) {
        throw fail(spec, "needs rows, cols >= 3, but n=" + n + " only factors as " + rows + " x "
            + cols + " (choose n = r*c with r, c >= 3, e.g. 9, 12, 16)");
      }
    } else {
      String[] parts = args.split(",", -1);
      if (parts.length != 2) {
        throw fail(spec, "takes two arguments, rows and columns");
      }
      rows = intArg(spec, parts[0], "r");
      cols = intArg(spec, parts[1], "c");
      if ((long) rows * cols != n || rows < 3 || cols < 3) {
        throw fail(spec, "needs r*c = n and r, c >= 3, got r=" + rows + " c=" + cols + " n=" + n);
      }
    }
    List<int[]> edges = new ArrayList<>(2 * n);
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        int v = r * cols + c;
        edges.add(new int[] {v, r * cols + (c + 1) % cols});
        edges.add(new int[] {v, ((r + 1) % rows) * cols + c});
      }
    }
    return Topology.fromEdges("torus(" + rows + "," + cols + ")", n, edges);
  }

  /**
   * Random k-regular graph by the pairing model with re-pairing of rejected points (Steger and
   * Wormald, "Generating random regular graphs quickly", Combinatorics, Probability and Computing
   * 1999; the procedure of networkx's {@code random_regular_graph}): shuffle the n*k points (k per
   * node) and pair neighbours in the shuffled order; a pair that would form a self loop or a
   * repeated edge is set aside and its points are shuffled and paired again. When no pair of the
   * leftover nodes could still form a new edge, the attempt restarts. An attempt that ends simple
   * but disconnected restarts too. The result is close to uniform over simple k-regular graphs
   * (exactly uniform only asymptotically, for small k).
   */
  private static Topology randomRegular(String spec, int n, int k, long seed) {
    if (k < 1 || k >= n) {
      throw fail(spec, "needs 1 <= k < n, got k=" + k + " n=" + n);
    }
    if ((long) n * k % 2 != 0) {
      throw fail(spec, "needs n*k even (each edge uses two endpoints), got n=" + n + " k=" + k);
    }
    if (k == 1 && n > 2) {
      throw fail(spec, "is a perfect matching, connected only for n=2; use k >= 2");
    }
    Random random = new Random(seed);
    String name = "random-regular(" + k + ") seed " + seed;
    for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      int[][] adjacency = tryRegularPairing(n, k, random);
      if (adjacency == null) {
        continue;
      }
      List<int[]> edges = new ArrayList<>(n * k / 2);
      for (int a = 0; a < n; a++) {
        for (int b : adjacency[a]) {
          if (a < b) {
            edges.add(new int[] {a, b});
          }
        }
      }
      Topology t = Topology.fromEdges(name, n, edges);
      if (t.isConnected()) {
        return t;
      }
    }
    throw fail(spec, "found no simple connected " + k + "-regular graph on n=" + n + " nodes in "
        + MAX_ATTEMPTS + " attempts (seed " + seed + "); try another k or seed");
  }

  /** One pairing attempt: adjacency rows of length k, or null when it got stuck. */
  private static int[][] tryRegularPairing(int n, int k, Random random) {
    int[][] adjacency = new int[n][k];
    int[] degree = new int[n];
    int[] points = new int[n * k];
    for (int i = 0; i < points.length; i++) {
      points[i] = i / k;
    }
    int[] leftover = new int[n];
    int remaining = points.length;
    while (remaining > 0) {
      shuffle(points, remaining, random);
      int kept = 0;
      java.util.Arrays.fill(leftover, 0);
      for (int i = 0; i < remaining; i += 2) {
        int a = points[i];
        int b = points[i + 1];
        if (a != b && !contains(adjacency[a], degree[a], b)) {
          adjacency[a][degree[a]++] = b;
          adjacency[b][degree[b]++] = a;
        } else {
          leftover[a]++;
          leftover[b]++;
          kept += 2;
        }
      }
      if (kept == 0) {
        break;
      }
      if (!anyPairPossible(adjacency, degree, leftover)) {
        return null;
      }
      int w = 0;
      for (int v = 0; v < n; v++) {
        for (int j = 0; j < leftover[v]; j++) {
          points[w++] = v;
        }
      }
      remaining = kept;
    }
    return adjacency;
  }

  /** Whether two distinct nodes with leftover points are not yet adjacent. */
  private static boolean anyPairPossible(int[][] adjacency, int[] degree, int[] leftover) {
    for (int a = 0; a < leftover.length; a++) {
      if (leftover[a] == 0) {
        continue;
      }
      for (int b = a + 1; b < leftover.length; b++) {
        if (leftover[b] > 0 && !contains(adjacency[a], degree[a], b)) {
          return true;
        }
      }
    }
    return false;
  }

  private static boolean contains(int[] row, int len, int x) {
    for (int i = 0; i < len; i++) {
      if (row[i] == x) {
        return true;
      }
    }
    return false;
  }

  /** Fisher-Yates over the first {@code len} entries. */
  private static void shuffle(int[] a, int len, Random random) {
    for (int i = len - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }

  private static Topology erdosRenyi(String spec, int n, double p, long seed) {
    if (!(p > 0 && p <= 1)) {
      throw fail(spec, "needs 0 < p <= 1, got p=" + p);
    }
    Random random = new Random(seed);
    String name = "erdos-renyi(" + p + ") seed " + seed;
    for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      List<int[]> edges = new ArrayList<>();
      for (int a = 0; a < n; a++) {
        for (int b = a + 1; b < n; b++) {
          if (random.nextDouble() < p) {
            edges.add(new int[] {a, b});
          }
        }
      }
      Topology t = Topology.fromEdges(name, n, edges);
      if (t.isConnected()) {
        return t;
      }
    }
    // G(n, p) is connected with high probability above the threshold ln(n)/n (Erdős and Rényi
    // 1960); twice that is comfortably above it.
    double suggested = Math.min(1.0, 2 * Math.log(n) / n);
    throw fail(spec, String.format(Locale.ROOT, "stayed disconnected in %d samples (n=%d, seed %d);"
        + " use a larger p, e.g. p >= %.3f (2 ln(n)/n)", MAX_ATTEMPTS, n, seed, suggested));
  }

  private static Topology fromFile(String spec, String path, int n) {
    if (path.isEmpty()) {
      throw fail(spec, "names no file");
    }
    if (n < 2) {
      throw fail(spec, "needs at least 2 nodes, got n=" + n);
    }
    List<String> lines;
    try {
      lines = Files.readAllLines(Path.of(path));
    } catch (IOException | InvalidPathException e) {
      throw fail(spec, "cannot read the edge file: " + e);
    }
    List<int[]> edges = new ArrayList<>(lines.size());
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      int hash = line.indexOf('#');
      String body = (hash >= 0 ? line.substring(0, hash) : line).trim();
      if (body.isEmpty()) {
        continue;
      }
      String[] tokens = body.split("[\\s,]+");
      int a;
      int b;
      try {
        if (tokens.length != 2) {
          throw new NumberFormatException();
        }
        a = Integer.parseInt(tokens[0]);
        b = Integer.parseInt(tokens[1]);
      } catch (NumberFormatException e) {
        throw fail(spec, "line " + (i + 1) + ": expected two node ids 'a b', got '" + line + "'");
      }
      if (a < 0 || a >= n || b < 0 || b >= n) {
        throw fail(spec, "line " + (i + 1) + ": node id outside 0.." + (n - 1) + " in '" + body
            + "'");
      }
      if (a == b) {
        throw fail(spec, "line " + (i + 1) + ": self loop " + a + " " + b);
      }
      edges.add(new int[] {a, b});
    }
    return Topology.fromEdges("edges:" + path, n, edges);
  }

  /** The checks every topology passes: >= 2 nodes, degree >= 1 everywhere, connected. */
  private static Topology validated(String spec, Topology t) {
    for (int v = 0; v < t.size(); v++) {
      if (t.degree(v) == 0) {
        throw fail(spec, "leaves node " + v + " without neighbours");
      }
    }
    int reached = t.reachableFromZero();
    if (reached != t.size()) {
      throw fail(spec, "is not connected: only " + reached + " of " + t.size()
          + " nodes are reachable from node 0");
    }
    return t;
  }

  private static void noArgs(String spec, String args) {
    if (args != null) {
      throw fail(spec, "takes no arguments");
    }
  }

  private static String required(String spec, String args, String what) {
    if (args == null || args.isEmpty()) {
      throw fail(spec, "needs its argument " + what);
    }
    return args;
  }

  private static int intArg(String spec, String s, String what) {
    try {
      return Integer.parseInt(s.trim());
    } catch (NumberFormatException e) {
      throw fail(spec, what + " must be an integer, got '" + s + "'");
    }
  }

  private static double doubleArg(String spec, String s, String what) {
    try {
      return Double.parseDouble(s.trim());
    } catch (NumberFormatException e) {
      throw fail(spec, what + " must be a number, got '" + s + "'");
    }
  }

  private static IllegalArgumentException fail(String spec, String problem) {
    return new IllegalArgumentException("topology '" + spec + "' " + problem + "; allowed: "
        + ALLOWED);
  }
}
