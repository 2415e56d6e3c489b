package io.byzflink.robust.kernel;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * SIMD kernels on the JDK's incubating Vector API. Loaded reflectively by {@link KernelSelector}
 * only when {@code jdk.incubator.vector} is in the boot layer; never referenced directly.
 * Double-precision work uses the preferred double species (8 lanes with AVX-512) fed by float
 * vectors of the same lane count, converted with F2D.
 */
final class VectorKernels implements Kernels {
  private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
  private static final int DL = D.length();
  /** Float species with as many lanes as D (for F2D / D2F conversions). */
  private static final VectorSpecies<Float> FH = VectorSpecies.of(float.class,
      jdk.incubator.vector.VectorShape.forBitSize(DL * 32));
  /*
   * One vector shape per element type (floats and ints as wide as D has lanes): when the API's
   * shared internals see two shapes of one element type, C2's type speculation stops
   * intrinsifying them and every vector gets boxed (measured 3-4x slower kernels after the Gram
   * kernel had run).
   */
  private static final VectorSpecies<Float> F = FH;
  private static final int FL = F.length();
  private static final VectorSpecies<Integer> IH = VectorSpecies.of(int.class,
      jdk.incubator.vector.VectorShape.forBitSize(DL * 32));
  private static final VectorSpecies<Integer> I = IH;
  private static final int IL = I.length();
  /** Coordinates per Gram block (rows converted to double: 52 x 256 x 8 bytes in L2). */
  private static final int GRAM_BLOCK = 256;

  VectorKernels() {
    if (FH.length() != DL || IH.length() != DL) {
      throw new IllegalStateException("no float species matching " + D);
    }
  }

  @Override
  public String name() {
    return "vector-" + D.vectorBitSize();
  }

  /*
   * Floats to doubles: ((DoubleVector) FloatVector.fromArray(FH, a, off).convertShape(F2D, D, 0)),
   * written out at every use rather than in a helper, for the reason given at the key flip below.
   */

  @Override
  public void gram(float[][] rows, int k, int from, int len, double[] packed) {
    if (k == 0 || len == 0) {
      return;
    }
    int tiles = (k + 3) / 4;
    int kp = tiles * 4;
    int stride = GRAM_BLOCK;
    double[] buf = new double[kp * stride];
    int pairs = tiles * (tiles + 1) / 2;
    double[] acc = new double[pairs * 16 * DL];
    for (int b0 = 0; b0 < len; b0 += stride) {
      int bl = Math.min(stride, len - b0);
      int blp = (bl + DL - 1) / DL * DL;
      for (int i = 0; i < k; i++) {
        float[] x = rows[i];
        int base = i * stride;
        int s = from + b0;
        int t = 0;
        for (; t + DL <= bl; t += DL) {
          ((DoubleVector) FloatVector.fromArray(FH, x, s + t).convertShape(VectorOperators.F2D, D, 0)).intoArray(buf, base + t);
        }
        for (; t < bl; t++) {
          buf[base + t] = x[s + t];
        }
        for (; t < blp; t++) {
          buf[base + t] = 0.0;
        }
      }
      int p = 0;
      for (int ti = 0; ti < tiles; ti++) {
        for (int tj = ti; tj < tiles; tj++, p++) {
          tile(buf, stride, ti * 4, tj * 4, blp, acc, p * 16 * DL);
        }
      }
    }
    int p = 0;
    for (int ti = 0; ti < tiles; ti++) {
      for (int tj = ti; tj < tiles; tj++, p++) {
        for (int a = 0; a < 4; a++) {
          for (int b = 0; b < 4; b++) {
            int i = ti * 4 + a;
            int j = tj * 4 + b;
            if (i < k && j < k && i <= j) {
              double s = 0;
              int o = p * 16 * DL + (a * 4 + b) * DL;
              for (int l = 0; l < DL; l++) {
                s += acc[o + l];
              }
              packed[Kernels.packedIndex(i, j, k)] += s;
            }
          }
        }
      }
    }
  }

  /** 4 x 4 block of dot products over buf columns [0, len), accumulated in acc[o..o+16*DL). */
  private static void tile(double[] buf, int stride, int i0, int j0, int len, double[] acc, int o) {
    DoubleVector a00 = DoubleVector.fromArray(D, acc, o);
    DoubleVector a01 = DoubleVector.fromArray(D, acc, o + DL);
    DoubleVector a02 = DoubleVector.fromArray(D, acc, o + 2 * DL);
    DoubleVector a03 = DoubleVector.fromArray(D, acc, o + 3 * DL);
    DoubleVector a10 = DoubleVector.fromArray(D, acc, o + 4 * DL);
    DoubleVector a11 = DoubleVector.fromArray(D, acc, o + 5 * DL);
    DoubleVector a12 = DoubleVector.fromArray(D, acc, o + 6 * DL);
    DoubleVector a13 = DoubleVector.fromArray(D, acc, o + 7 * DL);
    DoubleVector a20 = DoubleVector.fromArray(D, acc, o + 8 * DL);
    DoubleVector a21 = DoubleVector.fromArray(D, acc, o + 9 * DL);
    DoubleVector a22 = DoubleVector.fromArray(D, acc, o + 10 * DL);
    DoubleVector a23 = DoubleVector.fromArray(D, acc, o + 11 * DL);
    DoubleVector a30 = DoubleVector.fromArray(D, acc, o + 12 * DL);
    DoubleVector a31 = DoubleVector.fromArray(D, acc, o + 13 * DL);
    DoubleVector a32 = DoubleVector.fromArray(D, acc, o + 14 * DL);
    DoubleVector a33 = DoubleVector.fromArray(D, acc, o + 15 * DL);
    int r0 = i0 * stride;
    int r1 = r0 + stride;
    int r2 = r1 + stride;
    int r3 = r2 + stride;
    int c0 = j0 * stride;
    int c1 = c0 + stride;
    int c2 = c1 + stride;
    int c3 = c2 + stride;
    for (int t = 0; t < len; t += DL) {
      DoubleVector x0 = DoubleVector.fromArray(D, buf, r0 + t);
      DoubleVector x1 = DoubleVector.fromArray(D, buf, r1 + t);
      DoubleVector x2 = DoubleVector.fromArray(D, buf, r2 + t);
      DoubleVector x3 = DoubleVector.fromArray(D, buf, r3 + t);
      DoubleVector y0 = DoubleVector.fromArray(D, buf, c0 + t);
      DoubleVector y1 = DoubleVector.fromArray(D, buf, c1 + t);
      DoubleVector y2 = DoubleVector.fromArray(D, buf, c2 + t);
      DoubleVector y3 = DoubleVector.fromArray(D, buf, c3 + t);
      a00 = x0.fma(y0, a00);
      a01 = x0.fma(y1, a01);
      a02 = x0.fma(y2, a02);
      a03 = x0.fma(y3, a03);
      a10 = x1.fma(y0, a10);
      a11 = x1.fma(y1, a11);
      a12 = x1.fma(y2, a12);
      a13 = x1.fma(y3, a13);
      a20 = x2.fma(y0, a20);
      a21 = x2.fma(y1, a21);
      a22 = x2.fma(y2, a22);
      a23 = x2.fma(y3, a23);
      a30 = x3.fma(y0, a30);
      a31 = x3.fma(y1, a31);
      a32 = x3.fma(y2, a32);
      a33 = x3.fma(y3, a33);
    }
    a00.intoArray(acc, o);
    a01.intoArray(acc, o + DL);
    a02.intoArray(acc, o + 2 * DL);
    a03.intoArray(acc, o + 3 * DL);
    a10.intoArray(acc, o + 4 * DL);
    a11.intoArray(acc, o + 5 * DL);
    a12.intoArray(acc, o + 6 * DL);
    a13.intoArray(acc, o + 7 * DL);
    a20.intoArray(acc, o + 8 * DL);
    a21.intoArray(acc, o + 9 * DL);
    a22.intoArray(acc, o + 10 * DL);
    a23.intoArray(acc, o + 11 * DL);
    a30.intoArray(acc, o + 12 * DL);
    a31.intoArray(acc, o + 13 * DL);
    a32.intoArray(acc, o + 14 * DL);
    a33.intoArray(acc, o + 15 * DL);
  }

  @Override
  public void gramRows(float[][] rows, int k, int[] which, int from, int len, double[] packed) {
    // For each listed row p: dot(x_p, x_j) for all j, plus every diagonal entry.
    boolean[] listed = new boolean[k];
    for (int p : which) {
      listed[p] = true;
    }
    for (int p : which) {
      for (int j0 = 0; j0 < k; j0 += 4) {
        int cnt = Math.min(4, k - j0);
        double[] d = dot4(rows[p], rows, j0, cnt, from, len);
        for (int q = 0; q < cnt; q++) {
          int j = j0 + q;
          if (listed[j] && j < p) {
            continue; // counted from row j
          }
          packed[Kernels.packedIndex(Math.min(p, j), Math.max(p, j), k)] += d[q];
        }
      }
    }
    for (int i0 = 0; i0 < k; i0 += 4) {
      int cnt = Math.min(4, k - i0);
      double[] d = diag4(rows, i0, cnt, listed, from, len);
      for (int q = 0; q < cnt; q++) {
        if (!listed[i0 + q]) {
          packed[Kernels.packedIndex(i0 + q, i0 + q, k)] += d[q];
        }
      }
    }
  }

