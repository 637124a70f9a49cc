package com.imageserving.variants;

import com.imageserving.storage.ImageRead;
import java.time.Instant;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * A variant ready to send: its bytes in memory ({@code data}, when this request or the one it
 * waited for rendered it), else the kept copy in storage ({@code kept}: found, or already read by
 * S3 in the request that found it). {@code etag} is strong and differs for every variant of every
 * image.
 *
 * @param varyAccept whether the format was chosen from the request's Accept header
 */
public record Variant(
    String mimeType,
    long size,
    Instant lastModified,
    String etag,
    @Nullable ImageRead kept,
    byte @Nullable [] data,
    boolean varyAccept,
    Outcome outcome) {

  /** How a request was served, for the {@code variants.served} metric. */
  public enum Outcome {
    /** A kept variant, found in storage. */
    HIT,
    /** Rendered by this request, and kept. */
    RENDERED,
    /** Rendered by a concurrent request for the same variant, which this one waited for. */
    COALESCED,
    /** Rendered and served, but not kept (MAX_VARIANTS_PER_IMAGE reached, or VARIANT_CACHE off). */
    NOT_KEPT;

    public String tag() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  Variant withOutcome(Outcome newOutcome, boolean vary) {
    return new Variant(mimeType, size, lastModified, etag, kept, data, vary, newOutcome);
  }
}
