package com.imageserving.storage;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Pattern;

/** The allow-lists of API.md §1, checked before any file system or bucket call. */
public final class Names {
  private static final Pattern NAMESPACE =
      Pattern.compile("[A-Za-z0-9_\\-][A-Za-z0-9_.\\-]{0,127}");
  private static final Pattern IMAGE_ID = Pattern.compile("[A-Za-z0-9_\\-]{1,128}");
  private static final Pattern VARIANT_KEY = Pattern.compile("[0-9a-z_\\-]{1,64}");
  private static final SecureRandom RANDOM = new SecureRandom();

  private Names() {}

  public static boolean validNamespace(String namespace) {
    return NAMESPACE.matcher(namespace).matches() && !namespace.contains("..");
  }

  public static boolean validImageId(String imageId) {
    return IMAGE_ID.matcher(imageId).matches();
  }

  /** A variant's storage key, as the variants package derives it from the options. */
  public static boolean validVariantKey(String key) {
    return VARIANT_KEY.matcher(key).matches();
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
