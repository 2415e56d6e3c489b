package io.byzflink.jobs.bench;

import io.byzflink.jobs.run.Canvas;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * Draws heatmaps like ByzFL's: one panel per aggregation (rule with its pre-aggregators), rows =
 * number of Byzantine workers f, columns = heterogeneity, each cell the worst case over attacks
 * of the best test accuracy, coloured from red (0) through yellow to green (1) and annotated.
 */
public final class HeatmapPlot {

    /** One panel: a title and values[row][col] (NaN = not run). */
    public record Panel(String title, double[][] values) {}

    private static final int CELL_W = 78;
    private static final int CELL_H = 40;
    private static final int MARGIN_LEFT = 70;
    private static final int MARGIN_TOP = 56;
    private static final int GAP = 40;

    private HeatmapPlot() {}

    public static void write(List<Panel> panels, List<String> rowLabels, List<String> colLabels, String title, Path png)
            throws IOException {
        int columns = Math.min(3, Math.max(1, panels.size()));
        int rows = (panels.size() + columns - 1) / columns;
        int panelW = MARGIN_LEFT + CELL_W * colLabels.size() + GAP;
        int panelH = MARGIN_TOP + CELL_H * rowLabels.size() + GAP;
        BufferedImage img = new BufferedImage(Math.max(640, columns * panelW + 20), rows * panelH + 84, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = Canvas.white(img);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        g.drawString(title, 12, 26);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        g.drawString("cell: worst case over attacks of the best test accuracy", 12, 44);
        g.drawString("rows: f (Byzantine workers); columns: heterogeneity (iid or Dirichlet alpha)", 12, 60);
        for (int p = 0; p < panels.size(); p++) {
            int x0 = 10 + (p % columns) * panelW;
            int y0 = 74 + (p / columns) * panelH;
            drawPanel(g, panels.get(p), rowLabels, colLabels, x0, y0);
        }
        g.dispose();
        ImageIO.write(img, "png", png.toFile());
    }

    private static void drawPanel(Graphics2D g, Panel panel, List<String> rowLabels, List<String> colLabels, int x0, int y0) {
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
        g.drawString(panel.title(), x0 + MARGIN_LEFT, y0 + 14);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        FontMetrics fm = g.getFontMetrics();
        for (int c = 0; c < colLabels.size(); c++) {
            String label = colLabels.get(c).equals("iid") ? "iid" : "α=" + colLabels.get(c);
            g.drawString(label, x0 + MARGIN_LEFT + c * CELL_W + (CELL_W - fm.stringWidth(label)) / 2, y0 + MARGIN_TOP - 8);
        }
        for (int r = 0; r < rowLabels.size(); r++) {
            int y = y0 + MARGIN_TOP + r * CELL_H;
            g.setColor(Color.BLACK);
            g.drawString("f=" + rowLabels.get(r), x0 + 20, y + CELL_H / 2 + 5);
            for (int c = 0; c < colLabels.size(); c++) {
                double v = panel.values()[r][c];
                int x = x0 + MARGIN_LEFT + c * CELL_W;
                g.setColor(Double.isNaN(v) ? new Color(235, 235, 235) : color(v));
                g.fillRect(x, y, CELL_W - 2, CELL_H - 2);
                String text = Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.2f", v);
                g.setColor(Double.isNaN(v) || v > 0.35 ? Color.BLACK : Color.WHITE);
                g.drawString(text, x + (CELL_W - fm.stringWidth(text)) / 2, y + CELL_H / 2 + 5);
            }
        }
    }

    /** Red (0) -> yellow (0.5) -> green (1). */
    static Color color(double v) {
        double t = Math.max(0, Math.min(1, v));
        if (t < 0.5) {
            return new Color(200, (int) (60 + 2 * t * 160), 50);
        }
        return new Color((int) (220 - (t - 0.5) * 2 * 170), (int) (220 - (t - 0.5) * 2 * 40), (int) (60 + (t - 0.5) * 2 * 30));
    }
}
