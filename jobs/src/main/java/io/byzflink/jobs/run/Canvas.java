package io.byzflink.jobs.run;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;

/** A white, antialiased, headless Java2D canvas: how every plot of the project starts. */
public final class Canvas {

    private Canvas() {}

    /** Draws on {@code img} (cleared to white); the caller disposes the graphics. */
    public static Graphics2D white(BufferedImage img) {
        System.setProperty("java.awt.headless", "true");
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        return g;
    }
}
