package com.imageserving.imaging;

/**
 * An opaque colour, 0 to 255 per channel: what transparent areas become in formats without alpha.
 */
public record Rgb(int r, int g, int b) {
  public static final Rgb WHITE = new Rgb(255, 255, 255);

  public Rgb {
    if ((r | g | b) < 0 || r > 255 || g > 255 || b > 255) {
      throw new IllegalArgumentException("colour channels are 0 to 255");
    }
  }
}
