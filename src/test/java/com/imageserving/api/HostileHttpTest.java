package com.imageserving.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.imageserving.support.RawHttp;
import com.imageserving.support.TestImages;
import com.imageserving.support.TestServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Hostile clients over real sockets: each gets a 4xx (or is cut off), and while each attack runs an
 * ordinary GET of a stored image keeps answering 200.
 */
class HostileHttpTest {
  /** Read timeout of the service under test: production's is 10 s, 2 s keeps these tests short. */
  private static final Duration READ_TIMEOUT = Duration.ofSeconds(2);

  /**
   * How long an ordinary GET may take while an attack runs: tens of milliseconds on a busy machine,
   * and a GET starved by an attack would wait for the attack to end (or forever).
   */
  private static final Duration GET_BOUND = Duration.ofSeconds(10);

  /** Only so that a hang fails the test instead of stalling the build. */
  private static final Duration HANG = Duration.ofSeconds(60);

  private static TestServer server;
  private static String imagePath;

  @BeforeAll
  static void start() {
    server =
        TestServer.start(
            Map.of(), "--server.tomcat.connection-timeout=" + READ_TIMEOUT.toMillis() + "ms");
    imagePath = "/images/hostile/" + server.uploadedId("hostile", TestImages.jpeg(64, 48));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void oversizedHeaderIsRefusedQuickly() throws Exception {
    underAttack(() -> {
      String huge = "X-Huge: " + "a".repeat(64 * 1024) + "\r\n";
      RawHttp.Response tooLarge =
          rawResponse("GET /health HTTP/1.1\r\nHost: x\r\n" + huge + "\r\n");
      assertThat(tooLarge.status()).isIn(400, 431);
      // Tomcat answers these itself; still in the API's JSON shape, not an HTML page.
      assertThat(tooLarge.text())
          .contains("application/json")
          .endsWith("{\"detail\":\"Bad Request\"}");
      StringBuilder many = new StringBuilder();
      for (int i = 0; i < 5000; i++) {
        many.append("X-H").append(i).append(": v\r\n");
      }
      assertThat(raw("GET /health HTTP/1.1\r\nHost: x\r\n" + many + "\r\n")).isIn(400, 431);
      String longTarget = "/images/" + "a".repeat(64 * 1024);
      assertThat(raw("GET " + longTarget + " HTTP/1.1\r\nHost: x\r\n\r\n")).isIn(400, 414, 431);
    });
  }

  @Test
  void deeplyNestedJsonIsA422() {
    underAttack(() -> {
      String deep = "[".repeat(10_000);
      String deepInField = "{\"data\": " + "[".repeat(10_000) + "}";
      for (String body : List.of(deep, deepInField, "{\"url\": " + "{\"a\":".repeat(10_000))) {
        assertQuick4xx(post("/images/hostile", "application/json", body), 422);
        assertQuick4xx(post("/images/fetch", "application/json", body), 422);
        assertQuick4xx(post("/images/hostile/proxy", "application/json", body), 422);
      }
    });
  }

  /**
   * Bodies over the limit. Raw sockets, because the server answers 413 and closes before the body
   * is sent, which the JDK client reports as a broken pipe instead of reading the answer.
   */
  @Test
  void hugeJsonIsA413() {
    underAttack(() -> {
      // Declared too large: refused before the body is read.
      String declared =
          "POST /images/hostile HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
              + "Content-Length: "
              + (21 * 1024 * 1024)
              + "\r\n\r\n{\"data\": \"AAAA";
      assertThat(raw(declared)).isEqualTo(413);
      // Chunked, so the size is only known while streaming: cut off once past the limit.
      for (String path : List.of("/images/fetch", "/images/hostile/proxy", "/images/hostile")) {
        assertThat(streamChunked(path, 22 * 1024 * 1024)).as(path).isEqualTo(413);
      }
    });
  }

  /** Streams a chunked JSON body of about {@code size} bytes; the status of the answer. */
  private static int streamChunked(String path, int size) throws Exception {
    try (Socket socket = new Socket("127.0.0.1", server.port())) {
      socket.setSoTimeout((int) HANG.toMillis());
      OutputStream out = socket.getOutputStream();
      out.write(
          ("POST "
                  + path
                  + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                  + "Transfer-Encoding: chunked\r\n\r\n")
              .getBytes(StandardCharsets.ISO_8859_1));
      Thread writer =
          Thread.ofVirtual()
              .start(() -> {
                byte[] chunk = ("10000\r\n" + "A".repeat(0x10000) + "\r\n").getBytes();
                try {
                  out.write("9\r\n{\"data\":\"\r\n".getBytes());
                  for (int sent = 0; sent < size; sent += 0x10000) {
                    out.write(chunk);
                  }
                } catch (IOException closed) {
                  // expected: the server stops reading
                }
              });
      String text = RawHttp.readAll(socket.getInputStream());
      assertThat(writer.join(HANG)).as("the writer was cut off").isTrue();
      return text.length() >= 12 ? Integer.parseInt(text.substring(9, 12)) : 0;
    }
  }

  @Test
  void wrongContentTypesAreRefused() {
    underAttack(() -> {
      String json = "{\"data\": \"aGVsbG8=\"}";
      assertQuick4xx(post("/images/hostile", "text/plain", json), 415);
      assertQuick4xx(post("/images/hostile", "application/xml", "<data/>"), 415);
      assertQuick4xx(post("/images/hostile", "image/png", json), 400, 415);
      assertQuick4xx(post("/images/hostile", "multipart/form-data", json), 400, 422);
      assertQuick4xx(
          post("/images/hostile", "multipart/form-data; boundary=xyz", "--xyz\r\nbroken"),
          400,
          422);
      assertQuick4xx(post("/images/fetch", "application/x-www-form-urlencoded", "url=x"), 422);
      assertQuick4xx(post("/images/hostile/proxy", "text/plain", "urls"), 422);
    });
  }

  @Test
  void enormousUrlListIsA422() {
    underAttack(() -> {
      StringBuilder urls = new StringBuilder("{\"urls\": [");
      for (int i = 0; i < 10_000; i++) {
        urls.append(i == 0 ? "" : ",").append("\"http://127.0.0.1:9/").append(i).append("\"");
      }
      urls.append("]}");
      HttpResponse<String> response =
          post("/images/hostile/proxy", "application/json", urls.toString());
      assertQuick4xx(response, 422);
      assertThat(response.body()).contains("too_long");
    });
  }

  @Test
  void dataUrlWithAWrongMimeIsA400() {
    underAttack(() -> {
      String png = Base64.getEncoder().encodeToString(TestImages.png(8, 8));
      for (String prefix :
          List.of("data:text/html;base64,", "data:application/pdf;base64,", "data:image/png,")) {
        HttpResponse<String> response =
            post("/images/hostile", "application/json", "{\"data\": \"" + prefix + png + "\"}");
        assertQuick4xx(response, 400);
      }
    });
  }

  /**
   * The read timeout is the behaviour, so the time is measured: the server gives up on a client
   * that stops mid-headers after {@link #READ_TIMEOUT}, within a fifth to five times of it.
   */
  @Test
  void stalledClientIsCutOffByTheReadTimeout() throws Exception {
    underAttack(() -> {
      long start = System.nanoTime();
      try (Socket socket = new Socket("127.0.0.1", server.port())) {
        socket.setSoTimeout((int) HANG.toMillis());
        socket.getOutputStream().write("GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: a".getBytes());
        // Nothing more: the server must give up after its read timeout.
        assertThat(RawHttp.readAll(socket.getInputStream())).doesNotContain("200");
      }
      assertThat(Duration.ofNanos(System.nanoTime() - start))
          .isBetween(READ_TIMEOUT.dividedBy(5), READ_TIMEOUT.multipliedBy(5));
    });
  }

  /**
   * A client trickling its headers a byte per second. Tomcat's read timeout is per read, so a
   * trickle is not cut off by it (nor by any Tomcat setting: there is no total header deadline);
   * what matters is that it holds no request thread (NIO parses headers without one), so others are
   * served meanwhile, and the header size limit ends it eventually. Internet-facing deployments put
   * a reverse proxy with a header deadline in front (SECURITY.md).
   */
  @Test
  void tricklingClientsDoNotStarveOthers() throws Exception {
    List<Socket> slow = new ArrayList<>();
    try {
      for (int i = 0; i < 50; i++) {
        Socket socket = new Socket("127.0.0.1", server.port());
        socket.getOutputStream().write("GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: ".getBytes());
        slow.add(socket);
      }
      underAttack(() -> {
        for (int second = 0; second < 4; second++) {
          for (Socket socket : slow) {
            try {
              socket.getOutputStream().write('a');
            } catch (IOException cut) {
              // fine: the server may close it
            }
          }
          // While the tricklers hold their connections, another client is served.
          assertThat(server.send(server.request(imagePath).timeout(GET_BOUND).build()).statusCode())
              .isEqualTo(200);
          sleep(1000); // the trickle's pace: a byte a second, below the read timeout
        }
      });
    } finally {
      for (Socket socket : slow) {
        socket.close();
      }
    }
  }

  /**
   * Runs an attack while a loop GETs a stored image; every GET must answer 200, one at least after
   * the attack began.
   */
  private static void underAttack(ThrowingRunnable attack) {
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicInteger ok = new AtomicInteger();
    List<String> failures = new ArrayList<>();
    Thread reader =
        Thread.ofVirtual()
            .start(() -> {
              while (running.get()) {
                try {
                  int status =
                      server
                          .send(server.request(imagePath).timeout(GET_BOUND).GET().build())
                          .statusCode();
                  if (status == 200) {
                    ok.incrementAndGet();
                  } else {
                    synchronized (failures) {
                      failures.add("status " + status);
                    }
                  }
                } catch (RuntimeException e) {
                  synchronized (failures) {
                    failures.add(e.toString());
                  }
                }
                sleep(20); // pace, not a wait
              }
            });
    try {
      await("the first GET").atMost(HANG).until(() -> ok.get() > 0 || !failures.isEmpty());
      int before = ok.get();
      attack.run();
      await("a GET after the attack began")
          .atMost(HANG)
          .until(() -> ok.get() > before || !failures.isEmpty());
    } catch (Exception e) {
      throw new AssertionError(e);
    } finally {
      running.set(false);
      try {
        reader.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    synchronized (failures) {
      assertThat(failures).isEmpty();
    }
  }

  private static HttpResponse<String> post(String path, String type, String body) {
    return server.send(
        server
            .request(path)
            .timeout(HANG)
            .header("Content-Type", type)
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build());
  }

  private static void assertQuick4xx(HttpResponse<String> response, int... expected) {
    List<Integer> allowed = new ArrayList<>();
    for (int status : expected) {
      allowed.add(status);
    }
    assertThat(response.statusCode()).as(response.body()).isIn(allowed);
    assertThat(response.body()).startsWith("{\"detail\":");
  }

  /** Sends raw bytes; the status of the answer (the server may also just close: 0). */
  private static int raw(String request) throws IOException {
    return rawResponse(request).status();
  }

  private static RawHttp.Response rawResponse(String request) throws IOException {
    return RawHttp.send(server.port(), request);
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private interface ThrowingRunnable {
    void run() throws Exception;
  }
}
