package com.imageserving.support;

import java.util.Map;

/** The storage backends the HTTP suites run against. */
public enum Backend {
  LOCAL,
  S3;

  /** Environment that selects this backend for a {@link TestServer}. */
  public Map<String, String> env() {
    return switch (this) {
      case LOCAL -> Map.of();
      case S3 -> {
        S3ProxyServer s3 = S3ProxyServer.shared();
        yield s3.env(s3.newBucket());
      }
    };
  }
}
