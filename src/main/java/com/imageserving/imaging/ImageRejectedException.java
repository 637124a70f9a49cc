package com.imageserving.imaging;

/** Input refused by the pipeline; the message is safe to show to the client. */
public final class ImageRejectedException extends RuntimeException {

  /** Why, and so which status the API answers. */
  public enum Reason {
    /** A format we do not accept (SVG, PDF, BMP, …): 415. */
    UNSUPPORTED_FORMAT,
    /** Not decodable: truncated, corrupt, random bytes: 400. */
    UNDECODABLE,
    /** width × height over MAX_INPUT_PIXELS: 422. */
    TOO_MANY_PIXELS
  }

  private final Reason reason;

  public ImageRejectedException(Reason reason, String message) {
    super(message, null, false, false);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
