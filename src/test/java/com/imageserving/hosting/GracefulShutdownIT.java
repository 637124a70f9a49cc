package com.imageserving.hosting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.imageserving.ChildProcess;
import com.imageserving.TestImages;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM on the packaged jar in a child JVM (failsafe, after packaging): an upload already in
 * flight still gets its 200 and is stored, new connections are refused, and the process exits 0
 * within the grace period.
 */
class GracefulShutdownIT {
  @TempDir Path work;

  @Test
  void sigtermFinishesInFlightUploadsAndExitsZero() throws Exception {
    Path uploads = work.resolve("uploads");
    Map<String, String> env = Map.of("UPLOADS_PATH", uploads.toString(), "DEBUG", "true");
    byte[] body =
        ("{\"data\": \"" + Base64.getEncoder().encodeToString(TestImages.jpeg(2000, 1500)) + "\"}")
            .getBytes(StandardCharsets.US_ASCII);
    try (ChildProcess child = ChildProcess.start(work, env)) {
      long terminated;
      try (Socket upload = new Socket("127.0.0.1", child.port())) {
        upload.setSoTimeout(30_000);
        OutputStream out = upload.getOutputStream();
        out.write(
            ("POST /images/shutdown HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Content-Type: application/json\r\nContent-Length: "
                    + body.length
                    + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        // Half the body now: the request is in flight (headers read, handler waiting for data).
        int half = body.length / 2;
        out.write(body, 0, half);
        out.flush();
        Thread.sleep(500);

        terminated = System.nanoTime();
        child.terminate();
        // Graceful shutdown closes the listener first: wait until new connections are refused.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        boolean refused = false;
        while (!refused && System.nanoTime() < deadline) {
          try (Socket probe = new Socket("127.0.0.1", child.port())) {
            Thread.sleep(50);
          } catch (ConnectException e) {
            refused = true;
          }
        }
        assertThat(refused).as("new connections refused after SIGTERM").isTrue();
        assertThat(child.process().isAlive()).as("still finishing the upload").isTrue();

        // The rest of the slow upload: it is still served.
        out.write(body, half, body.length - half);
        out.flush();
        String response = readResponse(upload);
        assertThat(response).startsWith("HTTP/1.1 200");
        assertThat(response).contains("\"image_id\"");
      }
      assertThat(child.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
      System.out.printf(
          "GracefulShutdownIT: exited %.1f s after SIGTERM%n",
          (System.nanoTime() - terminated) / 1e9);
      assertThat(child.process().exitValue())
          .as(() -> "exit status; child.log:\n" + log(work))
          .isZero();
      assertThatThrownBy(() -> new Socket("127.0.0.1", child.port()).close())
          .isInstanceOf(ConnectException.class);
    }
    try (var stored = Files.list(uploads.resolve("images").resolve("shutdown"))) {
      assertThat(stored.map(p -> p.getFileName().toString()))
          .singleElement()
          .matches(name -> name.endsWith(".jpg"));
    }
    String log = Files.readString(work.resolve("child.log"));
    assertThat(log).contains("SIGTERM");
    log.lines()
        .filter(line -> line.contains("hutdown") || line.contains("SIGTERM"))
        .forEach(System.out::println);
  }

  private static String log(Path work) {
    try {
      return Files.readString(work.resolve("child.log"));
    } catch (IOException e) {
      return e.toString();
    }
  }

  /** Reads one response: headers, then Content-Length bytes of body. */
  private static String readResponse(Socket socket) throws IOException {
    var in = socket.getInputStream();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int contentLength = -1;
    while (true) {
      int b = in.read();
      if (b < 0) {
        return bytes.toString(StandardCharsets.ISO_8859_1);
      }
      bytes.write(b);
      String text = bytes.toString(StandardCharsets.ISO_8859_1);
      if (text.endsWith("\r\n\r\n")) {
        for (String line : text.split("\r\n")) {
          if (line.toLowerCase().startsWith("content-length:")) {
            contentLength = Integer.parseInt(line.substring(15).trim());
          }
        }
        break;
      }
    }
    if (contentLength > 0) {
      bytes.write(in.readNBytes(contentLength));
    } else {
      in.transferTo(bytes);
    }
    return bytes.toString(StandardCharsets.ISO_8859_1);
  }
}
