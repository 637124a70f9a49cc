package com.imageserving.fetch;

import java.io.IOException;
import java.io.InputStream;

/**
 * What a fetched body is read into, as it arrives: the caller's choice (native memory, for images),
 * so that the fetcher never gathers a body into an array of its own.
 *
 * @param <T> what the body becomes
 */
@FunctionalInterface
public interface BodyReader<T> {
  /**
   * Reads the body. It is cut off with an IOException at its {@code limit + 1}st byte, after which
   * the fetch fails as too large; any other IOException is the network's and the fetch is retried.
   * What this throws otherwise reaches the fetcher's caller as it is.
   *
   * @param declaredLength the Content-Length, or -1 when the origin sent none; never over {@code
   *     limit}
   * @param limit MAX_FETCH_BYTES
   */
  T read(InputStream body, long declaredLength, long limit) throws IOException;
}
