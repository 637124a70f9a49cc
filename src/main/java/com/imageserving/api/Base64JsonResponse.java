package com.imageserving.api;

import jakarta.servlet.http.HttpServletResponse;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.springframework.http.MediaType;
import tools.jackson.core.io.JsonStringEncoder;

/**
 * {@code {"data": base64, "mime_type": ...}}, the answer of /images/fetch, written straight to the
 * response: the base64 is encoded a few kilobytes at a time as it is sent, never built as a string,
 * and its length is known up front.
 */
final class Base64JsonResponse {
  private static final byte[] HEAD = "{\"data\":\"".getBytes(StandardCharsets.US_ASCII);

  private Base64JsonResponse() {}

  static void write(HttpServletResponse response, byte[] data, String mimeType) throws IOException {
    byte[] tail =
        ("\",\"mime_type\":\""
                + new String(JsonStringEncoder.getInstance().quoteAsCharArray(mimeType))
                + "\"}")
            .getBytes(StandardCharsets.UTF_8);
    response.setStatus(HttpServletResponse.SC_OK);
    response.setContentType(MediaType.APPLICATION_JSON_VALUE);
    response.setContentLengthLong(HEAD.length + 4L * ((data.length + 2) / 3) + tail.length);
    OutputStream out = response.getOutputStream();
    out.write(HEAD);
    // Closing the encoder writes its last group; the response itself stays open.
    try (OutputStream base64 =
        Base64.getEncoder()
            .wrap(
                new FilterOutputStream(out) {
                  @Override
                  public void write(byte[] b, int off, int len) throws IOException {
                    out.write(b, off, len);
                  }

                  @Override
                  public void close() {}
                })) {
      base64.write(data);
    }
    out.write(tail);
  }
}
