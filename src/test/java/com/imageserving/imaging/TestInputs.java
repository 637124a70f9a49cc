package com.imageserving.imaging;

import com.imageserving.imaging.vips.NativeBytes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;

/** Looking into image inputs from tests of other packages, and the base64 decoding of old. */
public final class TestInputs {
  private TestInputs() {}

  /** The bytes of an input, which is handed over and freed. */
  public static byte[] contents(ImageInput input) {
    try (NativeBytes bytes = input.handOver()) {
      return bytes.head(Integer.MAX_VALUE);
    }
  }

  /** Bytes as a short text: short ones in hex, long ones by length and a digest. */
  public static String describe(byte[] bytes) {
    if (bytes.length <= 32) {
      return "bytes " + HexFormat.of().formatHex(bytes);
    }
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
      return "bytes " + bytes.length + " sha256 " + HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * How base64 was decoded before it streamed (UploadController.decodeBase64, as it was): the bytes
   * as {@link #describe} gives them, or the 400 answer's text.
   */
  public static String decodedBefore(String data) {
    String payload = data.strip();
    if (payload.regionMatches(true, 0, "data:", 0, 5)) {
      int comma = payload.indexOf(',');
      String header = comma < 0 ? payload : payload.substring(5, comma).toLowerCase(Locale.ROOT);
      if (comma < 0 || !header.endsWith(";base64")) {
        return "Invalid data URL: expected base64";
      }
      String mime = header.substring(0, header.length() - ";base64".length());
      if (!mime.isEmpty() && !mime.startsWith("image/")) {
        return "Invalid data URL: not an image type";
      }
      payload = payload.substring(comma + 1);
    }
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(payload);
    } catch (IllegalArgumentException strictFailed) {
      try {
        bytes = Base64.getMimeDecoder().decode(payload);
      } catch (IllegalArgumentException e) {
        return "Invalid base64 data";
      }
    }
    if (bytes.length == 0) {
      return "Invalid base64 data: empty";
    }
    return describe(bytes);
  }
}
