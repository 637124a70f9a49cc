package com.imageserving.api;

import com.imageserving.storage.Names;
import java.io.IOException;
import java.io.Writer;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.apache.coyote.ActionCode;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;

/**
 * Errors Tomcat answers itself, before a request reaches Spring (headers too large, a malformed
 * request line), in the API's shape, {@code {"detail": "Bad Request"}}, instead of Tomcat's HTML
 * page. Responses Spring already wrote are left alone.
 */
public final class JsonErrorReportValve extends ErrorReportValve {

  @Override
  protected void report(Request request, Response response, @Nullable Throwable throwable) {
    int status = response.getStatus();
    if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
      return;
    }
    AtomicBoolean ioAllowed = new AtomicBoolean(false);
    response.getCoyoteResponse().action(ActionCode.IS_IO_ALLOWED, ioAllowed);
    if (!ioAllowed.get()) {
      return;
    }
    HttpStatus known = HttpStatus.resolve(status);
    String reason = known != null ? known.getReasonPhrase() : "Error";
    if (status == 400) {
      String detail = invalidName(request.getCoyoteRequest().requestURI().toString());
      reason = detail != null ? detail : reason;
    }
    try {
      response.setContentType("application/json");
      response.setCharacterEncoding("UTF-8");
      Writer writer = response.getReporter();
      if (writer != null) {
        writer.write("{\"detail\":\"" + reason + "\"}");
        response.finishResponse();
      }
    } catch (IOException | IllegalStateException e) {
      // the client is gone or the response is already on its way: nothing more to say
    }
  }

  /**
   * The contract's text for a name Tomcat refused by itself (an encoded {@code /}, {@code \}, NUL,
   * bad percent-encoding or UTF-8) in {@code /images/{namespace}[/{image_id}]}, read from the raw
   * path as PathNames reads it; null when the names are not the problem.
   */
  static @Nullable String invalidName(String rawPath) {
    String[] segments = rawPath.split("/", -1);
    if (segments.length < 3 || segments.length > 4 || !segments[1].equals("images")) {
      return null;
    }
    if (!Names.validNamespace(segments[2])) {
      return "Invalid namespace";
    }
    if (segments.length == 4 && !Names.validImageId(segments[3])) {
      return "Invalid image_id";
    }
    return null;
  }
}
