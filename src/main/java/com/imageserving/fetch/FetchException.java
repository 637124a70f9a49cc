package com.imageserving.fetch;

/** A fetch that did not produce a body; the message is safe to show to the client. */
public final class FetchException extends Exception {

  /** What went wrong, and so which status the API answers. */
  public enum Kind {
    /** The URL may not be fetched (scheme, host, address rules): 400 "Invalid url". */
    INVALID_URL,
    /** The request named a pool that is not configured: 400. */
    UNKNOWN_POOL,
    /** Connect errors, timeouts or bad statuses after all retries: 502. */
    FAILED,
    /** The body is larger than MAX_FETCH_BYTES: 502. */
    TOO_LARGE
  }

  private final Kind kind;

  public FetchException(Kind kind, String message) {
    super(message, null, false, false);
    this.kind = kind;
  }

  public FetchException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
