package com.imageserving.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Sends bytes exactly as written, for requests an HTTP client library would normalise or refuse
 * (dot segments, encoded slashes, NUL, backslashes, path parameters, broken framing).
 */
public final class RawHttp {
  private RawHttp() {}

  /** The status code of the answer (0 when there was none), with the whole answer as text. */
  public record Response(int status, String text) {}

  /** {@code METHOD target HTTP/1.1} with {@code Connection: close}. */
  public static Response request(int port, String method, String target) throws IOException {
    return send(
        port,
        method
            + " "
            + target
            + " HTTP/1.1\r\nHost: 127.0.0.1:"
            + port
            + "\r\nConnection: close\r\n\r\n");
  }

  /**
   * Writes {@code request} as ISO-8859-1 bytes (the server may answer and close before it has read
   * them all), then reads until the server closes the connection.
   */
  public static Response send(int port, String request) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(30_000); // only so that a hang fails instead of stalling the build
      OutputStream out = socket.getOutputStream();
      try {
        out.write(request.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
      } catch (SocketException closedEarly) {
        // the server answered and closed before reading it all
      }
      String text = readAll(socket.getInputStream());
      return new Response(status(text), text);
    }
  }

  /** Everything until the peer closes; a reset after the answer still leaves the answer. */
  public static String readAll(InputStream in) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try {
      in.transferTo(bytes);
    } catch (SocketException reset) {
      // keep what arrived
    }
    return bytes.toString(StandardCharsets.ISO_8859_1);
  }

  /**
   * One answer on a connection that stays open: the head, then Content-Length bytes of body (or
   * everything until the peer closes when there is no Content-Length).
   */
  public static Response readResponse(InputStream in) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    while (!bytes.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        String text = bytes.toString(StandardCharsets.ISO_8859_1);
        return new Response(status(text), text);
      }
      bytes.write(b);
    }
    long contentLength = -1;
    for (String line : bytes.toString(StandardCharsets.ISO_8859_1).split("\r\n")) {
      if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
        contentLength = Long.parseLong(line.substring(15).trim());
      }
    }
    if (contentLength >= 0) {
      bytes.write(in.readNBytes((int) contentLength));
    } else {
      in.transferTo(bytes);
    }
    String text = bytes.toString(StandardCharsets.ISO_8859_1);
    return new Response(status(text), text);
  }

  private static int status(String text) {
    return text.startsWith("HTTP/") && text.length() >= 12
        ? Integer.parseInt(text.substring(9, 12))
        : 0;
  }
}
