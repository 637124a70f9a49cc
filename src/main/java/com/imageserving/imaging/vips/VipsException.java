package com.imageserving.imaging.vips;

/** A libvips call failed; the message is libvips' own error text. */
public final class VipsException extends RuntimeException {
  public VipsException(String message) {
    super(message, null, false, false);
  }
}
