package com.imageserving.fetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.imageserving.support.RawServer;
import com.imageserving.support.TestFetch;
import com.imageserving.support.TestImages;
import com.imageserving.support.TestServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import okio.Buffer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Origins and proxies that misbehave, through the whole service: each fetch ends with the
 * documented status within its time bound, and after all of them the process holds no more threads
 * or file descriptors than before.
 */
class FetchFaultsTest {
  /**
   * The slowest fault (a stalled body or a silent proxy) takes two attempts of FETCH_TIMEOUT 1 s
   * and one back-off of at most 0.1 s; the bound is 5 times that. Without the timeout those fetches
   * would hang until the client gives up ({@link #CLIENT_TIMEOUT}).
   */
  private static final Duration BOUND = Duration.ofMillis(2100).multipliedBy(5);

  private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(60);
  private static final int ROUNDS = 4;
  private static MockWebServer resetting;
  private static MockWebServer looping;
  private static MockWebServer good;
  private static RawServer garbage;
  private static RawServer stalling;
  private static RawServer silentProxy;
  private static TestServer server;
  private static TestServer proxiedServer;

  @BeforeAll
  static void start() throws IOException {
    resetting = new MockWebServer();
    resetting.setDispatcher(
        TestFetch.always(
            new MockResponse.Builder().onRequestStart(new SocketEffect.CloseSocket()).build()));
    resetting.start();
    looping = new MockWebServer();
    looping.setDispatcher(
        TestFetch.always(
            new MockResponse.Builder().code(302).addHeader("Location", "/again").build()));
    looping.start();
    good = new MockWebServer();
    byte[] png = TestImages.png(32, 32);
    good.setDispatcher(
        new Dispatcher() {
          @Override
          public MockResponse dispatch(RecordedRequest request) {
            // A fresh body each time: a Buffer is consumed by the first response.
            return new MockResponse.Builder()
                .addHeader("Content-Type", "image/png")
                .body(new Buffer().write(png))
                .build();
          }
        });
    good.start();
    // Not HTTP at all.
    garbage =
        new RawServer(socket -> {
          write(socket, "\u0000\u0001garbage\r\n\r\n\u00ff\u00fe not a status line");
        });
    // Headers promise 100 kB, a little arrives, then nothing until the client gives up.
    stalling =
        new RawServer(socket -> {
          write(
              socket,
              "HTTP/1.1 200 OK\r\nContent-Type: image/png\r\nContent-Length: 100000\r\n\r\n"
                  + "\u0089PNG\r\n\u001a\n");
          drainUntilClosed(socket);
        });
    // Accepts the CONNECT / proxied request and never answers.
    silentProxy = new RawServer(FetchFaultsTest::drainUntilClosed);
    Map<String, String> fetching =
        Map.of(
            "FETCH_ALLOW_PRIVATE_NETWORKS", "true",
            "FETCH_TIMEOUT", "1.0",
            "FETCH_MAX_RETRIES", "2",
            "FETCH_BACKOFF_MIN", "0.05",
            "FETCH_BACKOFF_MAX", "0.1");
    server = TestServer.start(fetching);
    // With proxies configured every fetch goes through them, so the silent proxy gets its own
    // instance; without fallback, a dead pool is a 502 rather than a direct fetch.
    Map<String, String> proxied = new java.util.HashMap<>(fetching);
    proxied.put("PROXY_FALLBACK_DIRECT", "false");
    proxied.put("PROXIES", "{\"silent\": [\"http://127.0.0.1:" + silentProxy.port() + "\"]}");
    proxiedServer = TestServer.start(proxied);
  }

  @AfterAll
  static void stop() throws IOException {
    server.close();
    proxiedServer.close();
    resetting.close();
    looping.close();
    good.close();
    garbage.close();
    stalling.close();
    silentProxy.close();
  }

  @Test
  void faultsEndInTheDocumentedStatusWithoutLeaks() throws Exception {
    // Warm up every path once (client pools, lazily started threads), then take the baseline.
    runAllFaults();
    System.gc();
    int threadsBefore = threads();
    long fdsBefore = openFileDescriptors();

    for (int round = 0; round < ROUNDS; round++) {
      runAllFaults();
    }

    // A leak per fetch would grow by 5 x ROUNDS or more; pools and timers move by a few, and
    // sockets dropped without a close are released when collected: wait for that to settle.
    await("threads and file descriptors back near where they were")
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(() -> {
          System.gc();
          assertThat(threads()).as("threads").isLessThanOrEqualTo(threadsBefore + 8);
          assertThat(openFileDescriptors()).as("fds").isLessThanOrEqualTo(fdsBefore + 8);
        });
    System.out.printf(
        "FetchFaultsTest: threads %d -> %d, fds %d -> %d%n",
        threadsBefore, threads(), fdsBefore, openFileDescriptors());
    // And the service still fetches.
    assertThat(fetch(url(good, "/ok.png"), null).statusCode()).isEqualTo(200);
  }

  private static void runAllFaults() {
    expect(fetch(url(resetting, "/reset.png"), null), 502);
    expect(fetch(url(looping, "/loop.png"), null), 502);
    expect(fetch("http://127.0.0.1:" + garbage.port() + "/garbage.png", null), 502);
    expect(fetch("http://127.0.0.1:" + stalling.port() + "/stall.png", null), 502);
    expect(fetch(proxiedServer, url(good, "/via-proxy.png"), "silent"), 502);
    expect(fetch(proxiedServer, url(good, "/any-pool.png"), null), 502);
    expect(fetch("file:///etc/passwd", null), 400);
    expect(fetch("gopher://127.0.0.1:70/x", null), 400);
    expect(fetch(url(good, "/fine.png"), null), 200);
  }

  private static void expect(Timed response, int status) {
    assertThat(response.response().statusCode()).as(response.response().body()).isEqualTo(status);
    assertThat(response.elapsed()).isLessThan(BOUND);
    if (status != 200) {
      assertThat(response.response().body()).startsWith("{\"detail\":");
    }
  }

  private record Timed(HttpResponse<String> response, Duration elapsed) {
    int statusCode() {
      return response.statusCode();
    }
  }

  private static Timed fetch(String url, String pool) {
    return fetch(server, url, pool);
  }

  private static Timed fetch(TestServer server, String url, String pool) {
    String body =
        "{\"url\": \"" + url + "\"" + (pool == null ? "" : ", \"pool\": \"" + pool + "\"") + "}";
    long start = System.nanoTime();
    HttpResponse<String> response =
        server.send(
            server
                .request("/images/fetch")
                .timeout(CLIENT_TIMEOUT)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build());
    return new Timed(response, Duration.ofNanos(System.nanoTime() - start));
  }

  /** By address: MockWebServer names itself "localhost", which the URL guard always refuses. */
  private static String url(MockWebServer origin, String path) {
    return "http://127.0.0.1:" + origin.getPort() + path;
  }

  private static int threads() {
    return Thread.getAllStackTraces().size();
  }

  private static long openFileDescriptors() throws IOException {
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.count();
    }
  }

  private static void write(Socket socket, String text) {
    try {
      OutputStream out = socket.getOutputStream();
      out.write(text.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
    } catch (IOException ignored) {
      // the client went away
    }
  }

  /** Reads and discards until the client closes, so the server side never outlives it. */
  private static void drainUntilClosed(Socket socket) {
    try {
      InputStream in = socket.getInputStream();
      byte[] buffer = new byte[8192];
      while (in.read(buffer) >= 0) {
        // discard
      }
    } catch (IOException closed) {
      // the client went away
    }
  }
}