  /** Dot products of x with rows[j0..j0+cnt), cnt &lt;= 4. */
  private static double[] dot4(float[] x, float[][] rows, int j0, int cnt, int from, int len) {
    float[] y0 = rows[j0];
    float[] y1 = cnt > 1 ? rows[j0 + 1] : y0;
    float[] y2 = cnt > 2 ? rows[j0 + 2] : y0;
    float[] y3 = cnt > 3 ? rows[j0 + 3] : y0;
    DoubleVector a0 = DoubleVector.zero(D);
    DoubleVector a1 = a0;
    DoubleVector a2 = a0;
    DoubleVector a3 = a0;
    int t = 0;
    for (; t + DL <= len; t += DL) {
      int o = from + t;
      DoubleVector xv = ((DoubleVector) FloatVector.fromArray(FH, x, o).convertShape(VectorOperators.F2D, D, 0));
      a0 = xv.fma(((DoubleVector) FloatVector.fromArray(FH, y0, o).convertShape(VectorOperators.F2D, D, 0)), a0);
      a1 = xv.fma(((DoubleVector) FloatVector.fromArray(FH, y1, o).convertShape(VectorOperators.F2D, D, 0)), a1);
      a2 = xv.fma(((DoubleVector) FloatVector.fromArray(FH, y2, o).convertShape(VectorOperators.F2D, D, 0)), a2);
      a3 = xv.fma(((DoubleVector) FloatVector.fromArray(FH, y3, o).convertShape(VectorOperators.F2D, D, 0)), a3);
    }
    double[] r = {a0.reduceLanes(VectorOperators.ADD), a1.reduceLanes(VectorOperators.ADD),
        a2.reduceLanes(VectorOperators.ADD), a3.reduceLanes(VectorOperators.ADD)};
    for (; t < len; t++) {
      int o = from + t;
      double xv = x[o];
      r[0] += xv * y0[o];
      r[1] += xv * y1[o];
      r[2] += xv * y2[o];
      r[3] += xv * y3[o];
    }
    return r;
  }

  private static double[] diag4(float[][] rows, int i0, int cnt, boolean[] skip, int from, int len) {
    double[] r = new double[4];
    for (int q = 0; q < cnt; q++) {
      if (skip[i0 + q]) {
        continue;
      }
      float[] x = rows[i0 + q];
      DoubleVector a = DoubleVector.zero(D);
      DoubleVector b = DoubleVector.zero(D);
      int t = 0;
      for (; t + 2 * DL <= len; t += 2 * DL) {
        DoubleVector u = ((DoubleVector) FloatVector.fromArray(FH, x, from + t).convertShape(VectorOperators.F2D, D, 0));
        DoubleVector v = ((DoubleVector) FloatVector.fromArray(FH, x, from + t + DL).convertShape(VectorOperators.F2D, D, 0));
        a = u.fma(u, a);
        b = v.fma(v, b);
      }
      double s = a.add(b).reduceLanes(VectorOperators.ADD);
      for (; t < len; t++) {
        double v = x[from + t];
        s += v * v;
      }
      r[q] = s;
    }
    return r;
  }

  @Override
  public boolean anyNonFinite(float[] row, int from, int len) {
    // x * 0 is 0 for finite x and NaN otherwise; two accumulators halve the FP add latency
    // chain. Float arithmetic on purpose: an IntVector max/and here changed how C2 later
    // compiled the integer sorting kernels (boxed, 10x slower, in some JVMs and not others).
    FloatVector a0 = FloatVector.zero(F);
    FloatVector a1 = a0;
    int t = 0;
    for (; t + 2 * FL <= len; t += 2 * FL) {
      a0 = a0.add(FloatVector.fromArray(F, row, from + t).mul(0f));
      a1 = a1.add(FloatVector.fromArray(F, row, from + t + FL).mul(0f));
    }
    float s = a0.add(a1).reduceLanes(VectorOperators.ADD);
    for (; t < len; t++) {
      s += row[from + t] * 0f;
    }
    return Float.isNaN(s);
  }

  @Override
  public void combine(float[][] rows, double[] coef, int k, int from, int len, float[] out,
      int outFrom) {
    final int block = 2048;
    double[] acc = new double[block];
    int[] nz = new int[k];
    int cnt = 0;
    for (int i = 0; i < k; i++) {
      if (coef[i] != 0.0) {
        nz[cnt++] = i;
      }
    }
    for (int b0 = 0; b0 < len; b0 += block) {
      int bl = Math.min(block, len - b0);
      int vl = bl / DL * DL;
      java.util.Arrays.fill(acc, 0, bl, 0.0);
      int q = 0;
      for (; q + 4 <= cnt; q += 4) {
        float[] x0 = rows[nz[q]];
        float[] x1 = rows[nz[q + 1]];
        float[] x2 = rows[nz[q + 2]];
        float[] x3 = rows[nz[q + 3]];
        double c0 = coef[nz[q]];
        double c1 = coef[nz[q + 1]];
        double c2 = coef[nz[q + 2]];
        double c3 = coef[nz[q + 3]];
        DoubleVector v0 = DoubleVector.broadcast(D, c0);
        DoubleVector v1 = DoubleVector.broadcast(D, c1);
        DoubleVector v2 = DoubleVector.broadcast(D, c2);
        DoubleVector v3 = DoubleVector.broadcast(D, c3);
        int s = from + b0;
        for (int t = 0; t < vl; t += DL) {
          DoubleVector a = DoubleVector.fromArray(D, acc, t);
          a = ((DoubleVector) FloatVector.fromArray(FH, x0, s + t).convertShape(VectorOperators.F2D, D, 0)).fma(v0, a);
          a = ((DoubleVector) FloatVector.fromArray(FH, x1, s + t).convertShape(VectorOperators.F2D, D, 0)).fma(v1, a);
          a = ((DoubleVector) FloatVector.fromArray(FH, x2, s + t).convertShape(VectorOperators.F2D, D, 0)).fma(v2, a);
          a = ((DoubleVector) FloatVector.fromArray(FH, x3, s + t).convertShape(VectorOperators.F2D, D, 0)).fma(v3, a);
          a.intoArray(acc, t);
        }
        for (int t = vl; t < bl; t++) {
          acc[t] += c0 * x0[s + t] + c1 * x1[s + t] + c2 * x2[s + t] + c3 * x3[s + t];
        }
      }
      for (; q < cnt; q++) {
        float[] x0 = rows[nz[q]];
        double c0 = coef[nz[q]];
        DoubleVector v0 = DoubleVector.broadcast(D, c0);
        int s = from + b0;
        for (int t = 0; t < vl; t += DL) {
          ((DoubleVector) FloatVector.fromArray(FH, x0, s + t).convertShape(VectorOperators.F2D, D, 0)).fma(v0, DoubleVector.fromArray(D, acc, t)).intoArray(acc, t);
        }
        for (int t = vl; t < bl; t++) {
          acc[t] += c0 * x0[s + t];
        }
      }
      int o = outFrom + b0;
      int t = 0;
      for (; t < vl; t += DL) {
        DoubleVector.fromArray(D, acc, t).convertShape(VectorOperators.D2F, FH, 0)
            .reinterpretAsFloats().intoArray(out, o + t);
      }
      for (; t < bl; t++) {
        out[o + t] = (float) acc[t];
      }
    }
  }

  /*
   * Keys to float bits and back, lane-wise (the key map is an involution):
   * b ^ ((b >> 31) >>> 1). Written out at every use instead of in a helper method: when C2
   * compiles a large kernel it stops inlining ordinary methods (NodeCountInliningCutoff; the
   * Vector API's own methods are force-inlined), and a vector crossing a call that was not
   * inlined is boxed on the heap. That happened nondeterministically (depending on compilation
   * order), making a kernel 2-5x slower in some JVMs and not in others.
   */

  private static void toKeys(float[] x, int from, int[] s, int o, int len) {
    int vl = len / IL * IL;
    int t = 0;
    for (; t < vl; t += IL) {
      IntVector b = FloatVector.fromArray(F, x, from + t).reinterpretAsInts();
      b.lanewise(VectorOperators.XOR, b.lanewise(VectorOperators.ASHR, 31).lanewise(VectorOperators.LSHR, 1))
          .intoArray(s, o + t);
    }
    for (; t < len; t++) {
      s[o + t] = Kernels.key(x[from + t]);
    }
  }

