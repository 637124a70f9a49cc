package com.imageserving.config;

import java.util.List;
import java.util.Map;

/**
 * Variants on request (API.md §8): URL signing, presets, format negotiation and the limits on what
 * is rendered and kept.
 *
 * @param signingKeys key/salt pairs, any of which signs a valid URL; empty = signatures not checked
 * @param signatureSize bytes of the HMAC kept before base64url (imgproxy's IMGPROXY_SIGNATURE_SIZE)
 * @param presets name → options in the path syntax, in the order configured
 * @param onlyPresets refuse every option that is not a preset
 * @param autoWebp answer WebP to browsers that accept it when the URL names no format
 * @param autoAvif answer AVIF to browsers that accept it when the URL names no format (before WebP)
 * @param maxResultDimension largest side of a variant, pixels
 * @param maxVariantsPerImage variants kept per image; more are rendered and served but not kept
 * @param variantCache keep rendered variants at all
 */
public record VariantSettings(
    List<SigningKey> signingKeys,
    int signatureSize,
    Map<String, String> presets,
    boolean onlyPresets,
    boolean autoWebp,
    boolean autoAvif,
    int maxResultDimension,
    int maxVariantsPerImage,
    boolean variantCache) {

  /** Whether URLs must carry a valid signature. */
  public boolean signing() {
    return !signingKeys.isEmpty();
  }

  /** One hex-encoded key and its salt, as imgproxy's IMGPROXY_KEY / IMGPROXY_SALT. */
  public record SigningKey(String keyHex, String saltHex) {
    @Override
    public String toString() {
      return "SigningKey[set]";
    }
  }

  /** Keys are secrets: never print them, only how many there are. */
  @Override
  public String toString() {
    return "VariantSettings[signingKeys=%d set, signatureSize=%d, presets=%s, onlyPresets=%s, autoWebp=%s, autoAvif=%s, maxResultDimension=%d, maxVariantsPerImage=%d, variantCache=%s]"
        .formatted(
            signingKeys.size(),
            signatureSize,
            presets.keySet(),
            onlyPresets,
            autoWebp,
            autoAvif,
            maxResultDimension,
            maxVariantsPerImage,
            variantCache);
  }
}
