package com.imageserving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.imageserving.support.Json;
import com.imageserving.support.TestImages;
import com.imageserving.support.TestServer;
import java.awt.image.BufferedImage;
import java.net.InetAddress;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okio.Buffer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * /images/fetch and /images/{ns}/proxy over HTTP against a real origin on loopback (the address
 * rules are lifted here so the origin can be reached; the guard itself is tested on its own, and
 * one service below keeps it on). No proxies are configured: every fetch goes direct.
 */
class FetchApiTest {
  static final MockWebServer origin = new MockWebServer();
  static TestServer server;
  static TestServer guarded;
  static final byte[] PHOTO = TestImages.jpeg(1600, 1200);
  static final byte[] SMALL = TestImages.jpeg(40, 30);

  // The /fan/ paths: how many requests the origin holds right now, the most it ever held, and
  // the gate that holds them (open unless a test closes it).
  static final AtomicInteger fanInFlight = new AtomicInteger();
  static final AtomicInteger fanPeak = new AtomicInteger();
  static volatile CountDownLatch fanGate = new CountDownLatch(0);

  @BeforeAll
  static void start() throws Exception {
    origin.setDispatcher(
        new Dispatcher() {
          @Override
          public MockResponse dispatch(RecordedRequest request) throws InterruptedException {
            String path = request.getUrl().encodedPath();
            if (path.startsWith("/fan/")) {
              fanPeak.accumulateAndGet(fanInFlight.incrementAndGet(), Math::max);
              try {
                fanGate.await(60, TimeUnit.SECONDS);
              } finally {
                fanInFlight.decrementAndGet();
              }
              return new MockResponse.Builder()
                  .setHeader("Content-Type", "image/jpeg")
                  .body(new Buffer().write(SMALL))
                  .build();
            }
            return switch (path) {
              case "/photo.jpg", "/photo2.jpg" ->
                  new MockResponse.Builder()
                      .setHeader("Content-Type", "image/jpeg")
                      .body(new Buffer().write(PHOTO))
                      .build();
              case "/page.html" ->
                  new MockResponse.Builder()
                      .setHeader("Content-Type", "text/html")
                      .body("<html>not an image</html>")
                      .build();
              case "/huge.jpg" ->
                  new MockResponse.Builder()
                      .setHeader("Content-Type", "image/jpeg")
                      .body(new Buffer().write(new byte[300_000]))
                      .build();
              default -> new MockResponse.Builder().code(404).body("").build();
            };
          }
        });
    origin.start(InetAddress.getByName("127.0.0.1"), 0);
    server =
        TestServer.start(
            Map.of(
                "FETCH_ALLOW_PRIVATE_NETWORKS", "true",
                "MAX_FETCH_BYTES", "200000",
                "FETCH_MAX_RETRIES", "2",
                "FETCH_BACKOFF_MIN", "0.05",
                "FETCH_BACKOFF_MAX", "0.1",
                // Long enough for a fetch the origin holds while a test counts what arrives.
                "FETCH_TIMEOUT", "60"));
    guarded = TestServer.start();
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
    guarded.close();
    origin.close();
  }

  static String url(String path) {
    return "http://127.0.0.1:" + origin.getPort() + path;
  }

  @Test
  void fetchReturnsTheProcessedImageAsBase64() {
    HttpResponse<String> response =
        server.postJson("/images/fetch", "{\"url\": \"" + url("/photo.jpg") + "\"}");
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    JsonNode body = Json.read(response.body());
    assertThat(body.get("mime_type").asString()).isEqualTo("image/jpeg");
    BufferedImage image =
        TestImages.decode(Base64.getDecoder().decode(body.get("data").asString()));
    assertThat(image.getWidth()).isEqualTo(800);
    assertThat(image.getHeight()).isEqualTo(600);
  }

