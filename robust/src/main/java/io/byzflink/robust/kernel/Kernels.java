package io.byzflink.robust.kernel;

/**
 * The hot loops of the aggregation plans, on {@code float[]} rows.
 *
 * <p>Two implementations exist: {@link ScalarKernels} (plain Java, always available) and a SIMD one
 * built on the JDK's incubating Vector API ({@code jdk.incubator.vector}), used only when the JVM was
 * started with {@code --add-modules jdk.incubator.vector}. {@link #get()} picks the SIMD one when it
 * is available unless the system property {@code byzflink.simd=false} is set. Both compute the same
 * results up to floating-point summation order (Gram entries and linear combinations are accumulated
 * in double precision in both).
 *
 * <p>Conventions: a "row" is one input's coordinates; methods take {@code from}/{@code len} to work
 * on the coordinate range {@code [from, from + len)} of every row. Packed symmetric matrices store the
 * upper triangle row by row: entry {@code (i, j)}, {@code i <= j}, of a {@code k x k} matrix is at
 * {@link #packedIndex(int, int, int)}.
 */
public interface Kernels {

  /** Short name ("scalar" or "vector-512" etc.) for reports. */
  String name();

  /**
   * Adds the Gram matrix of the coordinate range to {@code packed}: for {@code i <= j < k},
   * {@code packed[idx(i,j)] += sum_t rows[i][from+t] * rows[j][from+t]} in double precision
   * (products of floats are exact in double).
   */
  void gram(float[][] rows, int k, int from, int len, double[] packed);

  /**
   * Adds part of the Gram matrix: every diagonal entry {@code (i, i)} and, for each row p listed in
   * {@code which}, every entry {@code (p, j)} (cost about (|which| + 1) read passes instead of k/2).
   * Other entries of {@code packed} are left untouched.
   */
  void gramRows(float[][] rows, int k, int[] which, int from, int len, double[] packed);

  /** True if any of {@code row[from..from+len)} is NaN or infinite. */
  boolean anyNonFinite(float[] row, int from, int len);

  /**
   * {@code out[outFrom+t] = (float) sum_i coef[i] * rows[i][from+t]} for the rows with a non-zero
   * coefficient, accumulated in double; rows whose coefficient is exactly 0 are never read (they
   * may be null or hold non-finite values).
   */
  void combine(float[][] rows, double[] coef, int k, int from, int len, float[] out, int outFrom);

  /**
   * Copies (when {@code mix == null}: {@code scratch row r = rows[sel[r]]}) or mixes
   * ({@code scratch row r = sum_i mix[r*nIn + i] * rows[i]}, double accumulation rounded to float,
   * rows with a zero weight skipped) the coordinate range into {@code scratch} (row stride
   * {@code stride}) as sort keys {@link #key(float)}.
   */
  void gatherKeys(float[][] rows, int[] sel, double[] mix, int nIn, int m, int from, int len,
      int[] scratch, int stride);

  /**
   * Copies rows {@code sel[0..m)} of the coordinate range {@code [from, from + len)} as sort keys
   * into consecutive blocks of {@code sub} coordinates: coordinate {@code from + t} of row r goes
   * to {@code blocks[t / sub][r * sub + t % sub]}. Same keys as {@link #gatherKeys} with
   * {@code mix == null}, but each row is read as one long sequential run: reading the m rows
   * {@code sub} floats at a time (1 KB per row, then the next row) costs about 3 read passes on
   * a 50 x 10^6 input (the hardware prefetchers lose track of 50 short streams), long runs cost
   * about one.
   */
  default void gatherKeysBlocked(float[][] rows, int[] sel, int m, int from, int len,
      int[][] blocks, int sub) {
    for (int r = 0; r < m; r++) {
      float[] x = rows[sel[r]];
      int o = r * sub;
      for (int t = 0; t < len; t++) {
        blocks[t / sub][o + t % sub] = key(x[from + t]);
      }
    }
  }

  /**
   * Applies a comparator network to the columns of the key scratch: for each comparator c in order,
   * for each column t &lt; len: {@code (s[lo[c]*stride+t], s[hi[c]*stride+t]) := (min, max)}.
   */
  void network(int[] scratch, int stride, int len, int[] lo, int[] hi);