  @Override
  public void gatherKeys(float[][] rows, int[] sel, double[] mix, int nIn, int m, int from, int len,
      int[] scratch, int stride) {
    if (mix == null) {
      for (int r = 0; r < m; r++) {
        toKeys(rows[sel[r]], from, scratch, r * stride, len);
      }
      return;
    }
    double[] acc = new double[len];
    int vl = len / DL * DL;
    for (int r = 0; r < m; r++) {
      java.util.Arrays.fill(acc, 0.0);
      for (int i = 0; i < nIn; i++) {
        double w = mix[r * nIn + i];
        if (w == 0.0) {
          continue;
        }
        float[] x = rows[i];
        DoubleVector wv = DoubleVector.broadcast(D, w);
        int t = 0;
        for (; t < vl; t += DL) {
          ((DoubleVector) FloatVector.fromArray(FH, x, from + t).convertShape(VectorOperators.F2D, D, 0)).fma(wv, DoubleVector.fromArray(D, acc, t)).intoArray(acc, t);
        }
        for (; t < len; t++) {
          acc[t] += w * x[from + t];
        }
      }
      int o = r * stride;
      int t = 0;
      for (; t < vl; t += DL) {
        IntVector keys = DoubleVector.fromArray(D, acc, t).convertShape(VectorOperators.D2F, FH, 0)
            .reinterpretAsInts();
        keys.lanewise(VectorOperators.XOR, keys.lanewise(VectorOperators.ASHR, 31).lanewise(VectorOperators.LSHR, 1))
            .intoArray(scratch, o + t);
      }
      for (; t < len; t++) {
        scratch[o + t] = Kernels.key((float) acc[t]);
      }
    }
  }

  @Override
  public void gatherKeysBlocked(float[][] rows, int[] sel, int m, int from, int len,
      int[][] blocks, int sub) {
    for (int r = 0; r < m; r++) {
      float[] x = rows[sel[r]];
      for (int j = 0, t0 = 0; t0 < len; j++, t0 += sub) {
        toKeys(x, from + t0, blocks[j], r * sub, Math.min(sub, len - t0));
      }
    }
  }

  /** Float whose key is Integer.MAX_VALUE (a NaN above +infinity): the padding of the sort. */
  private static final float PAD = Float.intBitsToFloat(Integer.MAX_VALUE);
  /** Shared read-only row of PAD values, grown on demand (the padding wires' "input"). */
  private static volatile float[] padRow = new float[0];

  private static float[] padRow(int length) {
    float[] p = padRow;
    if (p.length < length) {
      p = new float[Math.max(length, 2 * p.length)];
      java.util.Arrays.fill(p, PAD);
      padRow = p;
    }
    return p;
  }

  @Override
  public boolean gatherSortBlocks16(float[][] rows, int[] sel, int m, int from, int len,
      int[][] blocks, int sub, int paddedRows, boolean[] nonFinite, boolean padsInPlace) {
    if (len % IL != 0 || sub % IL != 0 || paddedRows % 16 != 0 || paddedRows < m) {
      return false;
    }
    float[] pad = padRow(from + len);
    float[][] r16 = new float[16][];
    int[] acc = null;
    if (nonFinite != null) {
      acc = new int[2 * IL];
      java.util.Arrays.fill(acc, 0, IL, Integer.MAX_VALUE);
      java.util.Arrays.fill(acc, IL, 2 * IL, Integer.MIN_VALUE);
    }
    for (int b = 0; 16 * b < paddedRows; b++) {
      int first = 16 * b;
      if (first >= m) {
        if (!padsInPlace) {
          fillPadding(blocks, first, first + 16, sub, len); // only padding: already sorted
        }
        continue;
      }
      for (int i = 0; i < 16; i++) {
        r16[i] = first + i < m ? rows[sel[first + i]] : pad;
      }
      // Two passes of 8 rows each over the whole chunk: 8 concurrent sequential streams, which
      // the prefetchers follow (16 cost about twice a read pass in memory stalls alone).
      int[] range = groupRange(rows, sel, m, first, from, len, acc, nonFinite);
      if (padsInPlace && m - first <= 2) {
        // One or two inputs above padding that is in place: a compare-exchange, not 8 rows.
        gatherTwo(r16, m - first, from, len, blocks, sub, first * sub);
        continue;
      }
      for (int j = 0, t0 = 0; t0 < len; j++, t0 += sub) {
        int[] s = blocks[j];
        int bl = Math.min(sub, len - t0);
        for (int t = 0; t < bl; t += IL) {
          sort8Keys(r16, 0, from + t0 + t, s, first * sub + t, sub, range);
        }
      }
      if (first + 8 >= m) {
        if (!padsInPlace) {
          fillPadding(blocks, first + 8, first + 16, sub, len);
        }
        continue;
      }
      range = groupRange(rows, sel, m, first + 8, from, len, acc, nonFinite);
      for (int j = 0, t0 = 0; t0 < len; j++, t0 += sub) {
        int[] s = blocks[j];
        int bl = Math.min(sub, len - t0);
        for (int t = 0; t < bl; t += IL) {
          sort8Merge8Keys(r16, 8, from + t0 + t, s, first * sub + t, sub, range);
        }
      }
    }
    if (nonFinite != null) {
      for (int l = 0; l < IL; l++) {
        // Finite keys lie strictly between those of -infinity and +infinity; NaNs beyond them.
        nonFinite[0] |= acc[l] <= KEY_NEGATIVE_INFINITY || acc[IL + l] >= KEY_POSITIVE_INFINITY;
      }
    }
    return true;
  }

  /** Rows o and o + sub of every block: the keys of r16[0] and r16[1] in order ({@code real} = 2), or of r16[0] alone. */
  private static void gatherTwo(float[][] r16, int real, int from, int len, int[][] blocks, int sub, int o) {
    for (int j = 0, t0 = 0; t0 < len; j++, t0 += sub) {
      int[] s = blocks[j];
      int bl = Math.min(sub, len - t0);
      for (int t = 0; t < bl; t += IL) {
        IntVector a = FloatVector.fromArray(F, r16[0], from + t0 + t).reinterpretAsInts();
        a = a.lanewise(VectorOperators.XOR, a.lanewise(VectorOperators.ASHR, 31).lanewise(VectorOperators.LSHR, 1));
        if (real == 1) {
          a.intoArray(s, o + t);
          continue;
        }
        IntVector b = FloatVector.fromArray(F, r16[1], from + t0 + t).reinterpretAsInts();
        b = b.lanewise(VectorOperators.XOR, b.lanewise(VectorOperators.ASHR, 31).lanewise(VectorOperators.LSHR, 1));
        a.min(b).intoArray(s, o + t);
        a.max(b).intoArray(s, o + sub + t);
      }
    }
  }

  private static final int KEY_NEGATIVE_INFINITY = Kernels.key(Float.NEGATIVE_INFINITY);
  private static final int KEY_POSITIVE_INFINITY = Kernels.key(Float.POSITIVE_INFINITY);

  /**
   * The key-range accumulator for the group of 8 rows starting at {@code first}: {@code acc}
   * when all 8 are inputs (the sort's first and last wires are then their minimum and maximum);
   * null for a group holding padding, whose few input rows are scanned for non-finite values here
   * instead.
   */
  private int[] groupRange(float[][] rows, int[] sel, int m, int first, int from, int len,
      int[] acc, boolean[] nonFinite) {
    if (acc == null || first + 8 <= m) {
      return acc;
    }
    for (int r = first; r < m; r++) {
      nonFinite[0] |= anyNonFinite(rows[sel[r]], from, len);
    }
    return null;
  }

  private static void fillPadding(int[][] blocks, int rowFrom, int rowTo, int sub, int len) {
    for (int j = 0, t0 = 0; t0 < len; j++, t0 += sub) {
      java.util.Arrays.fill(blocks[j], rowFrom * sub, rowTo * sub, Integer.MAX_VALUE);
    }
  }

  @Override
  public boolean cleanBlocks16(int[] s, int stride, int len, int blocks) {
    if (len % IL != 0) {
      return false;
    }
    for (int b = 0; b < blocks; b++) {
      for (int t = 0; t < len; t += IL) {
        clean16(s, b * 16 * stride + t, stride);
      }
    }
    return true;
  }

  @Override
  public void network(int[] s, int stride, int len, int[] lo, int[] hi) {
    int vl = len / IL * IL;
    for (int c = 0; c < lo.length; c++) {
      int a = lo[c] * stride;
      int b = hi[c] * stride;
      int t = 0;
      for (; t < vl; t += IL) {
        IntVector x = IntVector.fromArray(I, s, a + t);
        IntVector y = IntVector.fromArray(I, s, b + t);
        x.min(y).intoArray(s, a + t);
        x.max(y).intoArray(s, b + t);
      }
      for (; t < len; t++) {
        int x = s[a + t];
        int y = s[b + t];
        s[a + t] = Math.min(x, y);
        s[b + t] = Math.max(x, y);
      }
    }
  }

