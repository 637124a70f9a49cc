package com.imageserving.imaging;

/** How a render fits the requested width and height, with imgproxy's meanings ({@code rt:...}). */
public enum ResizingType {
  /** Keeps the aspect ratio and fits inside the box (the default). */
  FIT,
  /** Keeps the aspect ratio, covers the box, and crops what sticks out (by gravity). */
  FILL,
  /**
   * As {@link #FILL}; when the source is too small to cover the box (and enlarging is off), the
   * result is cropped to the box's aspect ratio instead of being smaller than it on one side only.
   */
  FILL_DOWN,
  /** Resizes to exactly the box, without keeping the aspect ratio. */
  FORCE,
  /** {@link #FILL} when the source and the box have the same orientation, else {@link #FIT}. */
  AUTO
}
