package com.imageserving.variants;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@link VariantKey}s remembered per distinct options. Computing one (the canonical string, then
 * SHA-256) was about a tenth of the CPU of a kept variant's GET, for a value that depends only on
 * the options, and a site asks for few distinct options (its sizes and formats) across all its
 * images. Bounded: when full it starts over, so a flood of distinct options costs what it did
 * without it and never more memory.
 */
final class VariantKeys {
  static final int MAX_ENTRIES = 1024;

  private final int maxDimension;
  private final Map<VariantOptions, String> known = new ConcurrentHashMap<>();

  VariantKeys(int maxDimension) {
    this.maxDimension = maxDimension;
  }

  /** The key of options whose format and quality are resolved; see {@link VariantKey#of}. */
  String of(VariantOptions resolved) {
    // The cache buster and the expiry are not part of the key: URLs differing only in them share
    // one entry (and one key).
    VariantOptions material = resolved.withoutUrlParts();
    String key = known.get(material);
    if (key == null) {
      key = VariantKey.of(material, maxDimension);
      if (known.size() >= MAX_ENTRIES) {
        known.clear();
      }
      known.put(material, key);
    }
    return key;
  }

  /** How many keys are remembered (for tests). */
  int size() {
    return known.size();
  }
}
