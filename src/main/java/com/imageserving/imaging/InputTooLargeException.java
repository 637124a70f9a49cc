package com.imageserving.imaging;

/** A body went past its limit, or past the length it declared; the API answers 413. */
public final class InputTooLargeException extends RuntimeException {
  public InputTooLargeException() {
    super("Input larger than its limit", null, false, false);
  }
}
