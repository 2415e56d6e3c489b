package io.byzflink.jobs.run;

import io.byzflink.serde.avro.RoundReport;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * Draws a run's learning curves to a PNG: test accuracy (left axis, 0-1) and test and training
 * loss (right axis) against the round, with the run's title and final figures. Plain Java2D,
 * headless, no plotting dependency.
 */
public final class RoundPlot {

    private static final int W = 900;
    private static final int H = 520;
    private static final int LEFT = 70;
    private static final int RIGHT = 70;
    private static final int TOP = 60;
    private static final int BOTTOM = 60;

    private RoundPlot() {}

    public static void write(List<RoundReport> reports, String title, Path png) throws IOException {
        BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = Canvas.white(img);
        int pw = W - LEFT - RIGHT;
        int ph = H - TOP - BOTTOM;
        long maxRound = Math.max(1, reports.isEmpty() ? 1 : reports.get(reports.size() - 1).getRound() + 1);
        double maxLoss = 1e-9;
        for (RoundReport r : reports) {
            maxLoss = Math.max(maxLoss, value(r.getLoss()));
            maxLoss = Math.max(maxLoss, value(r.getTrainLoss()));
        }
        maxLoss *= 1.1;

        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.setColor(new Color(230, 230, 230));
        for (int i = 0; i <= 10; i++) {
            int y = TOP + ph - i * ph / 10;
            g.drawLine(LEFT, y, LEFT + pw, y);
        }
        g.setColor(Color.DARK_GRAY);
        g.drawRect(LEFT, TOP, pw, ph);
        for (int i = 0; i <= 10; i += 2) {
            int y = TOP + ph - i * ph / 10;
            g.drawString(String.format(Locale.ROOT, "%.1f", i / 10.0), LEFT - 30, y + 4);
            g.drawString(String.format(Locale.ROOT, "%.2f", maxLoss * i / 10), LEFT + pw + 8, y + 4);
        }
        int ticks = (int) Math.min(10, maxRound);
        for (int i = 0; i <= ticks; i++) {
            long round = Math.round((double) maxRound * i / ticks);
            int x = LEFT + (int) (pw * round / maxRound);
            g.drawString(Long.toString(round), x - 6, TOP + ph + 18);
        }
        g.drawString("round", LEFT + pw / 2 - 15, H - 18);
        g.drawString("test accuracy", 8, TOP - 10);
        g.drawString("loss", W - RIGHT + 8, TOP - 10);

        Color accuracy = new Color(31, 119, 180);
        Color testLoss = new Color(214, 39, 40);
        Color trainLoss = new Color(255, 127, 14);
        g.setStroke(new BasicStroke(2.2f));
        series(g, reports, maxRound, pw, ph, 1.0, accuracy, Series.ACCURACY);
        series(g, reports, maxRound, pw, ph, maxLoss, testLoss, Series.LOSS);
        series(g, reports, maxRound, pw, ph, maxLoss, trainLoss, Series.TRAIN_LOSS);

        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        g.setColor(Color.BLACK);
        g.drawString(title, LEFT, 26);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        legend(g, LEFT + 10, TOP + 18, accuracy, "test accuracy");
        legend(g, LEFT + 130, TOP + 18, testLoss, "test loss");
        legend(g, LEFT + 230, TOP + 18, trainLoss, "train loss (workers)");
        g.dispose();
        ImageIO.write(img, "png", png.toFile());
    }

    private enum Series { ACCURACY, LOSS, TRAIN_LOSS }

    private static void series(Graphics2D g, List<RoundReport> reports, long maxRound, int pw, int ph, double max,
            Color color, Series which) {
        g.setColor(color);
        int px = -1;
        int py = -1;
        for (RoundReport r : reports) {
            Double v = switch (which) {
                case ACCURACY -> r.getAccuracy();
                case LOSS -> r.getLoss();
                case TRAIN_LOSS -> r.getTrainLoss();
            };
            if (v == null || !Double.isFinite(v)) {
                continue;
            }
            int x = LEFT + (int) (pw * (r.getRound() + 1) / maxRound);
            int y = TOP + ph - (int) (ph * Math.min(1, v / max));
            if (px >= 0) {
                g.drawLine(px, py, x, y);
            }
            g.fillOval(x - 3, y - 3, 6, 6);
            px = x;
            py = y;
        }
    }

    private static void legend(Graphics2D g, int x, int y, Color c, String label) {
        g.setColor(c);
        g.fillRect(x, y - 8, 14, 4);
        g.setColor(Color.BLACK);
        g.drawString(label, x + 18, y - 2);
    }

    private static double value(Double d) {
        return d == null || !Double.isFinite(d) ? 0 : d;
    }
}