  @Override
  public boolean mergeBlocks32(int[] s, int stride, int len, int blocks) {
    if (len % IL != 0) {
      return false;
    }
    for (int b = 0; b < blocks; b++) {
      for (int t = 0; t < len; t += IL) {
        merge16x16(s, b * 32 * stride + t, stride);
      }
    }
    return true;
  }

  /**
   * Batcher's odd-even merge of two sorted runs of 16 wires (rows o.. o+15 and o+16.. o+31) into
   * 32 sorted wires: 65 compare-exchanges on registers (32 loads, 32 stores) instead of 65 passes
   * over memory (generated; only Vector API calls, which C2 force-inlines, see sort8Keys).
   */
  private static void merge16x16(int[] s, int o, int stride) {
    IntVector v0 = IntVector.fromArray(I, s, o + 0 * stride);
    IntVector v1 = IntVector.fromArray(I, s, o + 1 * stride);
    IntVector v2 = IntVector.fromArray(I, s, o + 2 * stride);
    IntVector v3 = IntVector.fromArray(I, s, o + 3 * stride);
    IntVector v4 = IntVector.fromArray(I, s, o + 4 * stride);
    IntVector v5 = IntVector.fromArray(I, s, o + 5 * stride);
    IntVector v6 = IntVector.fromArray(I, s, o + 6 * stride);
    IntVector v7 = IntVector.fromArray(I, s, o + 7 * stride);
    IntVector v8 = IntVector.fromArray(I, s, o + 8 * stride);
    IntVector v9 = IntVector.fromArray(I, s, o + 9 * stride);
    IntVector v10 = IntVector.fromArray(I, s, o + 10 * stride);
    IntVector v11 = IntVector.fromArray(I, s, o + 11 * stride);
    IntVector v12 = IntVector.fromArray(I, s, o + 12 * stride);
    IntVector v13 = IntVector.fromArray(I, s, o + 13 * stride);
    IntVector v14 = IntVector.fromArray(I, s, o + 14 * stride);
    IntVector v15 = IntVector.fromArray(I, s, o + 15 * stride);
    IntVector v16 = IntVector.fromArray(I, s, o + 16 * stride);
    IntVector v17 = IntVector.fromArray(I, s, o + 17 * stride);
    IntVector v18 = IntVector.fromArray(I, s, o + 18 * stride);
    IntVector v19 = IntVector.fromArray(I, s, o + 19 * stride);
    IntVector v20 = IntVector.fromArray(I, s, o + 20 * stride);
    IntVector v21 = IntVector.fromArray(I, s, o + 21 * stride);
    IntVector v22 = IntVector.fromArray(I, s, o + 22 * stride);
    IntVector v23 = IntVector.fromArray(I, s, o + 23 * stride);
    IntVector v24 = IntVector.fromArray(I, s, o + 24 * stride);
    IntVector v25 = IntVector.fromArray(I, s, o + 25 * stride);
    IntVector v26 = IntVector.fromArray(I, s, o + 26 * stride);
    IntVector v27 = IntVector.fromArray(I, s, o + 27 * stride);
    IntVector v28 = IntVector.fromArray(I, s, o + 28 * stride);
    IntVector v29 = IntVector.fromArray(I, s, o + 29 * stride);
    IntVector v30 = IntVector.fromArray(I, s, o + 30 * stride);
    IntVector v31 = IntVector.fromArray(I, s, o + 31 * stride);
    { IntVector t = v0; v0 = t.min(v16); v16 = t.max(v16); }
    { IntVector t = v1; v1 = t.min(v17); v17 = t.max(v17); }
    { IntVector t = v2; v2 = t.min(v18); v18 = t.max(v18); }
    { IntVector t = v3; v3 = t.min(v19); v19 = t.max(v19); }
    { IntVector t = v4; v4 = t.min(v20); v20 = t.max(v20); }
    { IntVector t = v5; v5 = t.min(v21); v21 = t.max(v21); }
    { IntVector t = v6; v6 = t.min(v22); v22 = t.max(v22); }
    { IntVector t = v7; v7 = t.min(v23); v23 = t.max(v23); }
    { IntVector t = v8; v8 = t.min(v24); v24 = t.max(v24); }
    { IntVector t = v9; v9 = t.min(v25); v25 = t.max(v25); }
    { IntVector t = v10; v10 = t.min(v26); v26 = t.max(v26); }
    { IntVector t = v11; v11 = t.min(v27); v27 = t.max(v27); }
    { IntVector t = v12; v12 = t.min(v28); v28 = t.max(v28); }
    { IntVector t = v13; v13 = t.min(v29); v29 = t.max(v29); }
    { IntVector t = v14; v14 = t.min(v30); v30 = t.max(v30); }
    { IntVector t = v15; v15 = t.min(v31); v31 = t.max(v31); }
    { IntVector t = v8; v8 = t.min(v16); v16 = t.max(v16); }
    { IntVector t = v9; v9 = t.min(v17); v17 = t.max(v17); }
    { IntVector t = v10; v10 = t.min(v18); v18 = t.max(v18); }
    { IntVector t = v11; v11 = t.min(v19); v19 = t.max(v19); }
    { IntVector t = v12; v12 = t.min(v20); v20 = t.max(v20); }
    { IntVector t = v13; v13 = t.min(v21); v21 = t.max(v21); }
    { IntVector t = v14; v14 = t.min(v22); v22 = t.max(v22); }
    { IntVector t = v15; v15 = t.min(v23); v23 = t.max(v23); }
    { IntVector t = v4; v4 = t.min(v8); v8 = t.max(v8); }
    { IntVector t = v5; v5 = t.min(v9); v9 = t.max(v9); }
    { IntVector t = v6; v6 = t.min(v10); v10 = t.max(v10); }
    { IntVector t = v7; v7 = t.min(v11); v11 = t.max(v11); }
    { IntVector t = v12; v12 = t.min(v16); v16 = t.max(v16); }
    { IntVector t = v13; v13 = t.min(v17); v17 = t.max(v17); }
    { IntVector t = v14; v14 = t.min(v18); v18 = t.max(v18); }
    { IntVector t = v15; v15 = t.min(v19); v19 = t.max(v19); }
    { IntVector t = v20; v20 = t.min(v24); v24 = t.max(v24); }
    { IntVector t = v21; v21 = t.min(v25); v25 = t.max(v25); }
    { IntVector t = v22; v22 = t.min(v26); v26 = t.max(v26); }
    { IntVector t = v23; v23 = t.min(v27); v27 = t.max(v27); }
    { IntVector t = v2; v2 = t.min(v4); v4 = t.max(v4); }
    { IntVector t = v3; v3 = t.min(v5); v5 = t.max(v5); }
    { IntVector t = v6; v6 = t.min(v8); v8 = t.max(v8); }
    { IntVector t = v7; v7 = t.min(v9); v9 = t.max(v9); }
    { IntVector t = v10; v10 = t.min(v12); v12 = t.max(v12); }
    { IntVector t = v11; v11 = t.min(v13); v13 = t.max(v13); }
    { IntVector t = v14; v14 = t.min(v16); v16 = t.max(v16); }
    { IntVector t = v15; v15 = t.min(v17); v17 = t.max(v17); }
    { IntVector t = v18; v18 = t.min(v20); v20 = t.max(v20); }
    { IntVector t = v19; v19 = t.min(v21); v21 = t.max(v21); }
    { IntVector t = v22; v22 = t.min(v24); v24 = t.max(v24); }
    { IntVector t = v23; v23 = t.min(v25); v25 = t.max(v25); }
    { IntVector t = v26; v26 = t.min(v28); v28 = t.max(v28); }
    { IntVector t = v27; v27 = t.min(v29); v29 = t.max(v29); }
    { IntVector t = v1; v1 = t.min(v2); v2 = t.max(v2); }
    { IntVector t = v3; v3 = t.min(v4); v4 = t.max(v4); }
    { IntVector t = v5; v5 = t.min(v6); v6 = t.max(v6); }
    { IntVector t = v7; v7 = t.min(v8); v8 = t.max(v8); }
    { IntVector t = v9; v9 = t.min(v10); v10 = t.max(v10); }
    { IntVector t = v11; v11 = t.min(v12); v12 = t.max(v12); }
    { IntVector t = v13; v13 = t.min(v14); v14 = t.max(v14); }
    { IntVector t = v15; v15 = t.min(v16); v16 = t.max(v16); }
    { IntVector t = v17; v17 = t.min(v18); v18 = t.max(v18); }
    { IntVector t = v19; v19 = t.min(v20); v20 = t.max(v20); }
    { IntVector t = v21; v21 = t.min(v22); v22 = t.max(v22); }
    { IntVector t = v23; v23 = t.min(v24); v24 = t.max(v24); }
    { IntVector t = v25; v25 = t.min(v26); v26 = t.max(v26); }
    { IntVector t = v27; v27 = t.min(v28); v28 = t.max(v28); }
    { IntVector t = v29; v29 = t.min(v30); v30 = t.max(v30); }
    v0.intoArray(s, o + 0 * stride);
    v1.intoArray(s, o + 1 * stride);
    v2.intoArray(s, o + 2 * stride);
    v3.intoArray(s, o + 3 * stride);
    v4.intoArray(s, o + 4 * stride);
    v5.intoArray(s, o + 5 * stride);
    v6.intoArray(s, o + 6 * stride);
    v7.intoArray(s, o + 7 * stride);
    v8.intoArray(s, o + 8 * stride);
    v9.intoArray(s, o + 9 * stride);
    v10.intoArray(s, o + 10 * stride);
    v11.intoArray(s, o + 11 * stride);
    v12.intoArray(s, o + 12 * stride);
    v13.intoArray(s, o + 13 * stride);
    v14.intoArray(s, o + 14 * stride);
    v15.intoArray(s, o + 15 * stride);
    v16.intoArray(s, o + 16 * stride);
    v17.intoArray(s, o + 17 * stride);
    v18.intoArray(s, o + 18 * stride);
    v19.intoArray(s, o + 19 * stride);
    v20.intoArray(s, o + 20 * stride);
    v21.intoArray(s, o + 21 * stride);
    v22.intoArray(s, o + 22 * stride);
    v23.intoArray(s, o + 23 * stride);
    v24.intoArray(s, o + 24 * stride);
    v25.intoArray(s, o + 25 * stride);
    v26.intoArray(s, o + 26 * stride);
    v27.intoArray(s, o + 27 * stride);
    v28.intoArray(s, o + 28 * stride);
    v29.intoArray(s, o + 29 * stride);
    v30.intoArray(s, o + 30 * stride);
    v31.intoArray(s, o + 31 * stride);
  }