  @Test
  void ownImagesAreAnsweredFromStorageWithoutANetworkRequest() {
    JsonNode upload = server.uploaded("own", TestImages.png(30, 20));
    String path = "/images/own/" + upload.get("image_id").asString();
    byte[] stored = server.sendForBytes(server.request(path).build()).body();
    int before = origin.getRequestCount();

    for (String url : new String[] {upload.get("url").asString(), path, "/api" + path}) {
      HttpResponse<String> response =
          server.postJson("/images/fetch", "{\"url\": \"" + url + "\"}");
      assertThat(response.statusCode()).as(url).isEqualTo(200);
      JsonNode body = Json.read(response.body());
      assertThat(Base64.getDecoder().decode(body.get("data").asString())).isEqualTo(stored);
      assertThat(body.get("mime_type").asString()).isEqualTo("image/jpeg");
    }
    HttpResponse<String> missing =
        server.postJson(
            "/images/fetch",
            "{\"url\": \""
                + server.base()
                + "/images/own/00000000000000000000000000000000-AAAAAAAAAAA\"}");
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(missing.body()).isEqualTo("{\"detail\":\"Image not found\"}");
    assertThat(origin.getRequestCount()).isEqualTo(before);
  }

  @Test
  void fetchErrors() {
    // Each is fetched once (none of these is worth a retry) and answered with its own reason.
    int before = origin.getRequestCount();
    HttpResponse<String> notImage =
        server.postJson("/images/fetch", "{\"url\": \"" + url("/page.html") + "\"}");
    assertThat(notImage.statusCode()).isEqualTo(502);
    assertThat(notImage.body())
        .isEqualTo(
            "{\"detail\":\"Fetched content is not a supported image: "
                + "Data is not a recognised image\"}");
    assertThat(origin.getRequestCount() - before).isEqualTo(1);
    HttpResponse<String> missing =
        server.postJson("/images/fetch", "{\"url\": \"" + url("/missing.jpg") + "\"}");
    assertThat(missing.statusCode()).isEqualTo(502);
    assertThat(missing.body()).isEqualTo("{\"detail\":\"Failed to fetch external image\"}");
    assertThat(origin.getRequestCount() - before).isEqualTo(2);
    HttpResponse<String> huge =
        server.postJson("/images/fetch", "{\"url\": \"" + url("/huge.jpg") + "\"}");
    assertThat(huge.statusCode()).isEqualTo(502);
    assertThat(huge.body()).isEqualTo("{\"detail\":\"Image exceeds the maximum fetch size\"}");
    assertThat(origin.getRequestCount() - before).isEqualTo(3);
    HttpResponse<String> pool =
        server.postJson(
            "/images/fetch", "{\"url\": \"" + url("/photo.jpg") + "\", \"pool\": \"nope\"}");
    assertThat(pool.statusCode()).isEqualTo(400);
    assertThat(pool.body()).isEqualTo("{\"detail\":\"Unknown proxy pool: nope\"}");
    assertThat(origin.getRequestCount() - before)
        .as("an unknown pool fetches nothing")
        .isEqualTo(3);
    assertThat(server.postJson("/images/fetch", "{\"url\": \"ftp://x/y.jpg\"}").body())
        .isEqualTo("{\"detail\":\"Invalid url\"}");
    HttpResponse<String> noUrl = server.postJson("/images/fetch", "{}");
    assertThat(noUrl.statusCode()).isEqualTo(422);
    assertThat(noUrl.body()).contains("[\"body\",\"url\"]");
  }

  @Test
  void theGuardRefusesInternalAddresses() {
    int before = origin.getRequestCount();
    for (String url :
        new String[] {
          url("/photo.jpg"),
          "http://localhost:" + origin.getPort() + "/photo.jpg",
          "http://2130706433:" + origin.getPort() + "/photo.jpg",
          "http://[::ffff:127.0.0.1]:" + origin.getPort() + "/photo.jpg",
          "http://169.254.169.254/latest/meta-data/",
        }) {
      HttpResponse<String> response =
          guarded.postJson("/images/fetch", "{\"url\": \"" + url + "\"}");
      assertThat(response.statusCode()).as(url).isEqualTo(400);
      assertThat(response.body()).isEqualTo("{\"detail\":\"Invalid url\"}");
    }
    assertThat(origin.getRequestCount()).isEqualTo(before);
  }

