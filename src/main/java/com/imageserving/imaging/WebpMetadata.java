package com.imageserving.imaging;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Set;

/**
 * Removes the metadata chunks (EXIF, XMP, ICC profile) from a WebP file and clears their flags in
 * the VP8X header. Needed because libvips 8.14's webpsave writes an EXIF chunk (built from the
 * image header) even when told to strip, so the container is cleaned after encoding rather than
 * trusting the encoder's option.
 */
final class WebpMetadata {
  private static final Set<String> METADATA_CHUNKS = Set.of("EXIF", "XMP ", "ICCP");
  // VP8X flag bits (WebP container spec): ICC profile, EXIF, XMP.
  private static final int METADATA_FLAGS = 0x20 | 0x08 | 0x04;

  private WebpMetadata() {}

  /** The same image without metadata chunks; {@code webp} is an encoder's output. */
  static byte[] strip(byte[] webp) {
    if (webp.length < 12 || !fourcc(webp, 0).equals("RIFF") || !fourcc(webp, 8).equals("WEBP")) {
      throw new IllegalStateException("the encoder did not write a RIFF WebP container");
    }
    ByteBuffer in = ByteBuffer.wrap(webp).order(ByteOrder.LITTLE_ENDIAN);
    ByteArrayOutputStream out = new ByteArrayOutputStream(webp.length);
    out.write(webp, 0, 12);
    int offset = 12;
    while (offset + 8 <= webp.length) {
      String name = fourcc(webp, offset);
      long size = Integer.toUnsignedLong(in.getInt(offset + 4));
      // Chunks are padded to an even length; the last one's pad byte may be missing.
      int length = (int) Math.min(8 + size + (size & 1), webp.length - offset);
      if (length < 8 + size) {
        throw new IllegalStateException("truncated WebP chunk " + name);
      }
      if (!METADATA_CHUNKS.contains(name)) {
        byte[] chunk = Arrays.copyOfRange(webp, offset, offset + length);
        if (name.equals("VP8X") && size >= 1) {
          chunk[8] &= (byte) ~METADATA_FLAGS;
        }
        out.writeBytes(chunk);
      }
      offset += length;
    }
    byte[] result = out.toByteArray();
    ByteBuffer.wrap(result).order(ByteOrder.LITTLE_ENDIAN).putInt(4, result.length - 8);
    return result;
  }

  private static String fourcc(byte[] data, int offset) {
    return new String(data, offset, 4, StandardCharsets.ISO_8859_1);
  }
}
