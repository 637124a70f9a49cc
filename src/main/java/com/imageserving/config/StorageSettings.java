package com.imageserving.config;

import java.nio.file.Path;

/** Where images live and how long clients may cache them. */
public record StorageSettings(Backend backend, Path uploadsPath, long cacheMaxAge, S3Settings s3) {

  /** The storage implementations. */
  public enum Backend {
    LOCAL,
    S3
  }
}