  @Test
  void proxyStoresSuccessesAndReportsFailures() {
    int before = origin.getRequestCount();
    String photo = url("/photo2.jpg");
    String json =
        "{\"urls\": [\""
            + photo
            + "\", \""
            + photo
            + "\", \""
            + url("/page.html")
            + "\", \"ftp://nope/x.jpg\", \""
            + url("/missing.jpg")
            + "\"]}";
    HttpResponse<String> response = server.postJson("/images/batch/proxy", json);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    JsonNode body = Json.read(response.body());
    assertThat(body.get("urls").size()).isEqualTo(1);
    String ours = body.get("urls").get(photo).asString();
    assertThat(ours).startsWith(server.base() + "/images/batch/");
    HttpResponse<byte[]> served =
        server.sendForBytes(server.request(ours.substring(server.base().length())).build());
    assertThat(served.statusCode()).isEqualTo(200);
    assertThat(TestImages.decode(served.body()).getWidth()).isEqualTo(800);
    assertThat(body.get("errors").size()).isEqualTo(3);
    assertThat(body.get("errors").get("ftp://nope/x.jpg").asString()).isEqualTo("Invalid url");
    // The duplicate was fetched once: photo2 once, page once, missing up to twice (retried? no:
    // 404).
    assertThat(origin.getRequestCount() - before).isEqualTo(3);
  }

  @Test
  void proxyLimitsAndEmptyLists() {
    assertThat(server.postJson("/images/batch/proxy", "{\"urls\": []}").body())
        .isEqualTo("{\"urls\":{},\"errors\":{}}");
    StringBuilder many = new StringBuilder("{\"urls\": [");
    for (int i = 0; i < 101; i++) {
      many.append(i == 0 ? "" : ",").append("\"http://example.com/").append(i).append(".jpg\"");
    }
    many.append("]}");
    HttpResponse<String> tooMany = server.postJson("/images/batch/proxy", many.toString());
    assertThat(tooMany.statusCode()).isEqualTo(422);
    assertThat(tooMany.body()).contains("\"type\":\"too_long\"");
    assertThat(server.postJson("/images/..bad/proxy", "{\"urls\": []}").statusCode())
        .isEqualTo(400);
    assertThat(
            server
                .postJson("/images/batch/proxy", "{\"urls\": [], \"pool\": \"nope\"}")
                .statusCode())
        .isEqualTo(400);
    assertThat(server.postJson("/images/batch/proxy", "{\"urls\": \"x\"}").statusCode())
        .isEqualTo(422);
  }

  /**
   * PROXY_CONCURRENCY (default 5): the origin holds every request it gets, so the fetches of a
   * batch of twelve pile up there. Five arrive, and while those five are held no sixth starts; once
   * they are let go the rest follow, never more than five at a time.
   */
  @Test
  void proxyFetchesAtMostFiveAtATime() throws Exception {
    CountDownLatch gate = new CountDownLatch(1);
    fanGate = gate;
    fanPeak.set(0);
    List<String> urls = IntStream.range(0, 12).mapToObj(i -> url("/fan/" + i + ".jpg")).toList();
    String json =
        urls.stream()
            .map(u -> "\"" + u + "\"")
            .collect(Collectors.joining(", ", "{\"urls\": [", "]}"));
    CompletableFuture<HttpResponse<String>> batch;
    try (ExecutorService caller = Executors.newVirtualThreadPerTaskExecutor()) {
      batch =
          CompletableFuture.supplyAsync(() -> server.postJson("/images/fan/proxy", json), caller);
      try {
        await("five fetches at the origin")
            .atMost(Duration.ofSeconds(30))
            .until(() -> fanInFlight.get() >= 5);
        // A sixth fetch would arrive within milliseconds; nothing may for half a second.
        await("no sixth fetch while five are held")
            .during(Duration.ofMillis(500))
            .atMost(Duration.ofSeconds(5))
            .until(() -> fanInFlight.get() == 5);
      } finally {
        gate.countDown();
      }
      HttpResponse<String> response = batch.get(60, TimeUnit.SECONDS);
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      JsonNode body = Json.read(response.body());
      assertThat(body.get("urls").size()).isEqualTo(12);
      assertThat(body.get("errors").size()).isZero();
    }
    assertThat(fanPeak.get()).as("most fetches at the origin at once").isEqualTo(5);
  }
}
