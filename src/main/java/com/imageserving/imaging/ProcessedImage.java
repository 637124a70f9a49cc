package com.imageserving.imaging;

import com.imageserving.config.OutputFormat;
import org.jspecify.annotations.Nullable;

/**
 * An encoded output image and its final dimensions; uploads also carry the {@link Placeholder}
 * computed from the output's pixels before encoding (null for variant renders).
 */
public record ProcessedImage(
    byte[] data, OutputFormat format, int width, int height, @Nullable Placeholder placeholder) {

  public ProcessedImage(byte[] data, OutputFormat format, int width, int height) {
    this(data, format, width, height, null);
  }
}
