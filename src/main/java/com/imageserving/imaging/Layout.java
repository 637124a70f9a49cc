package com.imageserving.imaging;

import org.jspecify.annotations.Nullable;

/**
 * The geometry of one run, decided before any pixel is decoded: the area kept before resizing, the
 * size the resize makes, and the area of that kept as the result. Pure arithmetic, so each rule can
 * be checked without libvips.
 *
 * @param crop the area of the (oriented) image kept before resizing; null = all of it
 * @param scaledWidth the width the resize makes of the cropped area
 * @param scaledHeight the height the resize makes of the cropped area
 * @param resultCrop the area of the resized image kept; null = all of it
 */
record Layout(
    @Nullable Region crop, int scaledWidth, int scaledHeight, @Nullable Region resultCrop) {

  /** A rectangle to keep; {@code smart}: libvips chooses its position, left and top are unused. */
  record Region(int left, int top, int width, int height, boolean smart) {}

  /** Whether libvips' attention strategy places a crop of this layout. */
  boolean hasSmartCrop() {
    return (crop != null && crop.smart()) || (resultCrop != null && resultCrop.smart());
  }

  /** The result's width. */
  int width() {
    return resultCrop == null ? scaledWidth : resultCrop.width();
  }

  /** The result's height. */
  int height() {
    return resultCrop == null ? scaledHeight : resultCrop.height();
  }

  /**
   * By how much the resize reduces the source: the smaller of the two axes' factors (above 1 means
   * smaller), which is what shrink-on-load may take without going below the target.
   */
  double reduction(int sourceWidth, int sourceHeight) {
    int width = crop == null ? sourceWidth : crop.width();
    int height = crop == null ? sourceHeight : crop.height();
    return Math.min((double) width / scaledWidth, (double) height / scaledHeight);
  }

  /**
   * Upload processing: the longer side shrunk to {@code maxSize}, never enlarged, the shorter side
   * rounded down; both axes land exactly on their integer target.
   */
  static Layout fitWithin(int width, int height, int maxSize) {
    int longer = Math.max(width, height);
    if (longer <= maxSize) {
      return new Layout(null, width, height, null);
    }
    if (width >= height) {
      return new Layout(null, maxSize, Math.max(1, (int) ((long) height * maxSize / width)), null);
    }
    return new Layout(null, Math.max(1, (int) ((long) width * maxSize / height)), maxSize, null);
  }

  /**
   * A variant render, with imgproxy's rules, for an (oriented) source of this size: crop, then the
   * scale the resizing type asks for (dpr, enlarge, 0 = from the aspect ratio), then the crop to
   * the requested box, then all of it scaled down to fit {@code maxDimension}.
   */
  static Layout of(RenderSpec spec, int sourceWidth, int sourceHeight) {
    Region crop = crop(spec, sourceWidth, sourceHeight);
    int width = crop == null ? sourceWidth : crop.width();
    int height = crop == null ? sourceHeight : crop.height();
    Scale scale = Scale.of(spec, width, height);
    int scaledWidth = Math.max(1, round(width * scale.horizontal));
    int scaledHeight = Math.max(1, round(height * scale.vertical));
    int targetWidth = round(spec.width() * scale.dpr);
    int targetHeight = round(spec.height() * scale.dpr);
    int boxWidth = targetWidth;
    int boxHeight = targetHeight;
    if (spec.resizingType() == ResizingType.FILL_DOWN && !spec.enlarge()) {
      // Too small to cover the box: crop to the box's aspect ratio rather than leave one side
      // short.
      double missingWidth = (double) targetWidth / scaledWidth;
      double missingHeight = (double) targetHeight / scaledHeight;
      if (missingWidth > missingHeight && missingWidth > 1) {
        boxWidth = scaledWidth;
        boxHeight = round(scaledWidth * (double) targetHeight / targetWidth);
      } else if (missingHeight > missingWidth && missingHeight > 1) {
        boxWidth = round(scaledHeight * (double) targetWidth / targetHeight);
        boxHeight = scaledHeight;
      }
    }
    int resultWidth = minNonZero(boxWidth, scaledWidth);
    int resultHeight = minNonZero(boxHeight, scaledHeight);
    double offsetScale = scale.dpr;
    int longest = Math.max(resultWidth, resultHeight);
    if (longest > spec.maxDimension()) {
      double down = (double) spec.maxDimension() / longest;
      scaledWidth = Math.max(1, round(scaledWidth * down));
      scaledHeight = Math.max(1, round(scaledHeight * down));
      resultWidth =
          Math.clamp(round(resultWidth * down), 1, Math.min(scaledWidth, spec.maxDimension()));
      resultHeight =
          Math.clamp(round(resultHeight * down), 1, Math.min(scaledHeight, spec.maxDimension()));
      offsetScale *= down;
    }
    Region resultCrop = null;
    if (resultWidth < scaledWidth || resultHeight < scaledHeight) {
      resultCrop =
          place(scaledWidth, scaledHeight, resultWidth, resultHeight, spec.gravity(), offsetScale);
    }
    return new Layout(crop, scaledWidth, scaledHeight, resultCrop);
  }

  /**
   * The same layout for the image as loaded, which shrink-on-load made {@code width × height}
   * instead of the source's size: the first crop is scaled with it; the resize still ends at the
   * same size, so the result does not depend on whether the loader could shrink.
   */
  Layout onLoaded(int sourceWidth, int sourceHeight, int width, int height) {
    if (crop == null || (width == sourceWidth && height == sourceHeight)) {
      return this;
    }
    double sx = (double) width / sourceWidth;
    double sy = (double) height / sourceHeight;
    int cropWidth = Math.clamp(round(crop.width() * sx), 1, width);
    int cropHeight = Math.clamp(round(crop.height() * sy), 1, height);
    int left = Math.clamp(round(crop.left() * sx), 0, width - cropWidth);
    int top = Math.clamp(round(crop.top() * sy), 0, height - cropHeight);
    return new Layout(
        new Region(left, top, cropWidth, cropHeight, crop.smart()),
        scaledWidth,
        scaledHeight,
        resultCrop);
  }

  /** imgproxy's crop before resizing; null when it keeps the whole image. */
  private static @Nullable Region crop(RenderSpec spec, int sourceWidth, int sourceHeight) {
    Crop crop = spec.crop();
    if (crop == null) {
      return null;
    }
    int width = minNonZero(cropSide(sourceWidth, crop.width()), sourceWidth);
    int height = minNonZero(cropSide(sourceHeight, crop.height()), sourceHeight);
    if (width >= sourceWidth && height >= sourceHeight) {
      return null;
    }
    Gravity gravity = crop.gravity() == null ? spec.gravity() : crop.gravity();
    // Before resizing, pixel offsets are the source's pixels: dpr does not apply.
    return place(sourceWidth, sourceHeight, width, height, gravity, 1);
  }

  /** A side of the crop: pixels when at least 1, a fraction below 1, 0 for the whole side. */
  private static int cropSide(int side, double crop) {
    if (crop == 0) {
      return 0;
    }
    if (crop >= 1) {
      return (int) Math.min(crop, Integer.MAX_VALUE);
    }
    return Math.max(1, round(side * crop));
  }

  /**
   * Where an {@code inner} area sits in an {@code outer} one for this gravity (imgproxy's
   * calcPosition): centred, or against the named edges, moved inwards by the offsets, then kept
   * inside. Pixel offsets are multiplied by {@code offsetScale} (dpr for the result crop).
   */
  static Region place(
      int outerWidth,
      int outerHeight,
      int innerWidth,
      int innerHeight,
      Gravity gravity,
      double offsetScale) {
    if (gravity.anchor() == Anchor.SMART) {
      return new Region(0, 0, innerWidth, innerHeight, true);
    }
    int left;
    int top;
    if (gravity.anchor() == Anchor.FOCUS_POINT) {
      left = roundEven(outerWidth * gravity.x()) - innerWidth / 2;
      top = roundEven(outerHeight * gravity.y()) - innerHeight / 2;
    } else {
      int offsetX = offset(gravity.x(), outerWidth, offsetScale);
      int offsetY = offset(gravity.y(), outerHeight, offsetScale);
      left = roundEven((outerWidth - innerWidth + 1) / 2.0) + offsetX;
      top = roundEven((outerHeight - innerHeight + 1) / 2.0) + offsetY;
      switch (gravity.anchor()) {
        case NORTH, NORTH_EAST, NORTH_WEST -> top = offsetY;
        case SOUTH, SOUTH_EAST, SOUTH_WEST -> top = outerHeight - innerHeight - offsetY;
        default -> {}
      }
      switch (gravity.anchor()) {
        case WEST, NORTH_WEST, SOUTH_WEST -> left = offsetX;
        case EAST, NORTH_EAST, SOUTH_EAST -> left = outerWidth - innerWidth - offsetX;
        default -> {}
      }
    }
    left = Math.clamp(left, 0, outerWidth - innerWidth);
    top = Math.clamp(top, 0, outerHeight - innerHeight);
    return new Region(left, top, innerWidth, innerHeight, false);
  }

  private static int offset(double value, int side, double scale) {
    return Math.abs(value) >= 1 ? roundEven(value * scale) : roundEven(side * value);
  }

  /**
   * imgproxy's calcScale: the horizontal and vertical factors for an area of {@code width ×
   * height}, and the dpr that remains once "never enlarge" has had its say (it scales the result
   * box and the gravity's pixel offsets).
   */
  private record Scale(double horizontal, double vertical, double dpr) {
    static Scale of(RenderSpec spec, int width, int height) {
      double targetWidth = spec.width() == 0 ? width : spec.width();
      double targetHeight = spec.height() == 0 ? height : spec.height();
      double shrinkX = targetWidth == width ? 1 : width / targetWidth;
      double shrinkY = targetHeight == height ? 1 : height / targetHeight;
      if (shrinkX != 1 || shrinkY != 1) {
        ResizingType type = resolve(spec.resizingType(), width, height, targetWidth, targetHeight);
        if (spec.width() == 0 && type != ResizingType.FORCE) {
          shrinkX = shrinkY;
        } else if (spec.height() == 0 && type != ResizingType.FORCE) {
          shrinkY = shrinkX;
        } else if (type == ResizingType.FIT) {
          shrinkX = Math.max(shrinkX, shrinkY);
          shrinkY = shrinkX;
        } else if (type == ResizingType.FILL || type == ResizingType.FILL_DOWN) {
          shrinkX = Math.min(shrinkX, shrinkY);
          shrinkY = shrinkX;
        }
      }
      double dpr = spec.dpr();
      if (!spec.enlarge()) {
        double least = Math.min(shrinkX, shrinkY);
        if (least < 1) {
          // Would enlarge: back off to the source's size, keeping the two axes' proportion.
          shrinkX /= least;
          shrinkY /= least;
          dpr /= least;
        }
        // Whatever dpr asks, never past the source's size.
        dpr = Math.min(dpr, Math.min(shrinkX, shrinkY));
      }
      shrinkX = Math.min(shrinkX / dpr, width);
      shrinkY = Math.min(shrinkY / dpr, height);
      return new Scale(1 / shrinkX, 1 / shrinkY, dpr);
    }

    /**
     * AUTO is FILL when the source and the box are both landscape (or square), or both portrait.
     */
    private static ResizingType resolve(
        ResizingType type, int width, int height, double targetWidth, double targetHeight) {
      if (type != ResizingType.AUTO) {
        return type;
      }
      boolean sourceLandscape = width - height >= 0;
      boolean targetLandscape = targetWidth - targetHeight >= 0;
      return sourceLandscape == targetLandscape ? ResizingType.FILL : ResizingType.FIT;
    }
  }

  private static int minNonZero(int a, int b) {
    return a == 0 ? b : b == 0 ? a : Math.min(a, b);
  }

  private static int round(double value) {
    return (int) Math.min(Math.round(value), Integer.MAX_VALUE);
  }

  private static int roundEven(double value) {
    return (int) Math.rint(value);
  }
}
