package com.imageserving.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.imageserving.support.Json;
import com.imageserving.support.TestImages;
import com.imageserving.support.TestServer;
import java.awt.image.BufferedImage;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * {@code POST /variants/sign}: signed URLs that are served, clear 4xx, a key when API_KEYS is set.
 */
class SignHttpTest {
  private static final String API_KEY = "sign-test-key-0123456789";
  private static TestServer server;

  @BeforeAll
  static void start() {
    server =
        TestServer.start(
            Map.of(
                "URL_SIGNING_KEY", "4f1a2b3c4d5e6f708192a3b4c5d6e7f8",
                "URL_SIGNING_SALT", "a1b2c3d4e5f60718",
                "API_KEYS", "[\"" + API_KEY + "\"]",
                "PRESETS", "{\"avatar\": \"rs:fill:96:96/g:sm\"}"));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static HttpResponse<String> sign(TestServer to, String json, boolean withKey) {
    HttpRequest.Builder request =
        to.request("/variants/sign")
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json));
    if (withKey) {
      request.header("X-API-Key", API_KEY);
    }
    return to.send(request.build());
  }

  private static String upload() {
    HttpResponse<String> response =
        server.send(
            server
                .request("/images/sign")
                .header("Content-Type", "application/json")
                .header("X-API-Key", API_KEY)
                .POST(HttpRequest.BodyPublishers.ofString(Json.upload(TestImages.jpeg(400, 300))))
                .build());
    assertThat(response.statusCode()).isEqualTo(200);
    return Json.read(response.body()).get("image_id").asString();
  }

  private static String body(String source, String options) {
    return "{\"source\": \"" + source + "\", \"options\": \"" + options + "\"}";
  }

  @Test
  void signedUrlsAreServed() {
    String id = upload();
    String own = server.base() + "/images/sign/" + id;
    for (String[] c :
        new String[][] {
          {"local:///sign/" + id, "rs:fill:96:96/g:sm", "96x96"},
          {own, "w:100/f:png", "100x75"},
          {"local:///sign/" + id, "pr:avatar", "96x96"},
          {own, "", "400x300"},
        }) {
      HttpResponse<String> response = sign(server, body(c[0], c[1]), true);
      assertThat(response.statusCode()).as(c[1]).isEqualTo(200);
      JsonNode answer = Json.read(response.body());
      assertThat(answer.propertyNames()).containsExactly("url");
      String url = answer.get("url").asString();
      assertThat(url).startsWith(server.base() + "/variants/");
      assertThat(url).contains("/plain/");
      HttpResponse<byte[]> variant =
          server.sendForBytes(server.request(url.substring(server.base().length())).build());
      assertThat(variant.statusCode()).as(url).isEqualTo(200);
      BufferedImage image = TestImages.decode(variant.body());
      assertThat(image.getWidth() + "x" + image.getHeight()).as(url).isEqualTo(c[2]);
      // The signature really is checked: a changed one is refused.
      String path = url.substring(server.base().length());
      String[] parts = path.split("/", 4);
      String forged = "/variants/" + "A".repeat(parts[2].length()) + "/" + parts[3];
      assertThat(server.get(forged).statusCode()).isEqualTo(403);
    }
  }

  @Test
  void badInputIsAClear4xx() {
    String id = upload();
    Map<String, String> cases =
        Map.of(
            body("local:///sign/" + id, "rs:fill:96:96/nope:1"), "",
            body("local:///sign/" + id, "w:abc"), "",
            body("local:///sign/" + id, "w:10/plainly"), "",
            body("https://example.com/a.jpg", "w:10"), "{\"detail\":\"Unsupported source\"}",
            body("local:///../x/" + id, "w:10"), "",
            body("file:///etc/passwd", "w:10"), "{\"detail\":\"Unsupported source\"}");
    cases.forEach((json, expected) -> {
      HttpResponse<String> response = sign(server, json, true);
      assertThat(response.statusCode()).as(json).isEqualTo(400);
      assertThat(response.body()).as(json).startsWith("{\"detail\":");
      if (!expected.isEmpty()) {
        assertThat(response.body()).as(json).isEqualTo(expected);
      }
    });
    for (String json :
        List.of(
            "",
            "{",
            "[]",
            "{\"source\": \"local:///sign/" + id + "\"}",
            "{\"options\": \"w:1\"}",
            "{\"source\": 1, \"options\": \"w:1\"}")) {
      HttpResponse<String> response = sign(server, json, true);
      assertThat(response.statusCode()).as(json).isBetween(400, 499);
      assertThat(response.body()).as(json).startsWith("{\"detail\":");
    }
  }

  @Test
  void needsAnApiKey() {
    String id = upload();
    HttpResponse<String> refused = sign(server, body("local:///sign/" + id, "w:10"), false);
    assertThat(refused.statusCode()).isEqualTo(401);
    assertThat(refused.body()).isEqualTo("{\"detail\":\"Not authenticated\"}");
  }

  @Test
  void withoutASigningKeyItIsNotFound() {
    try (TestServer plain = TestServer.start(Map.of())) {
      HttpResponse<String> response = sign(plain, body("local:///a/b", "w:10"), false);
      assertThat(response.statusCode()).isEqualTo(404);
      assertThat(response.body()).isEqualTo("{\"detail\":\"URL signing is not configured\"}");
    }
  }
}