  /**
   * The last four steps of a bitonic merge on 16 wires (i against i + k for k = 8, 4, 2, 1):
   * sorts a bitonic sequence held in registers (generated; Vector API calls only).
   */
  private static void clean16(int[] s, int o, int stride) {
    IntVector v0 = IntVector.fromArray(I, s, o + 0 * stride);
    IntVector v1 = IntVector.fromArray(I, s, o + 1 * stride);
    IntVector v2 = IntVector.fromArray(I, s, o + 2 * stride);
    IntVector v3 = IntVector.fromArray(I, s, o + 3 * stride);
    IntVector v4 = IntVector.fromArray(I, s, o + 4 * stride);
    IntVector v5 = IntVector.fromArray(I, s, o + 5 * stride);
    IntVector v6 = IntVector.fromArray(I, s, o + 6 * stride);
    IntVector v7 = IntVector.fromArray(I, s, o + 7 * stride);
    IntVector v8 = IntVector.fromArray(I, s, o + 8 * stride);
    IntVector v9 = IntVector.fromArray(I, s, o + 9 * stride);
    IntVector v10 = IntVector.fromArray(I, s, o + 10 * stride);
    IntVector v11 = IntVector.fromArray(I, s, o + 11 * stride);
    IntVector v12 = IntVector.fromArray(I, s, o + 12 * stride);
    IntVector v13 = IntVector.fromArray(I, s, o + 13 * stride);
    IntVector v14 = IntVector.fromArray(I, s, o + 14 * stride);
    IntVector v15 = IntVector.fromArray(I, s, o + 15 * stride);
    { IntVector t = v0; v0 = t.min(v8); v8 = t.max(v8); }
    { IntVector t = v1; v1 = t.min(v9); v9 = t.max(v9); }
    { IntVector t = v2; v2 = t.min(v10); v10 = t.max(v10); }
    { IntVector t = v3; v3 = t.min(v11); v11 = t.max(v11); }
    { IntVector t = v4; v4 = t.min(v12); v12 = t.max(v12); }
    { IntVector t = v5; v5 = t.min(v13); v13 = t.max(v13); }
    { IntVector t = v6; v6 = t.min(v14); v14 = t.max(v14); }
    { IntVector t = v7; v7 = t.min(v15); v15 = t.max(v15); }
    { IntVector t = v0; v0 = t.min(v4); v4 = t.max(v4); }
    { IntVector t = v1; v1 = t.min(v5); v5 = t.max(v5); }
    { IntVector t = v2; v2 = t.min(v6); v6 = t.max(v6); }
    { IntVector t = v3; v3 = t.min(v7); v7 = t.max(v7); }
    { IntVector t = v8; v8 = t.min(v12); v12 = t.max(v12); }
    { IntVector t = v9; v9 = t.min(v13); v13 = t.max(v13); }
    { IntVector t = v10; v10 = t.min(v14); v14 = t.max(v14); }
    { IntVector t = v11; v11 = t.min(v15); v15 = t.max(v15); }
    { IntVector t = v0; v0 = t.min(v2); v2 = t.max(v2); }
    { IntVector t = v1; v1 = t.min(v3); v3 = t.max(v3); }
    { IntVector t = v4; v4 = t.min(v6); v6 = t.max(v6); }
    { IntVector t = v5; v5 = t.min(v7); v7 = t.max(v7); }
    { IntVector t = v8; v8 = t.min(v10); v10 = t.max(v10); }
    { IntVector t = v9; v9 = t.min(v11); v11 = t.max(v11); }
    { IntVector t = v12; v12 = t.min(v14); v14 = t.max(v14); }
    { IntVector t = v13; v13 = t.min(v15); v15 = t.max(v15); }
    { IntVector t = v0; v0 = t.min(v1); v1 = t.max(v1); }
    { IntVector t = v2; v2 = t.min(v3); v3 = t.max(v3); }
    { IntVector t = v4; v4 = t.min(v5); v5 = t.max(v5); }
    { IntVector t = v6; v6 = t.min(v7); v7 = t.max(v7); }
    { IntVector t = v8; v8 = t.min(v9); v9 = t.max(v9); }
    { IntVector t = v10; v10 = t.min(v11); v11 = t.max(v11); }
    { IntVector t = v12; v12 = t.min(v13); v13 = t.max(v13); }
    { IntVector t = v14; v14 = t.min(v15); v15 = t.max(v15); }
    v0.intoArray(s, o + 0 * stride);
    v1.intoArray(s, o + 1 * stride);
    v2.intoArray(s, o + 2 * stride);
    v3.intoArray(s, o + 3 * stride);
    v4.intoArray(s, o + 4 * stride);
    v5.intoArray(s, o + 5 * stride);
    v6.intoArray(s, o + 6 * stride);
    v7.intoArray(s, o + 7 * stride);
    v8.intoArray(s, o + 8 * stride);
    v9.intoArray(s, o + 9 * stride);
    v10.intoArray(s, o + 10 * stride);
    v11.intoArray(s, o + 11 * stride);
    v12.intoArray(s, o + 12 * stride);
    v13.intoArray(s, o + 13 * stride);
    v14.intoArray(s, o + 14 * stride);
    v15.intoArray(s, o + 15 * stride);
  }

