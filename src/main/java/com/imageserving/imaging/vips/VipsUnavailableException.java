package com.imageserving.imaging.vips;

/** libvips could not be loaded or is too old; the message says how to install it. */
public final class VipsUnavailableException extends RuntimeException {
  public VipsUnavailableException(String message) {
    super(message, null, false, false);
  }
}
