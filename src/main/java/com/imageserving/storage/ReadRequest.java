package com.imageserving.storage;

import org.jspecify.annotations.Nullable;

/**
 * What a GET or HEAD asks of a stored image besides its bytes, handed to storage so that a backend
 * that can (S3) answers 304 and 206 itself, in the one request that finds the image. The header
 * values are passed as the client sent them. The API decides the answer again from the metadata, so
 * a backend that ignores a field, or judges it differently, costs bytes but is never wrong.
 *
 * @param head a HEAD: metadata only
 * @param ifNoneMatch the If-None-Match header
 * @param ifModifiedSince the If-Modified-Since header, only when there is no If-None-Match (which
 *     takes precedence, RFC 9110 §13.1.3, where S3 would answer 304 on either)
 * @param range a single byte range ({@code bytes=first-last}, {@code bytes=first-} or {@code
 *     bytes=-suffix}), only for a GET without If-Range (S3 has no If-Range)
 */
public record ReadRequest(
    boolean head,
    @Nullable String ifNoneMatch,
    @Nullable String ifModifiedSince,
    @Nullable String range) {

  /** A plain GET of the whole image. */
  public static final ReadRequest GET = new ReadRequest(false, null, null, null);

  /** The same without validators: for when storage's 304 has to be read again in full. */
  public ReadRequest unconditional() {
    return new ReadRequest(head, null, null, range);
  }

  /**
   * The same without validators, for a variant: its ETag is the service's own (not the stored
   * object's), so only the API can judge it.
   */
  public ReadRequest forVariant() {
    return unconditional();
  }

  /** The same without the range, for when storage refused it (416): the API answers that. */
  ReadRequest wholeObject() {
    return new ReadRequest(head, ifNoneMatch, ifModifiedSince, null);
  }

  boolean conditional() {
    return ifNoneMatch != null || ifModifiedSince != null;
  }
}
