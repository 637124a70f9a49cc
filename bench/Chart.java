import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.File;
import javax.imageio.ImageIO;

/**
 * A sharp-edged test chart for scripts/bench.sh (shrink-on-load rules): a zone plate (every spatial
 * frequency up to Nyquist), fine line gratings and text. {@code java bench/Chart.java W H out.png}.
 */
public final class Chart {
  public static void main(String[] args) throws Exception {
    int width = Integer.parseInt(args[0]);
    int height = Integer.parseInt(args[1]);
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    // Zone plate on the left half: cos(k r²), the frequency rising to Nyquist at the corners.
    int half = width / 2;
    double k = Math.PI / Math.max(half, height);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < half; x++) {
        double dx = x - half / 2.0;
        double dy = y - height / 2.0;
        int v = (int) Math.round(127.5 + 127.5 * Math.cos(k * (dx * dx + dy * dy)));
        image.setRGB(x, y, v << 16 | v << 8 | v);
      }
    }
    Graphics2D g = image.createGraphics();
    g.setColor(Color.WHITE);
    g.fillRect(half, 0, width - half, height);
    g.setColor(Color.BLACK);
    // Line gratings of 1 to 6 pixels, vertical and horizontal, then diagonals.
    int band = height / 4;
    int x0 = half + 20;
    for (int w = 1; w <= 6; w++) {
      g.setStroke(new BasicStroke(w));
      int left = x0 + (w - 1) * (width - half - 40) / 6;
      int right = left + (width - half - 40) / 6 - 20;
      for (int x = left; x < right; x += 2 * w) {
        g.drawLine(x, 20, x, band - 20);
      }
      for (int y = band; y < 2 * band - 20; y += 2 * w) {
        g.drawLine(left, y, right, y);
      }
    }
    g.setStroke(new BasicStroke(1));
    for (int i = 0; i < width - half; i += 6) {
      g.drawLine(half + i, 2 * band, half + i + band / 2, 2 * band + band / 2);
    }
    // Text from large to small, black on white and red on blue.
    g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    int y = 2 * band + band / 2 + 30;
    for (int size = 72; size >= 10 && y < height - 10; size = size * 3 / 4) {
      g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, size));
      g.setColor(size % 2 == 0 ? Color.BLACK : Color.RED);
      g.drawString("Sphinx of black quartz, judge my vow 0123456789", half + 10, y);
      y += size + 6;
    }
    g.dispose();
    ImageIO.write(image, "png", new File(args[2]));
  }
}
