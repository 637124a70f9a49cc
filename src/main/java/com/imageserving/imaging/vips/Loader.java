package com.imageserving.imaging.vips;

/**
 * The allow-listed libvips loaders. Each is called only for bytes sniffed as its format; the
 * generic "new from buffer" loader, which picks a loader from the bytes itself, is never bound.
 */
public enum Loader {
  JPEG("jpegload_buffer"),
  PNG("pngload_buffer"),
  GIF("gifload_buffer"),
  WEBP("webpload_buffer"),
  HEIF("heifload_buffer"),
  TIFF("tiffload_buffer");

  private final String nickname;

  Loader(String nickname) {
    this.nickname = nickname;
  }

  /** The libvips operation name, e.g. "jpegload_buffer", for {@link Vips#hasOperation}. */
  public String nickname() {
    return nickname;
  }

  /** Whether the loader can decode at a reduced size (JPEG DCT scaling, libwebp scaling). */
  public boolean shrinksOnLoad() {
    return this == JPEG || this == WEBP;
  }

  String function() {
    return "vips_" + nickname;
  }
}
