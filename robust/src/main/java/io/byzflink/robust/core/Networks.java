package io.byzflink.robust.core;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Comparator networks for the coordinate-wise rules: Batcher's odd-even merge sort (Knuth, TAOCP
 * vol. 3, 5.3.4) for any n (built for the next power of two; comparators touching the padding are
 * dropped since padding is +infinity and never moves), then pruned backwards for what the rule
 * reads: a comparator is dropped when neither of its outputs is read, or when both outputs go to
 * the same "order-free" class (e.g. the middle rows of a trimmed mean, which are only summed).
 */
public final class Networks {
  /** A pruned comparator network: apply {@code (lo[c], hi[c])} in order. */
  public static final class Network {
    public final int[] lo;
    public final int[] hi;
    /**
     * Rows of the padded layout used by the register-blocked path: the m wires plus +infinity
     * padding up to a whole number of blocks of 32 (or of 64 when {@link #sort64}). Padding is
     * what Batcher's network assumes beyond m, so fully sorting every padded aligned block gives
     * exactly the state the network reaches after its phases inside those blocks.
     */
    public final int paddedRows;
    /**
     * Whether the blocked path also fully sorts every aligned block of 64 padded wires (merging
     * its two sorted halves of 32 with {@link #merge64Lo} then sorted halves of 16 cleaned in
     * registers) before {@link #restLoBlocked}; chosen when that needs fewer passes over memory.
     */
    public final boolean sort64;
    /**
     * Comparators left once every padded aligned block of 32 (or 64 with {@link #sort64}) wires is
     * fully sorted: the pruned network's comparators of Batcher's phases p &gt;= 32 (resp. 64).
     * Exact because any comparator set between the pruned and the full network gives the same
     * read outputs, and a fully sorted block is the unique state Batcher's earlier phases reach.
     */
    public final int[] restLoBlocked;
    public final int[] restHiBlocked;
    /**
     * The first two steps of the bitonic merge of each aligned block of 64 padded wires whose
     * halves (32 each) are sorted: wire i against its mirror 63 - i, then i against i + 16 inside
     * each half. What is left to sort each block of 16 stays inside it (done in registers).
     */
    public final int[] merge64Lo;
    public final int[] merge64Hi;

    Network(int[] lo, int[] hi, int paddedRows, boolean sort64, int[] restLoBlocked,
        int[] restHiBlocked, int[] merge64Lo, int[] merge64Hi) {
      this.lo = lo;
      this.hi = hi;
      this.paddedRows = paddedRows;
      this.sort64 = sort64;
      this.restLoBlocked = restLoBlocked;
      this.restHiBlocked = restHiBlocked;
      this.merge64Lo = merge64Lo;
      this.merge64Hi = merge64Hi;
    }

    public int size() {
      return lo.length;
    }
  }

  private static final ConcurrentHashMap<String, Network> CACHE = new ConcurrentHashMap<>();

  private Networks() {}

  /** Network leaving the median position(s) of m values exact (others unspecified). */
  public static Network median(int m) {
    return CACHE.computeIfAbsent("median:" + m, k -> {
      int[] cls = fill(m, -1);
      if ((m & 1) == 1) {
        cls[m / 2] = 0;
      } else {
        cls[m / 2 - 1] = 0; // the two middle values are averaged: one order-free class
        cls[m / 2] = 0;
      }
      return build(m, cls);
    });
  }

  /** Network leaving the multiset of sorted positions [t, m-t) in those positions. */
  public static Network trimmed(int m, int t) {
    return CACHE.computeIfAbsent("trim:" + m + ":" + t, k -> {
      int[] cls = fill(m, -1);
      for (int i = t; i < m - t; i++) {
        cls[i] = 0;
      }
      return build(m, cls);
    });
  }

  /**
   * Network for "mean of the keep values closest to the median": positions outside [drop, keep)
   * and the median positions must be exact, the rest of [drop, keep) is summed only.
   */
  public static Network closestToMedian(int m, int keep) {
    return CACHE.computeIfAbsent("closest:" + m + ":" + keep, k -> {
      int drop = m - keep;
      int[] cls = new int[m];
      int next = 1;
      for (int i = 0; i < m; i++) {
        cls[i] = (i >= drop && i < keep) ? 0 : next++;
      }
      cls[(m - 1) / 2] = next++;
      cls[m / 2] = next;
      return build(m, cls);
    });
  }

