package com.imageserving.api;

import io.swagger.v3.oas.annotations.Hidden;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Errors raised outside Spring MVC (by the servlet container or a filter) land here; they get the
 * same {@code {"detail": ...}} body as everything else instead of an HTML page.
 */
@Hidden // not part of the API: only the container's error dispatch lands here
@RestController
public class ErrorPageController implements ErrorController {

  @RequestMapping("/error")
  ResponseEntity<ErrorBody> error(HttpServletRequest request) {
    Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
    HttpStatus status =
        code instanceof Integer value && HttpStatus.resolve(value) != null
            ? HttpStatus.valueOf(value)
            : HttpStatus.INTERNAL_SERVER_ERROR;
    String detail =
        status == HttpStatus.CONTENT_TOO_LARGE
            ? "Request body too large"
            : status.getReasonPhrase();
    return ApiExceptionHandler.json(status).body(new ErrorBody(detail));
  }
}
