package com.imageserving;

import com.imageserving.storage.S3ProxyServer;
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
