package com.imageserving.variants;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The storage key of a variant: the first 128 bits of SHA-256 over the canonical options (format
 * and quality resolved) and the size cap, in hex. Never the signature or the spelling, so every URL
 * of the same variant shares one kept copy.
 */
final class VariantKey {
  // Never used itself, only cloned (a fresh digest, reset, per call).
  private static final MessageDigest SHA256 = newSha256();

  private VariantKey() {}

  static String of(VariantOptions resolved, int maxDimension) {
    if (resolved.format() == null || resolved.quality() == 0) {
      throw new IllegalArgumentException("format and quality must be resolved first");
    }
    String material = resolved.canonical() + "/max:" + maxDimension;
    return HexFormat.of().formatHex(sha256(material), 0, 16);
  }

  static byte[] sha256(String text) {
    return sha256(text.getBytes(StandardCharsets.UTF_8));
  }

  static byte[] sha256(byte[] bytes) {
    try {
      // A clone of one instance: MessageDigest.getInstance's provider look-up cost more than
      // hashing the few bytes of a kept variant's ETag.
      return ((MessageDigest) SHA256.clone()).digest(bytes);
    } catch (CloneNotSupportedException e) {
      throw new IllegalStateException("SHA-256 cannot be cloned", e);
    }
  }

  private static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 unavailable", e);
    }
  }
}
