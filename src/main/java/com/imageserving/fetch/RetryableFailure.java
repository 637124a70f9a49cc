package com.imageserving.fetch;

/**
 * An attempt failed in a way another attempt may fix: connect error, timeout, or a 429/5xx status.
 * Internal to the retry loop; callers see {@link FetchException} FAILED.
 */
final class RetryableFailure extends Exception {
  RetryableFailure(String message) {
    super(message, null, false, false);
  }

  RetryableFailure(String message, Throwable cause) {
    super(message, cause, false, false);
  }
}
