package com.imageserving;

import static org.assertj.core.api.Assertions.assertThat;

import com.imageserving.support.Json;
import com.imageserving.support.TestImages;
import com.imageserving.support.TestServer;
import java.awt.image.BufferedImage;
import java.net.InetAddress;
import java.net.http.HttpResponse;
import java.util.Base64;
import java.util.Map;
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
 * one service below keeps it on).
 */
class FetchApiTest {
  static final MockWebServer origin = new MockWebServer();
  static TestServer server;
  static TestServer guarded;
  static final byte[] PHOTO = TestImages.jpeg(1600, 1200);

  @BeforeAll
  static void start() throws Exception {
    origin.setDispatcher(
        new Dispatcher() {
          @Override
          public MockResponse dispatch(RecordedRequest request) {
            String path = request.getUrl().encodedPath();
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
                "PROXIES", "{\"eu\": [\"http://127.0.0.1:1\"]}"));
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
    HttpResponse<String> notImage =
        server.postJson("/images/fetch", "{\"url\": \"" + url("/page.html") + "\"}");
    assertThat(notImage.statusCode()).isEqualTo(502);
    assertThat(notImage.body()).startsWith("{\"detail\":\"");
    HttpResponse<String> missing =
        server.postJson("/images/fetch", "{\"url\": \"" + url("/missing.jpg") + "\"}");
    assertThat(missing.statusCode()).isEqualTo(502);
    assertThat(missing.body()).isEqualTo("{\"detail\":\"Failed to fetch external image\"}");
    HttpResponse<String> huge =
        server.postJson("/images/fetch", "{\"url\": \"" + url("/huge.jpg") + "\"}");
    assertThat(huge.statusCode()).isEqualTo(502);
    HttpResponse<String> pool =
        server.postJson(
            "/images/fetch", "{\"url\": \"" + url("/photo.jpg") + "\", \"pool\": \"nope\"}");
    assertThat(pool.statusCode()).isEqualTo(400);
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
}
