package com.imageserving;

import java.util.Map;

/** The storage backends the HTTP suites run against. */
public enum Backend {
  LOCAL;

  /** Environment that selects this backend for a {@link TestServer}. */
  public Map<String, String> env() {
    return Map.of();
  }
}
