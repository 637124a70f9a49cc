package com.imageserving.imaging;

/**
 * Which part of an image a crop keeps (imgproxy {@code g:type:x:y}).
 *
 * <p>For the compass anchors and {@link Anchor#CENTER}, {@code x} and {@code y} are offsets from
 * that edge or corner, inwards, as imgproxy reads them: a magnitude of at least 1 is pixels (of the
 * source for a crop, of the result, so multiplied by dpr, when the resize crops), below 1 it is a
 * fraction of the image's side. For {@link Anchor#FOCUS_POINT} they are the point's coordinates as
 * fractions from 0 (left, top) to 1 (right, bottom). {@link Anchor#SMART} ignores them.
 */
public record Gravity(Anchor anchor, double x, double y) {
  public static final Gravity CENTER = new Gravity(Anchor.CENTER, 0, 0);

  public Gravity {
    if (!Double.isFinite(x) || !Double.isFinite(y)) {
      throw new IllegalArgumentException("gravity offsets must be finite numbers");
    }
    if (anchor == Anchor.FOCUS_POINT && (x < 0 || x > 1 || y < 0 || y > 1)) {
      throw new IllegalArgumentException("a focus point is given as fractions from 0 to 1");
    }
  }
}
