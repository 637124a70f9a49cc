package com.imageserving.config;

import org.jspecify.annotations.Nullable;

/** S3-compatible object storage; endpoint set means a non-AWS server addressed path-style. */
public record S3Settings(
    @Nullable String bucket,
    String region,
    @Nullable String endpointUrl,
    @Nullable String accessKey,
    @Nullable String secretKey,
    String prefix,
    @Nullable String proxy) {

  @Override
  public String toString() {
    return "S3Settings[bucket=%s, region=%s, endpointUrl=%s, accessKey=%s, secretKey=%s, prefix=%s, proxy=%s]"
        .formatted(
            bucket,
            region,
            endpointUrl,
            accessKey == null ? "unset" : "set",
            secretKey == null ? "unset" : "set",
            prefix,
            proxy == null ? null : "set");
  }
}