  /** Full sorting network. */
  public static Network sort(int m) {
    return CACHE.computeIfAbsent("sort:" + m, k -> {
      int[] cls = new int[m];
      for (int i = 0; i < m; i++) {
        cls[i] = i;
      }
      return build(m, cls);
    });
  }

  private static int[] fill(int m, int v) {
    int[] a = new int[m];
    java.util.Arrays.fill(a, v);
    return a;
  }

  /** Batcher's odd-even merge sort comparators for m inputs (padding dropped). */
  static List<int[]> batcher(int m) {
    int p2 = 1;
    while (p2 < m) {
      p2 <<= 1;
    }
    List<int[]> out = new ArrayList<>();
    for (int p = 1; p < p2; p <<= 1) {
      for (int k = p; k >= 1; k >>= 1) {
        for (int j = k % p; j + k < p2; j += 2 * k) {
          for (int i = 0; i <= Math.min(k - 1, p2 - j - k - 1); i++) {
            if ((i + j) / (2 * p) == (i + j + k) / (2 * p)) {
              int a = i + j;
              int b = i + j + k;
              if (b < m) {
                out.add(new int[] {a, b, p});
              }
            }
          }
        }
      }
    }
    return out;
  }

  /**
   * Backward pruning. {@code cls[pos]} is -1 for an unread output, else a class id; outputs of one
   * class are only used as a multiset.
   */
  static Network build(int m, int[] cls) {
    List<int[]> all = batcher(m);
    int[] label = cls.clone();
    int fresh = 1_000_000;
    boolean[] keep = new boolean[all.size()];
    for (int c = all.size() - 1; c >= 0; c--) {
      int a = all.get(c)[0];
      int b = all.get(c)[1];
      int la = label[a];
      int lb = label[b];
      if ((la == -1 && lb == -1) || la == lb) {
        continue;
      }
      keep[c] = true;
      label[a] = fresh++;
      label[b] = fresh++;
    }
    int count = 0;
    for (boolean k : keep) {
      if (k) {
        count++;
      }
    }
    int[] lo = new int[count];
    int[] hi = new int[count];
    List<int[]> rest32 = new ArrayList<>();
    List<int[]> rest64 = new ArrayList<>();
    int q = 0;
    for (int c = 0; c < all.size(); c++) {
      if (keep[c]) {
        int[] cmp = all.get(c);
        lo[q] = cmp[0];
        hi[q] = cmp[1];
        q++;
        if (cmp[2] >= 32) {
          rest32.add(cmp);
        }
        if (cmp[2] >= 64) {
          rest64.add(cmp);
        }
      }
    }
    // The 64-merge costs 64 compare-exchange passes over memory (mirror and i+16 steps) per
    // block of 64 that has two non-empty halves, plus four register cleanings (about 16 passes).
    // A comparator whose upper wire is padding (index >= m) is dropped: padding is the largest
    // key, every comparator sends the larger key up, so wires >= m hold padding throughout and
    // such a comparator never moves anything (a third of them at m = 100).
    List<int[]> merge64 = new ArrayList<>();
    for (int b = 0; 64 * b + 32 < m; b++) {
      for (int i = 0; i < 32; i++) {
        addBelow(merge64, 64 * b + i, 64 * b + 63 - i, m);
      }
      for (int h = 0; h < 2; h++) {
        for (int i = 0; i < 16; i++) {
          addBelow(merge64, 64 * b + 32 * h + i, 64 * b + 32 * h + i + 16, m);
        }
      }
    }
    // Chosen on the unpruned count (measured: the pruned one made the trimmed mean of 50 take
    // this path, and it was slower there).
    int blocks64 = (m + 31) / 64; // blocks of 64 whose upper half holds inputs
    boolean sort64 = blocks64 > 0 && rest64.size() + 80 * blocks64 < rest32.size();
    int padded = sort64 ? (m + 63) / 64 * 64 : (m + 31) / 32 * 32;
    List<int[]> restB = sort64 ? rest64 : rest32;
    if (!sort64) {
      merge64.clear();
    }
    return new Network(lo, hi, padded, sort64,
        column(restB, 0), column(restB, 1), column(merge64, 0), column(merge64, 1));
  }

  private static void addBelow(List<int[]> out, int lo, int hi, int m) {
    if (hi < m) {
      out.add(new int[] {lo, hi});
    }
  }

  private static int[] column(List<int[]> l, int c) {
    int[] a = new int[l.size()];
    for (int i = 0; i < a.length; i++) {
      a[i] = l.get(i)[c];
    }
    return a;
  }
}
