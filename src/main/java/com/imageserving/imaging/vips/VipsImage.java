package com.imageserving.imaging.vips;

import java.lang.foreign.MemorySegment;

/**
 * A libvips image owned by a {@link VipsSession}; valid until the session closes. Loaders are lazy,
 * so reading the header fields does not decode pixels.
 */
public final class VipsImage {
  /** VipsInterpretation values this service looks at. */
  public static final int B_W = 1;

  public static final int CMYK = 15;
  public static final int SRGB = 22;
  public static final int RGB16 = 25;
  public static final int GREY16 = 26;

  /** VipsBandFormat of 8-bit unsigned pixels. */
  public static final int UCHAR = 0;

  private final Natives natives;
  final MemorySegment pointer;

  VipsImage(Natives natives, MemorySegment pointer) {
    this.natives = natives;
    this.pointer = pointer;
  }

  public int width() {
    return natives.width(pointer);
  }

  public int height() {
    return natives.height(pointer);
  }

  public int bands() {
    return natives.bands(pointer);
  }

  /** The VipsBandFormat, e.g. {@link #UCHAR}. */
  public int format() {
    return natives.format(pointer);
  }

  /** The VipsInterpretation, e.g. {@link #SRGB}. */
  public int interpretation() {
    return natives.interpretation(pointer);
  }

  public boolean hasAlpha() {
    return natives.hasAlpha(pointer);
  }

  /** The EXIF orientation, 1 (upright) to 8; 1 when there is none. */
  public int orientation() {
    return natives.orientation(pointer);
  }

  /** Whether an ICC profile is embedded. */
  public boolean hasIccProfile() {
    return natives.hasField(pointer, "icc-profile-data");
  }

  /** Whether a metadata field, e.g. "exif-data" or "xmp-data", is present. */
  public boolean hasField(String name) {
    return natives.hasField(pointer, name);
  }
}