  /**
   * Batcher's 19-comparator network on 8 wires read straight from rows {@code r8[g..g+7]}
   * (converted to keys on load), stored sorted to rows o, o + stride, ... of {@code s}; when
   * {@code range} is not null its lanes [0, IL) take the minimum and [IL, 2 IL) the maximum key
   * seen (the finiteness check rides on the sort: wire 0 ends as the minimum, wire 7 as the
   * maximum). Written out, not calling helpers: in a method this large C2 stops inlining
   * ordinary helpers (NodeCountInliningCutoff), and a vector crossing a non-inlined call is boxed
   * on the heap (the Vector API's own methods are force-inlined).
   */
  private static void sort8Keys(float[][] r8, int g, int from, int[] s, int o, int stride,
      int[] range) {
    IntVector v0 = FloatVector.fromArray(F, r8[g + 0], from).reinterpretAsInts();
    v0 = v0.lanewise(VectorOperators.XOR, v0.lanewise(VectorOperators.ASHR, 31).lanewise(VectorOperators.LSHR, 1));
    IntVector v1 = FloatVector.fromArray(F, r8[g + 1], from).reinterpretAsInts();
    v1 = v1.lanewise(VectorOperators.XOR, v1.lanewise(VectorOperators.ASHR, 31).lanewise(VectorOperators.LSHR, 1));
    IntVector v2 = FloatVector.fromArray(F, r8[g + 2], from).reinterpretAsInts();
    v2 = v2.lanewise(VectorOperators.XOR, v2.lanewise(VectorOperators.ASHR, 31).lanewise(VectorOperators.LSHR, 1));
    IntVector v3 = FloatVector.fromArray(F, r8[g + 3], from).reinterpretAsInts();
    v3 = v3.lanewise(VectorOperators.XOR, v3.lanewise(VectorOperators.ASHR, 31).lanewise(VectorOperators.LSHR, 1));
    IntVector v4 = FloatVector.fromArray(F, r8[g + 4], from).reinterpretAsInts();
    v4 = v4.lanewise(VectorOperators.XOR, v4.lanewise(VectorOperators.ASHR, 31).lanewise(VectorOperators.LSHR, 1));
    IntVector v5 = FloatVector.fromArray(F, r8[g + 5], from).reinterpretAsInts();
    v5 = v5.lanewise(VectorOperators.XOR, v5.lanewise(VectorOperators.ASHR, 31).lanewise(VectorOperators.LSHR, 1));
    IntVector v6 = FloatVector.fromArray(F, r8[g + 6], from).reinterpretAsInts();
    v6 = v6.lanewise(VectorOperators.XOR, v6.lanewise(VectorOperators.ASHR, 31).lanewise(VectorOperators.LSHR, 1));
    IntVector v7 = FloatVector.fromArray(F, r8[g + 7], from).reinterpretAsInts();
    v7 = v7.lanewise(VectorOperators.XOR, v7.lanewise(VectorOperators.ASHR, 31).lanewise(VectorOperators.LSHR, 1));
    { IntVector t = v0; v0 = t.min(v1); v1 = t.max(v1); }
    { IntVector t = v2; v2 = t.min(v3); v3 = t.max(v3); }
    { IntVector t = v0; v0 = t.min(v2); v2 = t.max(v2); }
    { IntVector t = v1; v1 = t.min(v3); v3 = t.max(v3); }
    { IntVector t = v1; v1 = t.min(v2); v2 = t.max(v2); }
    { IntVector t = v4; v4 = t.min(v5); v5 = t.max(v5); }
    { IntVector t = v6; v6 = t.min(v7); v7 = t.max(v7); }
    { IntVector t = v4; v4 = t.min(v6); v6 = t.max(v6); }
    { IntVector t = v5; v5 = t.min(v7); v7 = t.max(v7); }
    { IntVector t = v5; v5 = t.min(v6); v6 = t.max(v6); }
    { IntVector t = v0; v0 = t.min(v4); v4 = t.max(v4); }
    { IntVector t = v2; v2 = t.min(v6); v6 = t.max(v6); }
    { IntVector t = v2; v2 = t.min(v4); v4 = t.max(v4); }
    { IntVector t = v1; v1 = t.min(v5); v5 = t.max(v5); }
    { IntVector t = v3; v3 = t.min(v7); v7 = t.max(v7); }
    { IntVector t = v3; v3 = t.min(v5); v5 = t.max(v5); }
    { IntVector t = v1; v1 = t.min(v2); v2 = t.max(v2); }
    { IntVector t = v3; v3 = t.min(v4); v4 = t.max(v4); }
    { IntVector t = v5; v5 = t.min(v6); v6 = t.max(v6); }
    if (range != null) {
      IntVector.fromArray(I, range, 0).min(v0).intoArray(range, 0);
      IntVector.fromArray(I, range, IL).max(v7).intoArray(range, IL);
    }
    v0.intoArray(s, o + 0 * stride);
    v1.intoArray(s, o + 1 * stride);
    v2.intoArray(s, o + 2 * stride);
    v3.intoArray(s, o + 3 * stride);
    v4.intoArray(s, o + 4 * stride);
    v5.intoArray(s, o + 5 * stride);
    v6.intoArray(s, o + 6 * stride);
    v7.intoArray(s, o + 7 * stride);
  }

  /**
   * Sorts 8 wires read from rows {@code r8[g..g+7]} (19 comparators, range as in
   * {@link #sort8Keys}), then merges them with the 8 sorted wires already at rows o .. o + 7 of
   * {@code s} (Batcher's odd-even merge, 25 comparators) and stores the 16 sorted wires at rows
   * o .. o + 15: a sorted 16 from 8 input rows read at once
   * (8 concurrent streams, which the hardware prefetchers follow; 16 they do not).
   */
  private static void sort8Merge8Keys(float[][] r8, int g, int from, int[] s, int o, int stride,
      int[] range) {
    IntVector v8 = FloatVector.fromArray(F, r8[g + 0], from).reinterpretAsInts();
    v8 = v8.lanewise(VectorOperators.XOR, v8.lanewise(VectorOperators.ASHR, 31).lanewise(VectorOperators.LSHR, 1));
    IntVector v9 = FloatVector.fromArray(F, r8[g + 1], from).reinterpretAsInts();
    v9 = v9.lanewise(VectorOperators.XOR, v9.lanewise(VectorOperators.ASHR, 31).lanewise(VectorOperators.LSHR, 1));
    IntVector v10 = FloatVector.fromArray(F, r8[g + 2], from).reinterpretAsInts();
    v10 = v10.lanewise(VectorOperators.XOR, v10.lanewise(VectorOperators.ASHR, 31).lanewise(VectorOperators.LSHR, 1));
    IntVector v11 = FloatVector.fromArray(F, r8[g + 3], from).reinterpretAsInts();
    v11 = v11.lanewise(VectorOperators.XOR, v11.lanewise(VectorOperators.ASHR, 31).lanewise(VectorOperators.LSHR, 1));
    IntVector v12 = FloatVector.fromArray(F, r8[g + 4], from).reinterpretAsInts();
    v12 = v12.lanewise(VectorOperators.XOR, v12.lanewise(VectorOperators.ASHR, 31).lanewise(VectorOperators.LSHR, 1));
    IntVector v13 = FloatVector.fromArray(F, r8[g + 5], from).reinterpretAsInts();
    v13 = v13.lanewise(VectorOperators.XOR, v13.lanewise(VectorOperators.ASHR, 31).lanewise(VectorOperators.LSHR, 1));
    IntVector v14 = FloatVector.fromArray(F, r8[g + 6], from).reinterpretAsInts();
    v14 = v14.lanewise(VectorOperators.XOR, v14.lanewise(VectorOperators.ASHR, 31).lanewise(VectorOperators.LSHR, 1));
    IntVector v15 = FloatVector.fromArray(F, r8[g + 7], from).reinterpretAsInts();
    v15 = v15.lanewise(VectorOperators.XOR, v15.lanewise(VectorOperators.ASHR, 31).lanewise(VectorOperators.LSHR, 1));
    { IntVector t = v8; v8 = t.min(v9); v9 = t.max(v9); }
    { IntVector t = v10; v10 = t.min(v11); v11 = t.max(v11); }
    { IntVector t = v8; v8 = t.min(v10); v10 = t.max(v10); }
    { IntVector t = v9; v9 = t.min(v11); v11 = t.max(v11); }
    { IntVector t = v9; v9 = t.min(v10); v10 = t.max(v10); }
    { IntVector t = v12; v12 = t.min(v13); v13 = t.max(v13); }
    { IntVector t = v14; v14 = t.min(v15); v15 = t.max(v15); }
    { IntVector t = v12; v12 = t.min(v14); v14 = t.max(v14); }
    { IntVector t = v13; v13 = t.min(v15); v15 = t.max(v15); }
    { IntVector t = v13; v13 = t.min(v14); v14 = t.max(v14); }
    { IntVector t = v8; v8 = t.min(v12); v12 = t.max(v12); }
    { IntVector t = v10; v10 = t.min(v14); v14 = t.max(v14); }
    { IntVector t = v10; v10 = t.min(v12); v12 = t.max(v12); }
    { IntVector t = v9; v9 = t.min(v13); v13 = t.max(v13); }
    { IntVector t = v11; v11 = t.min(v15); v15 = t.max(v15); }
    { IntVector t = v11; v11 = t.min(v13); v13 = t.max(v13); }
    { IntVector t = v9; v9 = t.min(v10); v10 = t.max(v10); }
    { IntVector t = v11; v11 = t.min(v12); v12 = t.max(v12); }
    { IntVector t = v13; v13 = t.min(v14); v14 = t.max(v14); }
    if (range != null) {
      IntVector.fromArray(I, range, 0).min(v8).intoArray(range, 0);
      IntVector.fromArray(I, range, IL).max(v15).intoArray(range, IL);
    }
    IntVector v0 = IntVector.fromArray(I, s, o + 0 * stride);
    IntVector v1 = IntVector.fromArray(I, s, o + 1 * stride);
    IntVector v2 = IntVector.fromArray(I, s, o + 2 * stride);
    IntVector v3 = IntVector.fromArray(I, s, o + 3 * stride);
    IntVector v4 = IntVector.fromArray(I, s, o + 4 * stride);
    IntVector v5 = IntVector.fromArray(I, s, o + 5 * stride);
    IntVector v6 = IntVector.fromArray(I, s, o + 6 * stride);
    IntVector v7 = IntVector.fromArray(I, s, o + 7 * stride);
    { IntVector t = v0; v0 = t.min(v8); v8 = t.max(v8); }
    { IntVector t = v4; v4 = t.min(v12); v12 = t.max(v12); }
    { IntVector t = v4; v4 = t.min(v8); v8 = t.max(v8); }
    { IntVector t = v2; v2 = t.min(v10); v10 = t.max(v10); }
    { IntVector t = v6; v6 = t.min(v14); v14 = t.max(v14); }
    { IntVector t = v6; v6 = t.min(v10); v10 = t.max(v10); }
    { IntVector t = v2; v2 = t.min(v4); v4 = t.max(v4); }
    { IntVector t = v6; v6 = t.min(v8); v8 = t.max(v8); }
    { IntVector t = v10; v10 = t.min(v12); v12 = t.max(v12); }
    { IntVector t = v1; v1 = t.min(v9); v9 = t.max(v9); }
    { IntVector t = v5; v5 = t.min(v13); v13 = t.max(v13); }
    { IntVector t = v5; v5 = t.min(v9); v9 = t.max(v9); }
    { IntVector t = v3; v3 = t.min(v11); v11 = t.max(v11); }
    { IntVector t = v7; v7 = t.min(v15); v15 = t.max(v15); }
    { IntVector t = v7; v7 = t.min(v11); v11 = t.max(v11); }
    { IntVector t = v3; v3 = t.min(v5); v5 = t.max(v5); }
    { IntVector t = v7; v7 = t.min(v9); v9 = t.max(v9); }
    { IntVector t = v11; v11 = t.min(v13); v13 = t.max(v13); }
    { IntVector t = v1; v1 = t.min(v2); v2 = t.max(v2); }
    { IntVector t = v3; v3 = t.min(v4); v4 = t.max(v4); }
    { IntVector t = v5; v5 = t.min(v6); v6 = t.max(v6); }
    { IntVector t = v7; v7 = t.min(v8); v8 = t.max(v8); }
    { IntVector t = v9; v9 = t.min(v10); v10 = t.max(v10); }
    { IntVector t = v11; v11 = t.min(v12); v12 = t.max(v12); }
    { IntVector t = v13; v13 = t.min(v14); v14 = t.max(v14); }
    v0.intoArray(s, o + 0 * stride);
    v1.intoArray(s, o + 1 * stride);
    v2.intoArray(s, o + 2 * stride);
    v3.intoArray(s, o + 3 * stride);
    v4.intoArray(s, o + 4 * stride);
    v5.intoArray(s, o + 5 * stride);
    v6.intoArray(s, o + 6 * stride);
    v7.intoArray(s, o + 7 * stride);
    v8.intoArray(s, o + 8 * stride);
    v9.intoArray(s, o + 9 * stride);
    v10.intoArray(s, o + 10 * stride);
    v11.intoArray(s, o + 11 * stride);
    v12.intoArray(s, o + 12 * stride);
    v13.intoArray(s, o + 13 * stride);
    v14.intoArray(s, o + 14 * stride);
    v15.intoArray(s, o + 15 * stride);
  }

