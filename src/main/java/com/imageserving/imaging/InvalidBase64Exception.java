package com.imageserving.imaging;

/**
 * Base64 text that does not decode, an empty one, or a data URL that is not base64 of an image; the
 * message is the client's answer (400).
 */
public final class InvalidBase64Exception extends RuntimeException {
  InvalidBase64Exception(String message) {
    super(message, null, false, false);
  }
}
