package com.imageserving.variants;

import com.imageserving.config.VariantSettings;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * imgproxy's URL signatures: HMAC-SHA256 with the key over salt ‖ the signed text, the first
 * URL_SIGNATURE_SIZE bytes, URL-safe base64 without padding. Several key/salt pairs are tried in
 * turn (rotation). Without any key, every signature is accepted.
 */
public final class UrlSignatures {
  private static final String HMAC = "HmacSHA256";

  private final List<Pair> pairs;
  private final int size;

  public UrlSignatures(VariantSettings settings) {
    HexFormat hex = HexFormat.of();
    this.pairs =
        settings.signingKeys().stream()
            .map(k -> new Pair(hex.parseHex(k.keyHex()), hex.parseHex(k.saltHex())))
            .toList();
    this.size = settings.signatureSize();
  }

  /** Whether signatures are checked at all. */
  public boolean enabled() {
    return !pairs.isEmpty();
  }

  /**
   * Checks {@code signature} against {@code signed} (for the path form, everything after the
   * signature segment, from its '/'), in constant time per key.
   *
   * @throws VariantException 403 "Invalid signature" unless a key signs it
   */
  void verify(String signature, String signed) {
    if (!enabled()) {
      return;
    }
    byte[] given;
    try {
      given = Base64.getUrlDecoder().decode(signature);
    } catch (IllegalArgumentException e) {
      throw VariantException.invalidSignature();
    }
    boolean valid = false;
    for (Pair pair : pairs) {
      // No early exit: the time taken does not tell which key matched.
      valid |= MessageDigest.isEqual(digest(pair, signed), given);
    }
    if (!valid) {
      throw VariantException.invalidSignature();
    }
  }

  /** The signature of {@code signed} with the first key (what a client computes). */
  public String sign(String signed) {
    if (!enabled()) {
      throw new IllegalStateException("no URL_SIGNING_KEY configured");
    }
    return Base64.getUrlEncoder().withoutPadding().encodeToString(digest(pairs.get(0), signed));
  }

  private byte[] digest(Pair pair, String signed) {
    try {
      Mac mac = Mac.getInstance(HMAC);
      mac.init(new SecretKeySpec(pair.key(), HMAC));
      mac.update(pair.salt());
      byte[] full = mac.doFinal(signed.getBytes(StandardCharsets.UTF_8));
      return size >= full.length ? full : Arrays.copyOf(full, size);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA256 unavailable", e);
    }
  }

  private record Pair(byte[] key, byte[] salt) {}
}
