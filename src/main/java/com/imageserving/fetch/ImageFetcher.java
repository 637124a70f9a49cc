package com.imageserving.fetch;

import org.jspecify.annotations.Nullable;

/**
 * Downloads an external URL, directly or through a named proxy pool, after checking that the URL
 * may be fetched at all (API.md §5, §6). The only code that opens outbound connections.
 */
public interface ImageFetcher {

  /**
   * Fetches one URL, its body bounded by MAX_FETCH_BYTES and read by {@code reader} as it arrives.
   *
   * @param pool a pool name, or null for the combined pool of all proxies (direct when none)
   * @throws FetchException refused URL, unknown pool, failure after retries, or body too large
   */
  <T> Fetched<T> fetch(String url, @Nullable String pool, BodyReader<T> reader)
      throws FetchException;

  /** {@link #fetch(String, String, BodyReader)} into an array, where a small body is wanted. */
  default FetchedBody fetch(String url, @Nullable String pool) throws FetchException {
    Fetched<byte[]> fetched = fetch(url, pool, (body, declared, limit) -> body.readAllBytes());
    return new FetchedBody(fetched.body(), fetched.contentType(), fetched.finalUrl());
  }

  /** Whether a pool of that name is configured. */
  boolean hasPool(String pool);
}
