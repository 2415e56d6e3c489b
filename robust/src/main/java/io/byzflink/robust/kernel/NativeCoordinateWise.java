package io.byzflink.robust.kernel;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;

/**
 * Phase C of the coordinate-wise rules (median, trimmed mean, mean around the median) in native
 * code: {@code src/main/c/coordinatewise.c}, bundled in the jar for Linux x86-64 and loaded
 * through JNI, in builds chosen from the CPU: AVX-512 (F, BW, DQ, VL; 16 coordinates per block)
 * and AVX2 (8 per block). The AVX-512 build sorts int keys or the floats themselves, whichever
 * compare the core runs faster: Zen 4 runs 512-bit int min/max at twice the rate of float
 * min/max, Intel's server cores the other way round ({@link #KEYS_PROPERTY} forces one). Without
 * AVX2, on other systems, or with the system property {@code byzflink.native=false}, the Java
 * kernels run; {@code byzflink.native.isa=avx2} caps the choice at AVX2 (to test or compare it
 * on an AVX-512 machine).
 *
 * <p>Why: in Java the sort either passes through a buffer in cache several times (each pass costs
 * about 1.5 read passes on the machines measured) or, in kernels large enough to stay in
 * registers, is compiled badly by JDK 17's C2 (see {@link FusedSortGuard}). The native kernel
 * reads each block of coordinates of all rows once, straight into the vector registers,
 * sorts it there with Batcher's network (padding rows removed, only the middle for a median) and
 * reads the rule off: 2-4 read passes in all at n = 50, d = 10^6 (the Java kernels take 5-10),
 * 4-6.5 at n = 100, d = 10^5, where the sorting network's compare-exchanges, not memory, set the
 * pace (see the README's Speed section).
 *
 * <p>Results are bit for bit those of the Java kernels (int keys give the same sorted order; float
 * keys give it but for the signs within a run of zeros, which change no sum, and a median of two
 * zeros takes the sign the int order gives; the same double additions in the same order), so a
 * run gives the same aggregate with or without it, on any of its builds. {@link #status()} says which kernel is in use and why.
 *
 * <p>Inputs: at most {@link #MAX_ROWS} rows. The calls hold the rows pinned (JNI critical
 * regions), so long calls are cut into segments of {@link #SEGMENT} coordinates to keep
 * garbage-collection pauses short.
 */
public final class NativeCoordinateWise {
  /** Rule codes shared with coordinatewise.c. */
  public static final int MEDIAN = 0;
  /** Mean of sorted rows [param, m - param). */
  public static final int TRIMMED_MEAN = 1;
  /** Mean of the param values closest to the median (1 &lt;= param &lt;= m; Bulyan keeps fewer than half). */
  public static final int CLOSEST_TO_MEDIAN_MEAN = 2;
  /** Most rows the native kernel takes (its largest sorting network has 128 wires). */
  public static final int MAX_ROWS = 128;
  /** Coordinates per native call (about 3 ms of pinned arrays at 50 rows). */
  static final int SEGMENT = 1 << 16;

  /**
   * System property choosing what the AVX-512 build sorts: {@code auto} (default: whichever
   * compare this core runs faster, measured in some 50 microseconds when the kernel loads),
   * {@code int} or {@code float}. The results are the same bits either way.
   */
  public static final String KEYS_PROPERTY = "byzflink.native.keys";

  private static final String LIBRARY = "libbyzflink-robust.so";
  private static final String STATUS = load();
  private static final boolean AVAILABLE = STATUS.startsWith("native");

  static {
    System.getLogger(NativeCoordinateWise.class.getName())
        .log(System.Logger.Level.INFO, "coordinate-wise kernel: " + STATUS);
  }

  private NativeCoordinateWise() {}

  /** True when the native kernel is loaded and the CPU runs it. */
  public static boolean available() {
    return AVAILABLE;
  }

  /**
   * "native avx-512 (int keys, ...)", "native avx-512 (float keys, ...)", "native avx2", or why
   * the Java kernels are used (for logs and reports).
   */
  public static String status() {
    return STATUS;
  }

