package com.imageserving;

import static org.assertj.core.api.Assertions.assertThat;

import com.imageserving.support.TestImages;
import com.imageserving.support.TestServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Bytes allocated on the Java heap while one 12 MP upload is handled stay under 2 MB for each way
 * in (raw body, base64 JSON, fetched from an origin): the image is never copied into the heap
 * whole. A single copy of it (about 4 MB, or 5.5 MB as base64 text) would be over.
 *
 * <p>Measured in this JVM, where the service runs, with the JVM's count of bytes allocated by all
 * threads ({@code getTotalThreadAllocatedBytes}, which includes virtual threads and threads that
 * have ended) before and after each request. The client and the origin here are plain sockets
 * writing prepared bytes, so that what they allocate themselves is a few kilobytes; the service's
 * output is kept small (800 px) so that what is measured is the way in. Each path is warmed up
 * first, and the smallest of a few measurements counts, so that an unrelated allocation elsewhere
 * cannot fail the test: a copy of the image happens in every request.
 */
class IngestHeapTest {
  private static final long BUDGET = 2L * 1024 * 1024;
  private static final int WARM_UP = 6;
  private static final int MEASURED = 4;

  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
  private static byte[] photo;
  private static TestServer server;
  private static ServerSocket origin;

  @BeforeAll
  static void start() throws IOException {
    photo = TestImages.photo(4000, 3000);
    origin = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    byte[] head =
        ("HTTP/1.1 200 OK\r\nContent-Type: image/jpeg\r\nConnection: close\r\nContent-Length: "
                + photo.length
                + "\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII);
    Thread.ofPlatform().daemon().name("origin").start(() -> serve(head));
    server =
        TestServer.start(Map.of("MAX_UPLOAD_SIZE", "800", "FETCH_ALLOW_PRIVATE_NETWORKS", "true"));
  }

  @AfterAll
  static void stop() throws IOException {
    server.close();
    origin.close();
  }

  /** The origin: the photo to every request, on a connection of its own. */
  private static void serve(byte[] head) {
    byte[] request = new byte[8192];
    while (!origin.isClosed()) {
      try (Socket socket = origin.accept()) {
        InputStream in = socket.getInputStream();
        int read = 0;
        while (read < 4 || !endsWithBlankLine(request, read)) {
          int n = in.read(request, read, request.length - read);
          if (n < 0) {
            break;
          }
          read += n;
        }
        OutputStream out = socket.getOutputStream();
        out.write(head);
        out.write(photo);
        out.flush();
      } catch (IOException e) {
        // closed at the end of the test, or the client went away
      }
    }
  }

  private static boolean endsWithBlankLine(byte[] b, int length) {
    return b[length - 4] == '\r'
        && b[length - 3] == '\n'
        && b[length - 2] == '\r'
        && b[length - 1] == '\n';
  }

  @Test
  void aRawUploadAllocatesLittle() {
    assertUnderBudget("raw", request("/images/heap", "image/jpeg", photo), "\"width\":800");
  }

  @Test
  void aBase64JsonUploadAllocatesLittle() {
    byte[] json =
        ("{\"data\": \"" + Base64.getEncoder().encodeToString(photo) + "\"}")
            .getBytes(StandardCharsets.US_ASCII);
    assertUnderBudget(
        "base64 JSON", request("/images/heap", "application/json", json), "\"width\":800");
  }

  @Test
  void aFetchAllocatesLittle() {
    byte[] json =
        ("{\"url\": \"http://127.0.0.1:" + origin.getLocalPort() + "/photo.jpg\"}")
            .getBytes(StandardCharsets.US_ASCII);
    assertUnderBudget(
        "fetch", request("/images/fetch", "application/json", json), "{\"data\":\"/9j/");
  }

  private static void assertUnderBudget(String path, byte[] request, String answerStart) {
    for (int i = 0; i < WARM_UP; i++) {
      send(request, answerStart);
    }
    long[] allocated = new long[MEASURED];
    for (int i = 0; i < MEASURED; i++) {
      long before = THREADS.getTotalThreadAllocatedBytes();
      send(request, answerStart);
      allocated[i] = THREADS.getTotalThreadAllocatedBytes() - before;
    }
    long least = Arrays.stream(allocated).min().orElseThrow();
    // In target/surefire-reports, to follow the figures over time.
    System.out.printf(
        "%s: %d-byte photo, heap allocated per request %s (least %d KB)%n",
        path, photo.length, Arrays.toString(allocated), least / 1024);
    assertThat(least)
        .as("bytes allocated on the heap for a %s upload of a %d-byte photo", path, photo.length)
        .isLessThan(BUDGET);
  }

  private static byte[] request(String path, String type, byte[] body) {
    byte[] head =
        ("POST "
                + path
                + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Type: "
                + type
                + "\r\nContent-Length: "
                + body.length
                + "\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII);
    byte[] request = Arrays.copyOf(head, head.length + body.length);
    System.arraycopy(body, 0, request, head.length, body.length);
    return request;
  }

  private static final byte[] ANSWER = new byte[64 * 1024];

  /** Sends a prepared request and reads the answer into a fixed buffer; checks it is a 200. */
  private static void send(byte[] request, String answerStart) {
    int length = 0;
    try (Socket socket = new Socket("127.0.0.1", server.port())) {
      socket.setSoTimeout(60_000);
      socket.getOutputStream().write(request);
      InputStream in = socket.getInputStream();
      for (int n; (n = in.read(ANSWER, length, ANSWER.length - length)) > 0; ) {
        length = Math.min(length + n, ANSWER.length / 2); // keeps the start, drops the rest
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String answer = new String(ANSWER, 0, length, StandardCharsets.US_ASCII);
    assertThat(answer).startsWith("HTTP/1.1 200").contains(answerStart);
  }
}
