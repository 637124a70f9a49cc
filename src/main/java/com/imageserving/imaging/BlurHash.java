package com.imageserving.imaging;

/**
 * The BlurHash encoder (https://blurha.sh, the reference algorithm of woltapp/blurhash): a DCT of
 * the image in linear light, its components quantised and written in base 83. Clients decode it
 * into a blurry placeholder while the image loads.
 */
public final class BlurHash {
  private static final String DIGITS =
      "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz#$%*+,-.:;=?@[]^_{|}~";
  private static final double[] LINEAR = new double[256];

  static {
    for (int i = 0; i < 256; i++) {
      double v = i / 255.0;
      LINEAR[i] = v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    }
  }

  private BlurHash() {}

  /**
   * Encodes {@code width × height} 8-bit sRGB pixels ({@code rgb}: R, G, B per pixel, row by row)
   * with {@code xComponents × yComponents} components (1 to 9 each).
   */
  public static String encode(byte[] rgb, int width, int height, int xComponents, int yComponents) {
    if (xComponents < 1 || xComponents > 9 || yComponents < 1 || yComponents > 9) {
      throw new IllegalArgumentException("components are 1 to 9");
    }
    if (width < 1 || height < 1 || rgb.length < 3L * width * height) {
      throw new IllegalArgumentException("not " + width + "×" + height + " RGB pixels");
    }
    double[][] factors = new double[xComponents * yComponents][];
    for (int j = 0; j < yComponents; j++) {
      for (int i = 0; i < xComponents; i++) {
        factors[j * xComponents + i] = basis(rgb, width, height, i, j);
      }
    }
    StringBuilder hash = new StringBuilder();
    append(hash, (xComponents - 1) + (yComponents - 1) * 9, 1);
    double maximum = 1;
    if (factors.length > 1) {
      // The largest component value, not magnitude, as the npm reference (blurhash 2, by Wolt)
      // computes it, so that hashes equal its own; larger negative values are clamped when
      // quantised, as there.
      double actualMaximum = Double.NEGATIVE_INFINITY;
      for (int k = 1; k < factors.length; k++) {
        for (double c : factors[k]) {
          actualMaximum = Math.max(actualMaximum, c);
        }
      }
      int quantised = (int) Math.max(0, Math.min(82, Math.floor(actualMaximum * 166 - 0.5)));
      maximum = (quantised + 1) / 166.0;
      append(hash, quantised, 1);
    } else {
      append(hash, 0, 1);
    }
    double[] dc = factors[0];
    append(hash, (toSrgb(dc[0]) << 16) + (toSrgb(dc[1]) << 8) + toSrgb(dc[2]), 4);
    for (int k = 1; k < factors.length; k++) {
      double[] ac = factors[k];
      int r = quantiseAc(ac[0], maximum);
      int g = quantiseAc(ac[1], maximum);
      int b = quantiseAc(ac[2], maximum);
      append(hash, r * 19 * 19 + g * 19 + b, 2);
    }
    return hash.toString();
  }

  private static double[] basis(byte[] rgb, int width, int height, int i, int j) {
    double normalisation = (i == 0 && j == 0) ? 1 : 2;
    double r = 0;
    double g = 0;
    double b = 0;
    for (int x = 0; x < width; x++) {
      for (int y = 0; y < height; y++) {
        double basis =
            normalisation * Math.cos(Math.PI * i * x / width) * Math.cos(Math.PI * j * y / height);
        int p = 3 * (x + y * width);
        r += basis * LINEAR[rgb[p] & 0xff];
        g += basis * LINEAR[rgb[p + 1] & 0xff];
        b += basis * LINEAR[rgb[p + 2] & 0xff];
      }
    }
    double scale = 1.0 / (width * height);
    return new double[] {r * scale, g * scale, b * scale};
  }

  private static int quantiseAc(double value, double maximum) {
    double signPow = Math.copySign(Math.pow(Math.abs(value / maximum), 0.5), value / maximum);
    return (int) Math.max(0, Math.min(18, Math.floor(signPow * 9 + 9.5)));
  }

  /** Linear light back to an 8-bit sRGB value, rounded as the reference does. */
  private static int toSrgb(double value) {
    double v = Math.max(0, Math.min(1, value));
    if (v <= 0.0031308) {
      return (int) (v * 12.92 * 255 + 0.5);
    }
    return (int) ((1.055 * Math.pow(v, 1 / 2.4) - 0.055) * 255 + 0.5);
  }

  private static void append(StringBuilder hash, int value, int length) {
    for (int i = 1; i <= length; i++) {
      int digit = (int) (Math.floor(value / Math.pow(83, length - i)) % 83);
      hash.append(DIGITS.charAt(digit));
    }
  }
}
