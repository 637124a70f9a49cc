package com.imageserving.config;

import org.jspecify.annotations.Nullable;

/**
 * S3-compatible object storage; endpoint set means a non-AWS server addressed path-style. {@code
 * prefix} (S3_PREFIX) holds the images, {@code variantsPrefix} (S3_VARIANTS_PREFIX) their kept
 * variants; both without leading or trailing slashes.
 */
public record S3Settings(
    @Nullable String bucket,
    String region,
    @Nullable String endpointUrl,
    @Nullable String accessKey,
    @Nullable String secretKey,
    String prefix,
    String variantsPrefix,
    @Nullable String proxy) {

  public static final String DEFAULT_VARIANTS_PREFIX = "variants";

  /** With the default variants prefix. */
  public S3Settings(
      @Nullable String bucket,
      String region,
      @Nullable String endpointUrl,
      @Nullable String accessKey,
      @Nullable String secretKey,
      String prefix,
      @Nullable String proxy) {
    this(bucket, region, endpointUrl, accessKey, secretKey, prefix, DEFAULT_VARIANTS_PREFIX, proxy);
  }

  @Override
  public String toString() {
    return ("S3Settings[bucket=%s, region=%s, endpointUrl=%s, accessKey=%s, secretKey=%s,"
            + " prefix=%s, variantsPrefix=%s, proxy=%s]")
        .formatted(
            bucket,
            region,
            endpointUrl,
            accessKey == null ? "unset" : "set",
            secretKey == null ? "unset" : "set",
            prefix,
            variantsPrefix,
            proxy == null ? null : "set");
  }
}
