package com.imageserving.imaging;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What a client shows while an image loads: its BlurHash (4×3 components) and its dominant colour
 * as {@code #rrggbb}, both computed from a small rendition of at most {@link #SIZE} pixels a side.
 */
public record Placeholder(String blurhash, String dominantColor) {
  /** The longer side of the rendition both are computed from: more adds nothing to a blur. */
  public static final int SIZE = 32;

  public static final int X_COMPONENTS = 4;
  public static final int Y_COMPONENTS = 3;

  /** From 8-bit sRGB pixels, R, G, B per pixel, row by row. */
  public static Placeholder of(byte[] rgb, int width, int height) {
    return new Placeholder(
        BlurHash.encode(rgb, width, height, X_COMPONENTS, Y_COMPONENTS),
        dominantColor(rgb, width, height));
  }

  /**
   * The most common colour of the most common colour bucket (16 levels per channel): buckets make a
   * photo's many near-equal shades count together, and the most common exact colour in the winning
   * bucket is a colour that really occurs (an average could be one that does not, and edges blended
   * by the resize would pull it off the flat colours of a graphic).
   */
  static String dominantColor(byte[] rgb, int width, int height) {
    int pixels = width * height;
    int[] buckets = new int[16 * 16 * 16];
    for (int p = 0; p < pixels; p++) {
      buckets[bucket(rgb, p)]++;
    }
    int best = 0;
    for (int b = 1; b < buckets.length; b++) {
      if (buckets[b] > buckets[best]) {
        best = b;
      }
    }
    Map<Integer, Integer> counts = new HashMap<>();
    int colour = 0;
    int most = 0;
    for (int p = 0; p < pixels; p++) {
      if (bucket(rgb, p) != best) {
        continue;
      }
      int c =
          ((rgb[3 * p] & 0xff) << 16) | ((rgb[3 * p + 1] & 0xff) << 8) | (rgb[3 * p + 2] & 0xff);
      int n = counts.merge(c, 1, Integer::sum);
      if (n > most || (n == most && c < colour)) {
        most = n;
        colour = c;
      }
    }
    return String.format(Locale.ROOT, "#%06x", colour);
  }

  private static int bucket(byte[] rgb, int p) {
    return ((rgb[3 * p] & 0xf0) << 4) | (rgb[3 * p + 1] & 0xf0) | ((rgb[3 * p + 2] & 0xf0) >> 4);
  }
}
