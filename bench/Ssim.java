import java.awt.image.BufferedImage;
import java.io.File;
import javax.imageio.ImageIO;

/**
 * SSIM of two images of the same size, on luma (BT.601), 8×8 windows with stride 4, the standard
 * constants (K1 0.01, K2 0.03, L 255). Used by scripts/bench.sh (shrink-on-load rules):
 * {@code java bench/Ssim.java a.png b.png} prints the mean SSIM.
 */
public final class Ssim {
  public static void main(String[] args) throws Exception {
    double[][] a = luma(ImageIO.read(new File(args[0])));
    double[][] b = luma(ImageIO.read(new File(args[1])));
    if (a.length != b.length || a[0].length != b[0].length) {
      throw new IllegalArgumentException(
          "sizes differ: " + a[0].length + "x" + a.length + " and " + b[0].length + "x" + b.length);
    }
    System.out.printf("%.5f%n", ssim(a, b));
  }

  static double[][] luma(BufferedImage image) {
    double[][] y = new double[image.getHeight()][image.getWidth()];
    for (int row = 0; row < image.getHeight(); row++) {
      for (int col = 0; col < image.getWidth(); col++) {
        int rgb = image.getRGB(col, row);
        y[row][col] =
            0.299 * ((rgb >> 16) & 0xFF) + 0.587 * ((rgb >> 8) & 0xFF) + 0.114 * (rgb & 0xFF);
      }
    }
    return y;
  }

  static double ssim(double[][] a, double[][] b) {
    final int window = 8;
    final int stride = 4;
    final double c1 = Math.pow(0.01 * 255, 2);
    final double c2 = Math.pow(0.03 * 255, 2);
    double sum = 0;
    int count = 0;
    for (int top = 0; top + window <= a.length; top += stride) {
      for (int left = 0; left + window <= a[0].length; left += stride) {
        double ma = 0, mb = 0;
        for (int r = top; r < top + window; r++) {
          for (int c = left; c < left + window; c++) {
            ma += a[r][c];
            mb += b[r][c];
          }
        }
        int n = window * window;
        ma /= n;
        mb /= n;
        double va = 0, vb = 0, cov = 0;
        for (int r = top; r < top + window; r++) {
          for (int c = left; c < left + window; c++) {
            double da = a[r][c] - ma;
            double db = b[r][c] - mb;
            va += da * da;
            vb += db * db;
            cov += da * db;
          }
        }
        va /= n - 1;
        vb /= n - 1;
        cov /= n - 1;
        sum += ((2 * ma * mb + c1) * (2 * cov + c2)) / ((ma * ma + mb * mb + c1) * (va + vb + c2));
        count++;
      }
    }
    return sum / count;
  }
}
