package io.byzflink.jobs.run;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;

/**
 * Draws one curve per run to a PNG, any two figures of {@code rounds.jsonl} against each other:
 * e.g. mean accuracy against megabytes exchanged, to compare decentralized protocols by what their
 * traffic buys. Plain Java2D, headless, no plotting dependency.
 */
public final class CurvePlot {

    /** One run's points. */
    public record Curve(String label, double[] x, double[] y) {}

    private static final int W = 900;
    private static final int H = 540;
    private static final int LEFT = 80;
    private static final int RIGHT = 30;
    private static final int TOP = 60;
    private static final int BOTTOM = 60;
    private static final Color[] PALETTE = {new Color(31, 119, 180), new Color(214, 39, 40), new Color(44, 160, 44),
        new Color(255, 127, 14), new Color(148, 103, 189), new Color(140, 86, 75), new Color(227, 119, 194)};

    private CurvePlot() {}

    /**
     * Reads figures {@code x} and {@code y} of every line of {@code jsonl} that has both (divided
     * by {@code xScale} and {@code yScale}, e.g. 1e6 for megabytes).
     */
    public static Curve read(Path jsonl, String label, String x, String y, double xScale, double yScale) throws IOException {
        List<double[]> points = new ArrayList<>();
        for (String line : Files.readAllLines(jsonl)) {
            Double vx = number(line, x);
            Double vy = number(line, y);
            if (vx != null && vy != null) {
                points.add(new double[] {vx / xScale, vy / yScale});
            }
        }
        if (points.isEmpty()) {
            throw new IllegalArgumentException(jsonl + " has no line with both '" + x + "' and '" + y + "'");
        }
        return new Curve(label, points.stream().mapToDouble(p -> p[0]).toArray(), points.stream().mapToDouble(p -> p[1]).toArray());
    }

    private static Double number(String jsonLine, String key) {
        Matcher m = Pattern.compile("\"" + Pattern.quote(key) + "\": (-?[0-9.eE+-]+)").matcher(jsonLine);
        return m.find() ? Double.parseDouble(m.group(1)) : null;
    }

    public static void write(List<Curve> curves, String title, String xLabel, String yLabel, Path png) throws IOException {
        double[] xr = range(curves, true);
        double[] yr = range(curves, false);
        BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = Canvas.white(img);
        int pw = W - LEFT - RIGHT;
        int ph = H - TOP - BOTTOM;
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        for (int i = 0; i <= 10; i++) {
            int y = TOP + ph - i * ph / 10;
            int x = LEFT + i * pw / 10;
            g.setColor(new Color(232, 232, 232));
            g.drawLine(LEFT, y, LEFT + pw, y);
            g.drawLine(x, TOP, x, TOP + ph);
            g.setColor(Color.DARK_GRAY);
            if (i % 2 == 0) {
                g.drawString(tick(yr[0] + (yr[1] - yr[0]) * i / 10), LEFT - 50, y + 4);
                g.drawString(tick(xr[0] + (xr[1] - xr[0]) * i / 10), x - 14, TOP + ph + 18);
            }
        }
        g.drawRect(LEFT, TOP, pw, ph);
        g.drawString(xLabel, LEFT + pw / 2 - 4 * xLabel.length(), H - 18);
        g.drawString(yLabel, 8, TOP - 10);
        g.setStroke(new BasicStroke(2.2f));
        for (int c = 0; c < curves.size(); c++) {
            Curve curve = curves.get(c);
            g.setColor(PALETTE[c % PALETTE.length]);
            int px = -1;
            int py = -1;
            for (int i = 0; i < curve.x().length; i++) {
                int x = LEFT + (int) (pw * (curve.x()[i] - xr[0]) / (xr[1] - xr[0]));
                int y = TOP + ph - (int) (ph * (curve.y()[i] - yr[0]) / (yr[1] - yr[0]));
                if (px >= 0) {
                    g.drawLine(px, py, x, y);
                }
                g.fillOval(x - 3, y - 3, 6, 6);
                px = x;
                py = y;
            }
            g.fillRect(LEFT + pw - 260, TOP + 16 + 18 * c, 14, 4);
            g.setColor(Color.BLACK);
            g.drawString(curve.label(), LEFT + pw - 240, TOP + 22 + 18 * c);
        }
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        g.setColor(Color.BLACK);
        g.drawString(title, LEFT, 26);
        g.dispose();
        ImageIO.write(img, "png", png.toFile());
    }

    /** [min, max] of the x or y values over all curves, padded by 5%. */
    private static double[] range(List<Curve> curves, boolean x) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (Curve c : curves) {
            for (double v : x ? c.x() : c.y()) {
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
        }
        double pad = hi > lo ? (hi - lo) * 0.05 : Math.max(1e-9, Math.abs(hi) * 0.05 + 1e-9);
        return new double[] {x ? Math.min(0, lo) : lo - pad, hi + pad};
    }

    private static String tick(double v) {
        return Math.abs(v) >= 100 ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.3g", v);
    }
}
