package com.imageserving.imaging.vips;

/** The encoders the service writes with. */
public enum Saver {
  JPEG("jpegsave_buffer"),
  WEBP("webpsave_buffer"),
  PNG("pngsave_buffer"),
  /** AVIF is HEIF with AV1 compression. */
  AVIF("heifsave_buffer");

  private final String nickname;

  Saver(String nickname) {
    this.nickname = nickname;
  }

  /** The libvips operation name, for {@link Vips#hasOperation}. */
  public String nickname() {
    return nickname;
  }

  String function() {
    return "vips_" + nickname;
  }
}
