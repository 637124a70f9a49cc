package com.imageserving.imaging;

/**
 * The image pipeline: decode untrusted bytes, normalise, shrink so the longer side is at most
 * {@code maxSize}, re-encode as the configured output format. Work runs on a bounded pool of
 * platform threads; the caller blocks until it is done.
 */
public interface ImageProcessor {

  /**
   * Processes one image for storage. Takes ownership of {@code input}: its memory is freed by the
   * time this returns or throws, except when the calling thread is interrupted while the image is
   * being worked on; the worker then frees it when libvips is done with it.
   *
   * @throws ImageRejectedException the bytes are not an acceptable image (415, 400 or 422)
   * @throws ProcessingOverloadedException the pool and its queue are full (503 + Retry-After)
   * @throws IllegalStateException {@code input} was closed or handed over already
   */
  ProcessedImage process(ImageInput input, int maxSize);
}
