package com.imageserving.imaging;

/**
 * The image pipeline: decode untrusted bytes, normalise, resize and crop, re-encode. Uploads shrink
 * so the longer side is at most {@code maxSize} and use the configured output format; variant
 * renders follow a {@link RenderSpec}. Both run on the same bounded pool of platform threads; the
 * caller blocks until the work is done.
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

  /**
   * Renders one variant of an image (in practice a stored one) as {@code spec} says, with the same
   * ownership of {@code input}, the same pool and the same exceptions as {@link #process}. {@code
   * ImageRejectedException} with {@code TOO_MANY_PIXELS} also means the resize would make more
   * pixels than a decode may have (an extreme aspect ratio filled and enlarged).
   */
  ProcessedImage render(ImageInput input, RenderSpec spec);

  /**
   * The size and {@link Placeholder} of an image (in practice a stored one), the placeholder from a
   * small rendition, on the same pool, with the same ownership of {@code input} and the same
   * exceptions as {@link #process}.
   */
  ImageSummary summarize(ImageInput input);
}
