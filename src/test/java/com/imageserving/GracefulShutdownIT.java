package com.imageserving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.imageserving.support.ChildProcess;
import com.imageserving.support.Json;
import com.imageserving.support.RawHttp;
import com.imageserving.support.TestImages;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
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
    byte[] body = Json.upload(TestImages.jpeg(2000, 1500)).getBytes(StandardCharsets.US_ASCII);
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
        // Half the body now; the request is in flight once the service counts it as active
        // (headers read, the handler waiting for the rest).
        int half = body.length / 2;
        out.write(body, 0, half);
        out.flush();
        HttpClient client = HttpClient.newHttpClient();
        await("the upload is an active request")
            .atMost(Duration.ofSeconds(30))
            .until(() -> ACTIVE_POST.matcher(metrics(client, child)).find());

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
        String response = RawHttp.readResponse(upload.getInputStream()).text();
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

  /** The active-requests gauge of a POST in progress, in /metrics. */
  private static final Pattern ACTIVE_POST =
      Pattern.compile(
          "(?m)^http_server_requests_active_seconds_gcount\\{[^}]*method=\"POST\"[^}]*} 1(\\.0)?$");

  private static String metrics(HttpClient client, ChildProcess child) throws Exception {
    return client
        .send(
            HttpRequest.newBuilder(URI.create(child.base() + "/metrics")).build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  private static String log(Path work) {
    try {
      return Files.readString(work.resolve("child.log"));
    } catch (IOException e) {
      return e.toString();
    }
  }
}
