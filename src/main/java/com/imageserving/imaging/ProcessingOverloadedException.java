package com.imageserving.imaging;

/** The processing pool and its queue are full; the API answers 503 with Retry-After. */
public final class ProcessingOverloadedException extends RuntimeException {
  public ProcessingOverloadedException() {
    super("Image processing capacity exhausted, retry later", null, false, false);
  }
}