  /**
   * {@link #gatherKeysBlocked} fused with sorting blocks of 16: writes {@code paddedRows}
   * (a multiple of 16, at least m) rows of keys into the blocks, rows {@code r < m} from
   * {@code rows[sel[r]]} and rows {@code m..paddedRows} as padding ({@code Integer.MAX_VALUE},
   * above every finite and infinite key), every aligned group of 16 rows sorted per column on the
   * way (in registers, read straight from the inputs). When {@code nonFinite} is not null,
   * {@code nonFinite[0]} is set to true if any value read is NaN or infinite, so a caller learns
   * whether every value was finite without a separate pass. With {@code padsInPlace} the blocks
   * already hold the padding (an earlier call wrote it, and the blocked merges and pruned
   * networks never move padding rows), so only rows holding inputs are written. Returns false
   * (doing nothing) when there is no such fast path or len is not a multiple of its vector
   * length; callers then gather and run the whole network.
   */
  default boolean gatherSortBlocks16(float[][] rows, int[] sel, int m, int from, int len,
      int[][] blocks, int sub, int paddedRows, boolean[] nonFinite, boolean padsInPlace) {
    return false;
  }

  /**
   * Sorts, per column, each of the first {@code blocks} aligned groups of 16 rows that holds a
   * bitonic sequence (the last four steps of a bitonic merge, in registers). Returns false
   * (doing nothing) when there is no such fast path or len does not suit it.
   */
  default boolean cleanBlocks16(int[] scratch, int stride, int len, int blocks) {
    return false;
  }

  /**
   * For each of the first {@code blocks} aligned groups of 32 rows whose two halves of 16 are
   * each sorted per column, merges them into 32 sorted rows per column, in registers (Batcher's
   * phase p = 16 of that group). Returns false (doing nothing) when there is no such fast path.
   */
  default boolean mergeBlocks32(int[] scratch, int stride, int len, int blocks) {
    return false;
  }

  /**
   * Writes, for each column t &lt; len of the sorted key scratch, the mean of the values of rows
   * {@code [first, first+count)} to {@code out[outFrom+t]} (double accumulation).
   */
  void sortedRangeMean(int[] scratch, int stride, int len, int first, int count, float[] out,
      int outFrom);

  /**
   * Coordinate-wise median of the {@code m} sorted rows (middle row, or the mean of the two middle
   * rows when m is even).
   */
  void sortedMedian(int[] scratch, int stride, int m, int len, float[] out, int outFrom);

  /**
   * Mean of the {@code keep} values closest to the median, on sorted columns. Ties between values
   * at equal distance from the median go to the smaller value (the leftmost optimal window).
   */
  void sortedClosestToMedianMean(int[] scratch, int stride, int m, int len, int keep, float[] out,
      int outFrom);

  /** Sum of all {@code rows[i][from..from+len)}, i &lt; k, in double: the read-pass baseline. */
  double sumAll(float[][] rows, int k, int from, int len);

  /**
   * Order-preserving int key of a non-NaN float: signed int order of keys equals the float order
   * (with -0.0 before +0.0), so sorting networks run on integer min/max (one instruction, no NaN
   * handling). The map is an involution: {@code value(key(x)) == x}.
   */
  static int key(float x) {
    int b = Float.floatToRawIntBits(x);
    return b ^ ((b >> 31) >>> 1);
  }

  /** Inverse of {@link #key(float)}. */
  static float value(int key) {
    return Float.intBitsToFloat(key ^ ((key >> 31) >>> 1));
  }

  /** Index of entry (i, j), i &lt;= j, in a packed upper triangle of a k x k matrix. */
  static int packedIndex(int i, int j, int k) {
    return i * k - (i * (i - 1)) / 2 + (j - i);
  }

  /** Number of entries of a packed k x k upper triangle. */
  static int packedSize(int k) {
    return k * (k + 1) / 2;
  }

  /** The best available implementation (see class comment). */
  static Kernels get() {
    return KernelSelector.BEST;
  }

  /** The plain Java implementation. */
  static Kernels scalar() {
    return ScalarKernels.INSTANCE;
  }

  /** The Vector API implementation, or null when the JVM cannot load it. */
  static Kernels vectorOrNull() {
    return KernelSelector.VECTOR;
  }
}
