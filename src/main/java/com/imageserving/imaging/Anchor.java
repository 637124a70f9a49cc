package com.imageserving.imaging;

/** Where a crop keeps the image: imgproxy's gravity types ({@code g:no}, {@code g:sm}, ...). */
public enum Anchor {
  NORTH,
  SOUTH,
  EAST,
  WEST,
  NORTH_EAST,
  NORTH_WEST,
  SOUTH_EAST,
  SOUTH_WEST,
  CENTER,
  /** The most interesting area, as libvips' attention strategy finds it (imgproxy {@code sm}). */
  SMART,
  /** The point (x, y), given as fractions of the width and height, is kept as the centre. */
  FOCUS_POINT
}
