package com.imageserving.imaging.vips;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Removes the metadata chunks (EXIF, XMP, ICC profile) from a WebP file and clears their flags in
 * the VP8X header, leaving the image chunks as they are. See the RIFF container specification:
 * https://developers.google.com/speed/webp/docs/riff_container
 */
final class WebpMetadata {
  private static final int VP8X_ICC = 0x20;
  private static final int VP8X_EXIF = 0x08;
  private static final int VP8X_XMP = 0x04;

  private WebpMetadata() {}

  /** The file without its metadata; bytes that are not a well-formed WebP come back unchanged. */
  static byte[] strip(byte[] webp) {
    if (webp.length < 12 || !ascii(webp, 0).equals("RIFF") || !ascii(webp, 8).equals("WEBP")) {
      return webp;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(webp.length);
    out.write(webp, 0, 12);
    boolean removed = false;
    int at = 12;
    while (at + 8 <= webp.length) {
      String fourcc = ascii(webp, at);
      long size = Integer.toUnsignedLong(le(webp, at + 4));
      long padded = size + (size & 1);
      if (at + 8 + size > webp.length) {
        return webp; // truncated: not ours to repair
      }
      int length = (int) Math.min(8 + padded, webp.length - at);
      switch (fourcc) {
        case "EXIF", "XMP ", "ICCP" -> removed = true;
        case "VP8X" -> {
          byte[] chunk = Arrays.copyOfRange(webp, at, at + length);
          chunk[8] = (byte) (chunk[8] & ~(VP8X_ICC | VP8X_EXIF | VP8X_XMP));
          out.write(chunk, 0, chunk.length);
        }
        default -> out.write(webp, at, length);
      }
      at += length;
    }
    if (!removed || at != webp.length) {
      return webp;
    }
    byte[] result = out.toByteArray();
    ByteBuffer.wrap(result).order(ByteOrder.LITTLE_ENDIAN).putInt(4, result.length - 8);
    return result;
  }

  private static String ascii(byte[] data, int at) {
    return new String(data, at, 4, StandardCharsets.ISO_8859_1);
  }

  private static int le(byte[] data, int at) {
    return ByteBuffer.wrap(data, at, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
  }
}
