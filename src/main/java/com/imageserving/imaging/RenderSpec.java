package com.imageserving.imaging;

import com.imageserving.config.OutputFormat;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What one variant render does, already validated and normalised by the caller, with imgproxy's
 * meanings. The constructor only refuses values no caller should ever pass (a programming error).
 *
 * @param resizingType how the box is fitted
 * @param width the box's width; 0 = from the height and the aspect ratio (both 0 = source size)
 * @param height the box's height; 0 = from the width and the aspect ratio
 * @param dpr multiplies width and height (and pixel offsets of the result crop's gravity)
 * @param enlarge false: never larger than the source (after the crop)
 * @param gravity what the fill crop keeps, and the crop's default gravity
 * @param crop the area kept before resizing; null = the whole image
 * @param format the encoding of the result
 * @param quality 1 to 100; ignored for PNG
 * @param blur gaussian blur sigma; 0 = none
 * @param sharpen sharpening sigma; 0 = none
 * @param background what alpha is flattened onto for formats without alpha
 * @param maxDimension the result is scaled down to fit this on both sides, aspect ratio kept
 */
public record RenderSpec(
    ResizingType resizingType,
    int width,
    int height,
    double dpr,
    boolean enlarge,
    Gravity gravity,
    @Nullable Crop crop,
    OutputFormat format,
    int quality,
    double blur,
    double sharpen,
    Rgb background,
    int maxDimension) {

  public RenderSpec {
    Objects.requireNonNull(resizingType, "resizingType");
    Objects.requireNonNull(gravity, "gravity");
    Objects.requireNonNull(format, "format");
    Objects.requireNonNull(background, "background");
    if (width < 0 || height < 0) {
      throw new IllegalArgumentException("width and height must not be negative");
    }
    if (!(dpr > 0) || Double.isInfinite(dpr)) {
      throw new IllegalArgumentException("dpr must be a positive number");
    }
    if (quality < 1 || quality > 100) {
      throw new IllegalArgumentException("quality must be 1 to 100");
    }
    if (!(blur >= 0) || !(sharpen >= 0) || Double.isInfinite(blur + sharpen)) {
      throw new IllegalArgumentException("blur and sharpen must be finite and not negative");
    }
    if (maxDimension < 1) {
      throw new IllegalArgumentException("maxDimension must be positive");
    }
  }
}
