package com.imageserving.api;

import org.springframework.http.HttpStatus;

/** An error the API answers with {@code {"detail": message}} and the given status. */
public class ApiException extends RuntimeException {
  private final HttpStatus status;

  public ApiException(HttpStatus status, String detail) {
    super(detail, null, false, false);
    this.status = status;
  }

  public HttpStatus status() {
    return status;
  }
}