  @Override
  public void sortedRangeMean(int[] s, int stride, int len, int first, int count, float[] out,
      int outFrom) {
    double inv = 1.0 / count;
    int vl = len / DL * DL;
    int t = 0;
    // Four columns at a time: each column's sum is one chain of dependent additions (about 4
    // cycles each), so one column at a time waited on latency; the order per lane is unchanged.
    for (; t + 4 * DL <= vl; t += 4 * DL) {
      DoubleVector a0 = DoubleVector.zero(D);
      DoubleVector a1 = a0;
      DoubleVector a2 = a0;
      DoubleVector a3 = a0;
      for (int r = first; r < first + count; r++) {
        int o = r * stride + t;
        IntVector k0 = IntVector.fromArray(IH, s, o);
        IntVector k1 = IntVector.fromArray(IH, s, o + DL);
        IntVector k2 = IntVector.fromArray(IH, s, o + 2 * DL);
        IntVector k3 = IntVector.fromArray(IH, s, o + 3 * DL);
        a0 = a0.add((DoubleVector) k0.lanewise(VectorOperators.XOR, k0.lanewise(VectorOperators.ASHR, 31).lanewise(VectorOperators.LSHR, 1)).reinterpretAsFloats().convertShape(VectorOperators.F2D, D, 0));
        a1 = a1.add((DoubleVector) k1.lanewise(VectorOperators.XOR, k1.lanewise(VectorOperators.ASHR, 31).lanewise(VectorOperators.LSHR, 1)).reinterpretAsFloats().convertShape(VectorOperators.F2D, D, 0));
        a2 = a2.add((DoubleVector) k2.lanewise(VectorOperators.XOR, k2.lanewise(VectorOperators.ASHR, 31).lanewise(VectorOperators.LSHR, 1)).reinterpretAsFloats().convertShape(VectorOperators.F2D, D, 0));
        a3 = a3.add((DoubleVector) k3.lanewise(VectorOperators.XOR, k3.lanewise(VectorOperators.ASHR, 31).lanewise(VectorOperators.LSHR, 1)).reinterpretAsFloats().convertShape(VectorOperators.F2D, D, 0));
      }
      a0.mul(inv).convertShape(VectorOperators.D2F, FH, 0).reinterpretAsFloats().intoArray(out, outFrom + t);
      a1.mul(inv).convertShape(VectorOperators.D2F, FH, 0).reinterpretAsFloats().intoArray(out, outFrom + t + DL);
      a2.mul(inv).convertShape(VectorOperators.D2F, FH, 0).reinterpretAsFloats().intoArray(out, outFrom + t + 2 * DL);
      a3.mul(inv).convertShape(VectorOperators.D2F, FH, 0).reinterpretAsFloats().intoArray(out, outFrom + t + 3 * DL);
    }
    for (; t < vl; t += DL) {
      DoubleVector a = DoubleVector.zero(D);
      for (int r = first; r < first + count; r++) {
        a = a.add(((DoubleVector) IntVector.fromArray(IH, s, r * stride + t).lanewise(VectorOperators.XOR, IntVector.fromArray(IH, s, r * stride + t).lanewise(VectorOperators.ASHR, 31).lanewise(VectorOperators.LSHR, 1)).reinterpretAsFloats().convertShape(VectorOperators.F2D, D, 0)));
      }
      a.mul(inv).convertShape(VectorOperators.D2F, FH, 0).reinterpretAsFloats().intoArray(out, outFrom + t);
    }
    for (; t < len; t++) {
      double a = 0;
      for (int r = first; r < first + count; r++) {
        a += Kernels.value(s[r * stride + t]);
      }
      out[outFrom + t] = (float) (a * inv);
    }
  }

  @Override
  public void sortedMedian(int[] s, int stride, int m, int len, float[] out, int outFrom) {
    int a = ((m - 1) / 2) * stride;
    int b = (m / 2) * stride;
    if (a == b) {
      int vl = len / IL * IL;
      int t = 0;
      for (; t < vl; t += IL) {
        IntVector kv = IntVector.fromArray(I, s, a + t);
        kv.lanewise(VectorOperators.XOR, kv.lanewise(VectorOperators.ASHR, 31).lanewise(VectorOperators.LSHR, 1))
            .reinterpretAsFloats().intoArray(out, outFrom + t);
      }
      for (; t < len; t++) {
        out[outFrom + t] = Kernels.value(s[a + t]);
      }
      return;
    }
    int vl = len / DL * DL;
    int t = 0;
    for (; t < vl; t += DL) {
      ((DoubleVector) IntVector.fromArray(IH, s, a + t).lanewise(VectorOperators.XOR, IntVector.fromArray(IH, s, a + t).lanewise(VectorOperators.ASHR, 31).lanewise(VectorOperators.LSHR, 1)).reinterpretAsFloats().convertShape(VectorOperators.F2D, D, 0)).add(((DoubleVector) IntVector.fromArray(IH, s, b + t).lanewise(VectorOperators.XOR, IntVector.fromArray(IH, s, b + t).lanewise(VectorOperators.ASHR, 31).lanewise(VectorOperators.LSHR, 1)).reinterpretAsFloats().convertShape(VectorOperators.F2D, D, 0))).mul(0.5).convertShape(VectorOperators.D2F, FH, 0)
          .reinterpretAsFloats().intoArray(out, outFrom + t);
    }
    for (; t < len; t++) {
      out[outFrom + t] = (float) (((double) Kernels.value(s[a + t]) + Kernels.value(s[b + t])) * 0.5);
    }
  }

