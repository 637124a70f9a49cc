package com.imageserving.variants;

import com.imageserving.config.OutputFormat;
import com.imageserving.imaging.Anchor;
import com.imageserving.imaging.Crop;
import com.imageserving.imaging.Gravity;
import com.imageserving.imaging.RenderSpec;
import com.imageserving.imaging.ResizingType;
import com.imageserving.imaging.Rgb;
import java.math.BigDecimal;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * The options of one variant, whichever spelling they came in (path or query, short or long names,
 * presets): imgproxy's meanings, validated and normalised, so that equal variants are equal values.
 *
 * @param resizingType how the box is fitted (imgproxy {@code rt})
 * @param width the box's width in pixels; 0 = from the height and the aspect ratio
 * @param height the box's height in pixels; 0 = from the width and the aspect ratio
 * @param dpr 1 to 5, multiplies width and height
 * @param enlarge false: never larger than the source
 * @param gravity what a fill crop keeps, and the crop's default gravity
 * @param crop the area kept before resizing; null = the whole image
 * @param format the requested encoding; null = chosen by the service (Accept or the stored format)
 * @param quality 1 to 100; 0 = the configured default
 * @param blur gaussian blur sigma; 0 = none
 * @param sharpen sharpening sigma; 0 = none
 * @param background what transparency is flattened onto for formats without alpha
 * @param cachebuster imgproxy's {@code cb}: part of the URL, not of the image
 * @param expires Unix seconds after which the URL answers 404; null = never
 */
public record VariantOptions(
    ResizingType resizingType,
    int width,
    int height,
    double dpr,
    boolean enlarge,
    Gravity gravity,
    @Nullable Crop crop,
    @Nullable OutputFormat format,
    int quality,
    double blur,
    double sharpen,
    Rgb background,
    @Nullable String cachebuster,
    @Nullable Long expires) {

  /** No option given: the source's size and format, re-encoded. */
  public static final VariantOptions DEFAULTS =
      new VariantOptions(
          ResizingType.FIT,
          0,
          0,
          1,
          false,
          Gravity.CENTER,
          null,
          null,
          0,
          0,
          0,
          Rgb.WHITE,
          null,
          null);

  public VariantOptions {
    // Normal forms, so that spellings of the same variant compare equal: the smart anchor has no
    // offsets, and a crop that keeps both whole sides is no crop.
    if (gravity.anchor() == Anchor.SMART && (gravity.x() != 0 || gravity.y() != 0)) {
      gravity = new Gravity(Anchor.SMART, 0, 0);
    }
    if (crop != null && crop.width() == 0 && crop.height() == 0) {
      crop = null;
    }
  }

  /** The same options with the given format and quality (as the service resolved them). */
  public VariantOptions with(OutputFormat format, int quality) {
    return new VariantOptions(
        resizingType,
        width,
        height,
        dpr,
        enlarge,
        gravity,
        crop,
        format,
        quality,
        blur,
        sharpen,
        background,
        cachebuster,
        expires);
  }

  /**
   * The same options without what only changes the URL, never the image (the cache buster and the
   * expiry); this when there is neither.
   */
  public VariantOptions withoutUrlParts() {
    if (cachebuster == null && expires == null) {
      return this;
    }
    return new VariantOptions(
        resizingType,
        width,
        height,
        dpr,
        enlarge,
        gravity,
        crop,
        format,
        quality,
        blur,
        sharpen,
        background,
        null,
        null);
  }

  /**
   * One canonical string of everything that decides the pixels and the encoding, in a fixed order
   * with every default spelled out. The cache buster and the expiry are left out: they change the
   * URL, never the image, so they must not make a second copy of it.
   */
  public String canonical() {
    StringBuilder s = new StringBuilder(96);
    s.append("rt:").append(resizingType.name().toLowerCase(Locale.ROOT).replace('_', '-'));
    s.append("/w:").append(width).append("/h:").append(height);
    s.append("/dpr:").append(number(dpr));
    s.append("/el:").append(enlarge ? 1 : 0);
    s.append("/g:").append(gravity(gravity));
    s.append("/c:");
    if (crop == null) {
      s.append('-');
    } else {
      s.append(number(crop.width())).append(':').append(number(crop.height())).append(':');
      s.append(crop.gravity() == null ? "-" : gravity(crop.gravity()));
    }
    s.append("/f:").append(format == null ? "auto" : format.extension());
    s.append("/q:").append(quality);
    s.append("/bl:").append(number(blur)).append("/sh:").append(number(sharpen));
    s.append("/bg:")
        .append(
            String.format(
                Locale.ROOT, "%02x%02x%02x", background.r(), background.g(), background.b()));
    return s.toString();
  }

  /** What imaging renders for these options, once the format and quality are resolved. */
  public RenderSpec toRenderSpec(OutputFormat format, int quality, int maxDimension) {
    return new RenderSpec(
        resizingType,
        width,
        height,
        dpr,
        enlarge,
        gravity,
        crop,
        format,
        quality,
        blur,
        sharpen,
        background,
        maxDimension);
  }

  private static String gravity(Gravity g) {
    String type =
        switch (g.anchor()) {
          case NORTH -> "no";
          case SOUTH -> "so";
          case EAST -> "ea";
          case WEST -> "we";
          case NORTH_EAST -> "noea";
          case NORTH_WEST -> "nowe";
          case SOUTH_EAST -> "soea";
          case SOUTH_WEST -> "sowe";
          case CENTER -> "ce";
          case SMART -> "sm";
          case FOCUS_POINT -> "fp";
        };
    return type + ":" + number(g.x()) + ":" + number(g.y());
  }

  /** 2, 2.0 and 2.00 are one number; never an exponent. */
  private static String number(double value) {
    if (value == 0) {
      return "0"; // also -0.0
    }
    return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
  }
}
