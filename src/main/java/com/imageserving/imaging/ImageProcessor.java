package com.imageserving.imaging;

/**
 * The image pipeline: decode untrusted bytes, normalise, shrink so the longer side is at most
 * {@code maxSize}, re-encode as the configured output format. Work runs on a bounded pool of
 * platform threads; the caller blocks until it is done.
 */
public interface ImageProcessor {

  /**
   * Processes one image for storage.
   *
   * @throws ImageRejectedException the bytes are not an acceptable image (415, 400 or 422)
   * @throws ProcessingOverloadedException the pool and its queue are full (503 + Retry-After)
   */
  ProcessedImage process(byte[] input, int maxSize);
}