  /**
   * {@link #sortedClosestToMedianMean} for columns [0, vl) when keep &gt;= drop (the usual case,
   * e.g. keep 40 of 50): only the 2 drop rows at the two ends are read twice (window choice and
   * sum), so only they are converted to doubles and kept; the middle rows are converted as they
   * are summed. Same additions in the same order as the staged version.
   */
  private static void closestToMedianWideWindow(int[] s, int stride, int m, int vl, int keep,
      float[] out, int outFrom) {
    int drop = m - keep;
    double inv = 1.0 / keep;
    int ma = ((m - 1) / 2) * stride;
    int mb = (m / 2) * stride;
    double[] ends = new double[2 * drop * DL]; // rows j and j + keep, j < drop
    for (int t = 0; t < vl; t += DL) {
      IntVector ka = IntVector.fromArray(IH, s, ma + t);
      IntVector kb = IntVector.fromArray(IH, s, mb + t);
      DoubleVector med = ((DoubleVector) ka.lanewise(VectorOperators.XOR, ka.lanewise(VectorOperators.ASHR, 31)
          .lanewise(VectorOperators.LSHR, 1)).reinterpretAsFloats().convertShape(VectorOperators.F2D, D, 0))
          .add((DoubleVector) kb.lanewise(VectorOperators.XOR, kb.lanewise(VectorOperators.ASHR, 31)
          .lanewise(VectorOperators.LSHR, 1)).reinterpretAsFloats().convertShape(VectorOperators.F2D, D, 0))
          .mul(0.5);
      // lo = 1 + the last j with |s_j - med| > |s_{j+keep} - med| (0 if none)
      DoubleVector lo = DoubleVector.zero(D);
      for (int j = 0; j < drop; j++) {
        IntVector kx = IntVector.fromArray(IH, s, j * stride + t);
        IntVector ky = IntVector.fromArray(IH, s, (j + keep) * stride + t);
        DoubleVector x = (DoubleVector) kx.lanewise(VectorOperators.XOR, kx.lanewise(VectorOperators.ASHR, 31)
            .lanewise(VectorOperators.LSHR, 1)).reinterpretAsFloats().convertShape(VectorOperators.F2D, D, 0);
        DoubleVector y = (DoubleVector) ky.lanewise(VectorOperators.XOR, ky.lanewise(VectorOperators.ASHR, 31)
            .lanewise(VectorOperators.LSHR, 1)).reinterpretAsFloats().convertShape(VectorOperators.F2D, D, 0);
        x.intoArray(ends, j * DL);
        y.intoArray(ends, (drop + j) * DL);
        lo = lo.blend(j + 1, x.sub(med).abs().compare(VectorOperators.GT, y.sub(med).abs()));
      }
      // window [lo, lo+keep) = [lo, drop) + [drop, keep) + [keep, lo+keep)
      DoubleVector a = DoubleVector.zero(D);
      for (int r = drop; r < keep; r++) {
        IntVector kr = IntVector.fromArray(IH, s, r * stride + t);
        a = a.add((DoubleVector) kr.lanewise(VectorOperators.XOR, kr.lanewise(VectorOperators.ASHR, 31)
            .lanewise(VectorOperators.LSHR, 1)).reinterpretAsFloats().convertShape(VectorOperators.F2D, D, 0));
      }
      for (int j = 0; j < drop; j++) {
        DoubleVector x = DoubleVector.fromArray(D, ends, j * DL);
        DoubleVector y = DoubleVector.fromArray(D, ends, (drop + j) * DL);
        a = a.add(y.blend(x, lo.compare(VectorOperators.LE, j)));
      }
      a.mul(inv).convertShape(VectorOperators.D2F, FH, 0).reinterpretAsFloats().intoArray(out, outFrom + t);
    }
  }

  @Override
  public void sortedClosestToMedianMean(int[] s, int stride, int m, int len, int keep,
      float[] out, int outFrom) {
    int drop = m - keep;
    double inv = 1.0 / keep;
    int ma = ((m - 1) / 2) * stride;
    int mb = (m / 2) * stride;
    int vl = len / DL * DL;
    DoubleVector zero = DoubleVector.zero(D);
    int t = 0;
    if (keep >= drop) {
      closestToMedianWideWindow(s, stride, m, vl, keep, out, outFrom);
      t = vl;
    }
    // Each row's keys of this group are converted to doubles once (the rule reads most rows
    // two or three times: median, window choice, window sum).
    double[] dv = new double[m * DL];
    for (; t < vl; t += DL) {
      for (int r = 0; r < m; r++) {
        IntVector kv = IntVector.fromArray(IH, s, r * stride + t);
        ((DoubleVector) kv.lanewise(VectorOperators.XOR, kv.lanewise(VectorOperators.ASHR, 31)
            .lanewise(VectorOperators.LSHR, 1)).reinterpretAsFloats()
            .convertShape(VectorOperators.F2D, D, 0)).intoArray(dv, r * DL);
      }
      DoubleVector med = DoubleVector.fromArray(D, dv, (m - 1) / 2 * DL)
          .add(DoubleVector.fromArray(D, dv, m / 2 * DL)).mul(0.5);
      // lo = 1 + the last j with |s_j - med| > |s_{j+keep} - med| (0 if none)
      DoubleVector lo = zero;
      // Bounds of lo over the lanes (loMin is a lower bound: the last j true in every lane).
      int loMin = 0;
      int loMax = 0;
      for (int j = 0; j < drop; j++) {
        DoubleVector l = DoubleVector.fromArray(D, dv, j * DL).sub(med).abs();
        DoubleVector h = DoubleVector.fromArray(D, dv, (j + keep) * DL).sub(med).abs();
        VectorMask<Double> gt = l.compare(VectorOperators.GT, h);
        lo = lo.blend(j + 1, gt);
        if (gt.anyTrue()) {
          loMax = j + 1;
          if (gt.allTrue()) {
            loMin = j + 1;
          }
        }
      }
      DoubleVector a = zero;
      if (keep >= drop) {
        // window [lo, lo+keep) = [lo, drop) + [drop, keep) + [keep, lo+keep)
        for (int r = drop; r < keep; r++) {
          a = a.add(DoubleVector.fromArray(D, dv, r * DL));
        }
        for (int j = 0; j < drop; j++) {
          DoubleVector x = DoubleVector.fromArray(D, dv, j * DL);
          DoubleVector y = DoubleVector.fromArray(D, dv, (j + keep) * DL);
          a = a.add(y.blend(x, lo.compare(VectorOperators.LE, j)));
        }
      } else {
        // Only rows inside some lane's window [lo, lo + keep): adding 0.0 for the others left
        // the sum unchanged, so skipping them keeps the same additions in the same order.
        DoubleVector hiEx = lo.add(keep);
        for (int r = loMin; r < loMax + keep; r++) {
          DoubleVector v = DoubleVector.fromArray(D, dv, r * DL);
          VectorMask<Double> in = lo.compare(VectorOperators.LE, r).and(hiEx.compare(VectorOperators.GT, r));
          a = a.add(zero.blend(v, in));
        }
      }
      a.mul(inv).convertShape(VectorOperators.D2F, FH, 0).reinterpretAsFloats().intoArray(out, outFrom + t);
    }
    for (; t < len; t++) {
      double med = ((double) Kernels.value(s[ma + t]) + Kernels.value(s[mb + t])) * 0.5;
      int lo = 0;
      for (int j = 0; j < drop; j++) {
        if (Math.abs(Kernels.value(s[j * stride + t]) - med)
            > Math.abs(Kernels.value(s[(j + keep) * stride + t]) - med)) {
          lo = j + 1;
        }
      }
      double a = 0;
      for (int r = lo; r < lo + keep; r++) {
        a += Kernels.value(s[r * stride + t]);
      }
      out[outFrom + t] = (float) (a * inv);
    }
  }

  @Override
  public double sumAll(float[][] rows, int k, int from, int len) {
    double total = 0;
    int vl = len / (4 * FL) * (4 * FL);
    for (int i = 0; i < k; i++) {
      float[] x = rows[i];
      FloatVector a0 = FloatVector.zero(F);
      FloatVector a1 = a0;
      FloatVector a2 = a0;
      FloatVector a3 = a0;
      int t = 0;
      for (; t < vl; t += 4 * FL) {
        a0 = a0.add(FloatVector.fromArray(F, x, from + t));
        a1 = a1.add(FloatVector.fromArray(F, x, from + t + FL));
        a2 = a2.add(FloatVector.fromArray(F, x, from + t + 2 * FL));
        a3 = a3.add(FloatVector.fromArray(F, x, from + t + 3 * FL));
      }
      double s = a0.add(a1).add(a2.add(a3)).reduceLanes(VectorOperators.ADD);
      for (; t < len; t++) {
        s += x[from + t];
      }
      total += s;
    }
    return total;
  }
}
