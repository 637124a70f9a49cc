package com.imageserving.variants;

import org.springframework.http.HttpStatus;

/**
 * A variant request the service refuses, answered {@code {"detail": message}} with the status: 400
 * for bad options or sources, 403 for a bad signature, 404 for an expired URL or a missing image.
 */
public final class VariantException extends RuntimeException {
  private final HttpStatus status;

  public VariantException(HttpStatus status, String detail) {
    super(detail, null, false, false);
    this.status = status;
  }

  public HttpStatus status() {
    return status;
  }

  static VariantException badRequest(String detail) {
    return new VariantException(HttpStatus.BAD_REQUEST, detail);
  }

  static VariantException invalid(String option, String problem) {
    return badRequest("Invalid " + option + ": " + problem);
  }

  static VariantException unknownOption(String name) {
    return badRequest("Unknown option: " + name);
  }

  static VariantException invalidSignature() {
    return new VariantException(HttpStatus.FORBIDDEN, "Invalid signature");
  }

  static VariantException expired() {
    return new VariantException(HttpStatus.NOT_FOUND, "Expired URL");
  }

  static VariantException imageNotFound() {
    return new VariantException(HttpStatus.NOT_FOUND, "Image not found");
  }

  static VariantException unsupportedSource() {
    return badRequest("Unsupported source");
  }
}
