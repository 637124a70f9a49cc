package com.imageserving.config;

import java.util.Locale;
import org.jspecify.annotations.Nullable;

/** The encodings the service writes, with the file extension and media type each is stored as. */
public enum OutputFormat {
  JPEG("jpg", "image/jpeg", false),
  WEBP("webp", "image/webp", true),
  PNG("png", "image/png", true),
  AVIF("avif", "image/avif", true);

  private final String extension;
  private final String mimeType;
  private final boolean alpha;

  OutputFormat(String extension, String mimeType, boolean alpha) {
    this.extension = extension;
    this.mimeType = mimeType;
    this.alpha = alpha;
  }

  public String extension() {
    return extension;
  }

  public String mimeType() {
    return mimeType;
  }

  /** Whether the encoding keeps transparency; when not, alpha is flattened onto white. */
  public boolean hasAlpha() {
    return alpha;
  }

  /** The configuration spelling ("jpeg", "webp", "png", "avif"); null when unknown. */
  public static @Nullable OutputFormat parse(String value) {
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "jpeg", "jpg" -> JPEG;
      case "webp" -> WEBP;
      case "png" -> PNG;
      case "avif" -> AVIF;
      default -> null;
    };
  }
}
