package com.imageserving.storage;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;

/** The allow-lists of API.md §1, checked before any file system or bucket call. */
public final class Names {
  private static final SecureRandom RANDOM = new SecureRandom();

  private Names() {}

  // Checked by hand rather than with regexes: every GET checks two or three names, twice (the
  // API, then storage), and the regexes were a twentieth of a kept variant's GET.

  /** {@code [A-Za-z0-9_-][A-Za-z0-9_.-]{0,127}}, without "..". */
  public static boolean validNamespace(String namespace) {
    int length = namespace.length();
    if (length < 1 || length > 128 || namespace.charAt(0) == '.') {
      return false;
    }
    for (int i = 0; i < length; i++) {
      char c = namespace.charAt(i);
      if (!(idChar(c) || c == '.') || (c == '.' && i > 0 && namespace.charAt(i - 1) == '.')) {
        return false;
      }
    }
    return true;
  }

  /** {@code [A-Za-z0-9_-]{1,128}}. */
  public static boolean validImageId(String imageId) {
    int length = imageId.length();
    if (length < 1 || length > 128) {
      return false;
    }
    for (int i = 0; i < length; i++) {
      if (!idChar(imageId.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  /**
   * A variant's storage key, as the variants package derives it from the options: {@code
   * [0-9a-z_-]{1,64}}.
   */
  public static boolean validVariantKey(String key) {
    int length = key.length();
    if (length < 1 || length > 64) {
      return false;
    }
    for (int i = 0; i < length; i++) {
      char c = key.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || c == '_' || c == '-')) {
        return false;
      }
    }
    return true;
  }

  private static boolean idChar(char c) {
    return (c >= 'A' && c <= 'Z')
        || (c >= 'a' && c <= 'z')
        || (c >= '0' && c <= '9')
        || c == '_'
        || c == '-';
  }

  /** A fresh id: 32 hex characters, '-', 11 URL-safe base64 characters of 8 random bytes. */
  public static String newImageId() {
    byte[] uuid = new byte[16];
    byte[] suffix = new byte[8];
    RANDOM.nextBytes(uuid);
    RANDOM.nextBytes(suffix);
    // Version 4, variant 2, like uuid4().hex in the original.
    uuid[6] = (byte) ((uuid[6] & 0x0f) | 0x40);
    uuid[8] = (byte) ((uuid[8] & 0x3f) | 0x80);
    return HexFormat.of().formatHex(uuid).toLowerCase(Locale.ROOT)
        + "-"
        + Base64.getUrlEncoder().withoutPadding().encodeToString(suffix);
  }
}
