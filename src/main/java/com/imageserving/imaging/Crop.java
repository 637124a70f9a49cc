package com.imageserving.imaging;

import org.jspecify.annotations.Nullable;

/**
 * The area of the source a render keeps before resizing (imgproxy {@code c:width:height:gravity}).
 * Each side is pixels when at least 1, a fraction of the source's side when below 1, and the whole
 * side when 0. {@code gravity} places the area; null means the render's own gravity.
 */
public record Crop(double width, double height, @Nullable Gravity gravity) {
  public Crop {
    if (!(width >= 0) || !(height >= 0) || Double.isInfinite(width) || Double.isInfinite(height)) {
      throw new IllegalArgumentException("crop sides must be finite and not negative");
    }
  }
}