  /**
   * Writes the rule over rows {@code rows[sel[i]]}, i &lt; m, of the coordinates
   * {@code [from, from + len)} to {@code out[outFrom ..]}, if it can.
   *
   * @param rule {@link #MEDIAN}, {@link #TRIMMED_MEAN} or {@link #CLOSEST_TO_MEDIAN_MEAN}
   * @param param rows dropped per side (trimmed mean) or values kept (mean around the median)
   * @return 1 when done with every value finite; 0 when a value read was NaN or infinite (out is
   *     then incomplete); -1 when the native kernel cannot take this call (not available, too
   *     many rows, parameters out of range): nothing was written
   * @throws IndexOutOfBoundsException if a row or out is shorter than the range
   */
  public static int aggregate(float[][] rows, int[] sel, int m, int from, int len, int rule,
      int param, float[] out, int outFrom) {
    if (!AVAILABLE || m < 1 || m > MAX_ROWS || !suits(rule, m, param)) {
      return -1;
    }
    checkRange(rows, sel, m, from, len, out, outFrom);
    for (int done = 0; done < len; done += SEGMENT) {
      int n = Math.min(SEGMENT, len - done);
      int r = aggregate0(rows, sel, m, from + done, n, rule, param, out, outFrom + done);
      if (r != 0) {
        if (r < 0 && done > 0) {
          throw new IllegalStateException("the JVM refused arrays it gave the native kernel before");
        }
        return r > 0 ? 0 : -1;
      }
    }
    return 1;
  }

  private static boolean suits(int rule, int m, int param) {
    switch (rule) {
      case MEDIAN:
        return true;
      case TRIMMED_MEAN:
        return param >= 0 && 2 * param < m;
      case CLOSEST_TO_MEDIAN_MEAN:
        return param >= 1 && param <= m;
      default:
        return false;
    }
  }

  private static void checkRange(float[][] rows, int[] sel, int m, int from, int len, float[] out,
      int outFrom) {
    if (from < 0 || len < 0 || outFrom < 0 || outFrom > out.length - len || sel.length < m) {
      throw new IndexOutOfBoundsException("range [" + from + ", " + from + " + " + len
          + ") into out[" + outFrom + "..] of " + out.length);
    }
    for (int i = 0; i < m; i++) {
      float[] row = rows[sel[i]];
      if (from > row.length - len) {
        throw new IndexOutOfBoundsException("row " + sel[i] + " has " + row.length
            + " coordinates, range ends at " + (from + len));
      }
    }
  }

  private static String load() {
    int keyCode = keyCode(System.getProperty(KEYS_PROPERTY, "auto"));
    if ("false".equalsIgnoreCase(System.getProperty("byzflink.native", "true"))) {
      return "java kernels (byzflink.native=false)";
    }
    String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
    String arch = System.getProperty("os.arch", "");
    if (!os.startsWith("linux") || !(arch.equals("amd64") || arch.equals("x86_64"))) {
      return "java kernels (no native kernel for " + os + " " + arch + ")";
    }
    try (InputStream in = NativeCoordinateWise.class.getResourceAsStream("linux-x86_64/" + LIBRARY)) {
      if (in == null) {
        return "java kernels (" + LIBRARY + " not in this build: built with -Dnative.skip)";
      }
      // A fresh file per class loader: the JVM lets one loader at a time own a library path, and
      // a Flink session cluster loads each job's classes anew.
      Path file = Files.createTempFile("byzflink-robust-", ".so");
      file.toFile().deleteOnExit();
      Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
      System.load(file.toAbsolutePath().toString());
      boolean capped = "avx2".equalsIgnoreCase(System.getProperty("byzflink.native.isa", ""));
      switch (select0(capped ? 1 : 2, keyCode)) {
        case 3:
          return "native avx-512 (float keys" + (keyCode == 0 ? ", faster here" : "") + ")";
        case 2:
          return "native avx-512 (int keys" + (keyCode == 0 ? ", faster here" : "") + ")";
        case 1:
          return "native avx2";
        default:
          return "java kernels (this CPU has neither AVX-512 F/BW/DQ/VL nor AVX2)";
      }
    } catch (IOException | LinkageError | SecurityException e) {
      return "java kernels (native kernel not loaded: " + e + ")";
    }
  }

  /**
   * 0 auto, 1 int, 2 float; anything else fails the first use with this message rather than fall
   * back to the Java kernels unseen.
   */
  static int keyCode(String value) {
    int code = List.of("auto", "int", "float").indexOf(value.trim().toLowerCase(Locale.ROOT));
    if (code < 0) {
      throw new IllegalArgumentException(KEYS_PROPERTY + "=" + value + " is not one of: auto, int, float");
    }
    return code;
  }

  /**
   * Selects the best build for this CPU up to {@code most} (2 AVX-512, 1 AVX2) sorting keys of the
   * kind {@code keys} (0 whichever compare this core runs faster, 1 int, 2 float); returns 3
   * (AVX-512, float keys), 2 (AVX-512, int keys), 1 (AVX2) or 0 (none).
   */
  private static native int select0(int most, int keys);

  private static native int aggregate0(float[][] rows, int[] sel, int m, int from, int len,
      int rule, int param, float[] out, int outFrom);
}
