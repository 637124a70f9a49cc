package com.imageserving.api;

import com.imageserving.fetch.FetchException;
import com.imageserving.imaging.ImageRejectedException;
import com.imageserving.imaging.ProcessingOverloadedException;
import com.imageserving.storage.ImageStore.StorageException;
import com.imageserving.variants.VariantException;
import java.util.List;
import org.apache.catalina.connector.ClientAbortException;
import org.apache.coyote.BadRequestException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.multipart.MaxUploadSizeExceededException;
import org.springframework.web.multipart.MultipartException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * Turns every exception into {@code {"detail": ...}} with the right status. Spring's own MVC
 * exceptions keep their status and get the standard reason phrase ("Not Found", "Method Not
 * Allowed"); anything unexpected is logged with the request id and answered 500 without details.
 */
@RestControllerAdvice
public class ApiExceptionHandler extends ResponseEntityExceptionHandler {
  private static final Logger log = LoggerFactory.getLogger(ApiExceptionHandler.class);

  @ExceptionHandler(ValidationError.class)
  ResponseEntity<ErrorBody> validation(ValidationError e) {
    return json(e.status()).body(new ErrorBody(e.items()));
  }

  @ExceptionHandler(ApiException.class)
  ResponseEntity<?> api(ApiException e) {
    if (e.status() == HttpStatus.CONTENT_TOO_LARGE) {
      return tooLarge(detail(e));
    }
    return json(e.status()).body(new ErrorBody(detail(e)));
  }

  /**
   * The rest of an oversized body is never read, so the connection is closed after the answer
   * rather than drained; a known length lets the client read the answer before the close.
   */
  static ResponseEntity<byte[]> tooLarge(String detail) {
    byte[] body =
        ("{\"detail\":\"" + detail + "\"}").getBytes(java.nio.charset.StandardCharsets.UTF_8);
    return json(HttpStatus.CONTENT_TOO_LARGE)
        .header(HttpHeaders.CONNECTION, "close")
        .contentLength(body.length)
        .body(body);
  }

  @ExceptionHandler(VariantException.class)
  ResponseEntity<ErrorBody> variant(VariantException e) {
    return ResponseEntity.status(e.status()).body(new ErrorBody(detail(e)));
  }

  @ExceptionHandler(ImageRejectedException.class)
  ResponseEntity<ErrorBody> rejected(ImageRejectedException e) {
    HttpStatus status =
        switch (e.reason()) {
          case UNSUPPORTED_FORMAT -> HttpStatus.UNSUPPORTED_MEDIA_TYPE;
          case UNDECODABLE -> HttpStatus.BAD_REQUEST;
          case TOO_MANY_PIXELS -> HttpStatus.UNPROCESSABLE_CONTENT;
        };
    return json(status).body(new ErrorBody(detail(e)));
  }

  @ExceptionHandler(ProcessingOverloadedException.class)
  ResponseEntity<ErrorBody> overloaded(ProcessingOverloadedException e) {
    return json(HttpStatus.SERVICE_UNAVAILABLE)
        .header(HttpHeaders.RETRY_AFTER, "1")
        .body(new ErrorBody(detail(e)));
  }

  @ExceptionHandler(FetchException.class)
  ResponseEntity<ErrorBody> fetch(FetchException e) {
    return switch (e.kind()) {
      case INVALID_URL -> json(HttpStatus.BAD_REQUEST).body(new ErrorBody("Invalid url"));
      case UNKNOWN_POOL -> json(HttpStatus.BAD_REQUEST).body(new ErrorBody(detail(e)));
      case FAILED, TOO_LARGE -> json(HttpStatus.BAD_GATEWAY).body(new ErrorBody(detail(e)));
    };
  }

  @ExceptionHandler(StorageException.class)
  ResponseEntity<ErrorBody> storage(StorageException e) {
    if (e.unavailable()) {
      log.warn("storage unavailable: {}", e.getMessage());
      return json(HttpStatus.SERVICE_UNAVAILABLE)
          .header(HttpHeaders.RETRY_AFTER, "5")
          .body(new ErrorBody("Storage unavailable"));
    }
    log.error("storage failure", e);
    return json(HttpStatus.INTERNAL_SERVER_ERROR).body(new ErrorBody(detail(e)));
  }

  /** A body that claims to be multipart but is not (no boundary, truncated parts): 400, not 500. */
  @ExceptionHandler(MultipartException.class)
  ResponseEntity<ErrorBody> multipart(MultipartException e) {
    return json(HttpStatus.BAD_REQUEST).body(new ErrorBody("Invalid multipart body"));
  }

  /**
   * The client closed the connection before its body was complete (Tomcat's EOF while reading).
   * That is the client's doing, not a failure of ours: a quiet log line instead of an ERROR with a
   * stack trace per aborted upload. (Tomcat has marked the exchange failed and answers 400 itself.)
   */
  @ExceptionHandler(ClientAbortException.class)
  ResponseEntity<ErrorBody> clientAborted(ClientAbortException e) {
    log.debug("client closed the connection mid-request: {}", e.getMessage());
    return json(HttpStatus.BAD_REQUEST).body(new ErrorBody("Incomplete request body"));
  }

  /**
   * A body that breaks HTTP's framing (a malformed chunk header, a bad chunk size): the client's
   * mistake, found by Tomcat while we read. A quiet log line, not an ERROR with a stack trace.
   */
  @ExceptionHandler(BadRequestException.class)
  ResponseEntity<ErrorBody> malformedBody(BadRequestException e) {
    log.debug("malformed request body: {}", e.getMessage());
    return json(HttpStatus.BAD_REQUEST).body(new ErrorBody("Malformed request body"));
  }

  @ExceptionHandler(Exception.class)
  ResponseEntity<ErrorBody> unexpected(Exception e) {
    log.error("unexpected error", e);
    return json(HttpStatus.INTERNAL_SERVER_ERROR).body(new ErrorBody("Internal Server Error"));
  }

  /**
   * An error answer is JSON whatever the request's {@code Accept} says: a content type set here
   * makes Spring skip content negotiation, which would otherwise turn a 404 asked for as XML into a
   * 406 without a body (and log the failed handler as an error).
   */
  static ResponseEntity.BodyBuilder json(HttpStatusCode status) {
    return ResponseEntity.status(status).contentType(MediaType.APPLICATION_JSON);
  }

  /** Our exceptions always carry a client-safe message; a missing one gets the reason phrase. */
  private static String detail(Exception e) {
    String message = e.getMessage();
    return message != null ? message : "Error";
  }

  @Override
  protected @Nullable ResponseEntity<Object> handleHttpMessageNotReadable(
      HttpMessageNotReadableException ex,
      HttpHeaders headers,
      HttpStatusCode status,
      WebRequest request) {
    ValidationError error =
        ValidationError.of(List.of("body"), "JSON decode error", "json_invalid");
    return json(error.status()).body(new ErrorBody(error.items()));
  }

  @Override
  protected @Nullable ResponseEntity<Object> handleMaxUploadSizeExceededException(
      MaxUploadSizeExceededException ex,
      HttpHeaders headers,
      HttpStatusCode status,
      WebRequest request) {
    ResponseEntity<byte[]> answer = tooLarge("Request body too large");
    return ResponseEntity.status(answer.getStatusCode())
        .headers(answer.getHeaders())
        .body(answer.getBody());
  }

  @Override
  protected ResponseEntity<Object> handleExceptionInternal(
      Exception ex,
      @Nullable Object body,
      HttpHeaders headers,
      HttpStatusCode statusCode,
      WebRequest request) {
    HttpStatus status = HttpStatus.resolve(statusCode.value());
    String reason = status != null ? status.getReasonPhrase() : "Error";
    if (statusCode.is5xxServerError()) {
      log.error("request failed", ex);
    }
    // Spring hands some of these (e.g. for an unknown route) read-only headers: copy, then drop
    // the content type they may carry, which the JSON body replaces.
    HttpHeaders answer = new HttpHeaders();
    answer.putAll(headers);
    answer.remove(HttpHeaders.CONTENT_TYPE);
    return ResponseEntity.status(statusCode)
        .headers(answer)
        .contentType(MediaType.APPLICATION_JSON)
        .body(new ErrorBody(reason));
  }
}
