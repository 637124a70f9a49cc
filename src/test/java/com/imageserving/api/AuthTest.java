package com.imageserving.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.imageserving.support.Json;
import com.imageserving.support.TestImages;
import com.imageserving.support.TestServer;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * API keys over real sockets: every write endpoint refuses a missing or wrong key with 401 and
 * accepts a right one in either header; reads, probes and docs stay public; /metrics takes its own
 * key; and no key ever reaches the logs.
 */
@ExtendWith(OutputCaptureExtension.class)
class AuthTest {
  private static final String KEY = "k3y-Write-0123456789abcdef";
  private static final String OTHER_KEY = "second-key-fedcba9876543210";
  private static final String METRICS_KEY = "m3trics-Key-0123456789abcdef";
  private static final String WRONG = "k3y-Write-0123456789abcdeX";
  private static TestServer server;
  private static String imageBody;

  @BeforeAll
  static void start() {
    server =
        TestServer.start(
            Map.of(
                "API_KEYS",
                "[\"" + KEY + "\", \"" + OTHER_KEY + "\"]",
                "METRICS_API_KEY",
                METRICS_KEY,
                "LOG_LEVEL",
                "debug"));
    imageBody = Json.upload(TestImages.jpeg(40, 30));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  /** The credentials a client may send, or not. */
  private enum Credential {
    NONE(b -> b),
    WRONG_BEARER(b -> b.header("Authorization", "Bearer " + WRONG)),
    WRONG_HEADER(b -> b.header("X-API-Key", WRONG)),
    BEARER(b -> b.header("Authorization", "Bearer " + KEY)),
    HEADER(b -> b.header("X-API-Key", OTHER_KEY));

    final UnaryOperator<HttpRequest.Builder> apply;

    Credential(UnaryOperator<HttpRequest.Builder> apply) {
      this.apply = apply;
    }

    boolean valid() {
      return this == BEARER || this == HEADER;
    }
  }

  private HttpResponse<String> upload(Credential credential) {
    return server.send(
        credential
            .apply
            .apply(server.request("/images/auth").header("Content-Type", "application/json"))
            .POST(HttpRequest.BodyPublishers.ofString(imageBody))
            .build());
  }

  private HttpResponse<String> send(
      Credential credential, String method, String path, String json) {
    HttpRequest.Builder builder =
        server
            .request(path)
            .header("Content-Type", "application/json")
            .method(
                method,
                json == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(json));
    return server.send(credential.apply.apply(builder).build());
  }

  private static void assertRefused(HttpResponse<String> response) {
    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.body()).isEqualTo("{\"detail\":\"Not authenticated\"}");
    assertThat(response.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
    assertThat(response.headers().firstValue("x-request-id")).isPresent();
  }

  private String storedImageId() {
    HttpResponse<String> uploaded = upload(Credential.BEARER);
    assertThat(uploaded.statusCode()).isEqualTo(200);
    return Json.read(uploaded.body()).get("image_id").asString();
  }

  @Test
  void uploadNeedsAKey() {
    for (Credential credential : Credential.values()) {
      HttpResponse<String> response = upload(credential);
      if (credential.valid()) {
        assertThat(response.statusCode()).as(credential.name()).isEqualTo(200);
      } else {
        assertRefused(response);
      }
    }
  }

  @Test
  void deleteOneNeedsAKey() {
    String id = storedImageId();
    for (Credential credential : Credential.values()) {
      if (credential.valid()) {
        continue;
      }
      assertRefused(send(credential, "DELETE", "/images/auth/" + id, null));
      assertThat(server.get("/images/auth/" + id).statusCode()).isEqualTo(200);
    }
    assertThat(send(Credential.HEADER, "DELETE", "/images/auth/" + id, null).statusCode())
        .isEqualTo(200);
    String another = storedImageId();
    assertThat(send(Credential.BEARER, "DELETE", "/images/auth/" + another, null).statusCode())
        .isEqualTo(200);
  }

  @Test
  void deleteNamespaceNeedsAKey() {
    HttpResponse<String> uploaded = send(Credential.BEARER, "POST", "/images/auth-ns", imageBody);
    assertThat(uploaded.statusCode()).isEqualTo(200);
    String image = "/images/auth-ns/" + Json.read(uploaded.body()).get("image_id").asString();
    for (Credential credential : Credential.values()) {
      if (!credential.valid()) {
        assertRefused(send(credential, "DELETE", "/images/auth-ns", null));
        assertThat(server.get(image).statusCode()).as("kept after " + credential).isEqualTo(200);
      }
    }
    HttpResponse<String> deleted = send(Credential.BEARER, "DELETE", "/images/auth-ns", null);
    assertThat(deleted.body()).isEqualTo("{\"deleted_count\":1}");
    assertThat(server.get(image).statusCode()).isEqualTo(404);
    HttpResponse<String> again = send(Credential.HEADER, "DELETE", "/images/auth-ns", null);
    assertThat(again.body()).isEqualTo("{\"deleted_count\":0}");
  }

  @Test
  void fetchAndProxyNeedAKey() {
    // A refused URL gets past authentication to the URL guard: 400, not 401.
    String fetch = "{\"url\": \"http://127.0.0.1:1/x.jpg\"}";
    String proxy = "{\"urls\": []}";
    for (Credential credential : Credential.values()) {
      HttpResponse<String> fetched = send(credential, "POST", "/images/fetch", fetch);
      HttpResponse<String> proxied = send(credential, "POST", "/images/auth/proxy", proxy);
      if (credential.valid()) {
        assertThat(fetched.statusCode()).as(credential.name()).isEqualTo(400);
        assertThat(fetched.body()).isEqualTo("{\"detail\":\"Invalid url\"}");
        assertThat(proxied.statusCode()).as(credential.name()).isEqualTo(200);
      } else {
        assertRefused(fetched);
        assertRefused(proxied);
      }
    }
  }

  @Test
  void otherMethodsAndPathSpellingsNeedAKeyToo() {
    for (String path :
        List.of("/images/a/", "/images/%61uth", "/images/x/../auth", "/images/auth;p=1", "/nope")) {
      assertRefused(send(Credential.NONE, "POST", path, "{}"));
    }
    assertRefused(send(Credential.NONE, "PUT", "/images/auth", "{}"));
    assertRefused(send(Credential.WRONG_BEARER, "PATCH", "/images/auth", "{}"));
    assertRefused(send(Credential.NONE, "DELETE", "/images/auth/", null));
  }

  @Test
  void listingsNeedAKey() {
    String id = storedImageId();
    for (String path :
        List.of(
            "/images",
            "/images/",
            "/images?limit=5",
            "/images/auth",
            "/images/auth/",
            "/images/%61uth",
            "/images/auth;p=1",
            "/images/x/../auth",
            "//images/auth")) {
      for (Credential credential : Credential.values()) {
        HttpResponse<String> response = send(credential, "GET", path, null);
        if (credential.valid()) {
          assertThat(response.statusCode()).as(path + " " + credential).isNotEqualTo(401);
        } else {
          assertRefused(response);
        }
      }
      assertThat(send(Credential.NONE, "HEAD", path, null).statusCode()).isEqualTo(401);
    }
    HttpResponse<String> listed = send(Credential.BEARER, "GET", "/images/auth", null);
    assertThat(listed.statusCode()).isEqualTo(200);
    assertThat(listed.body()).contains(id);
    assertThat(send(Credential.HEADER, "GET", "/images", null).body()).contains("\"auth\"");
    // Serving an image stays public.
    assertThat(send(Credential.NONE, "GET", "/images/auth/" + id, null).statusCode())
        .isEqualTo(200);
  }

  @Test
  void malformedAuthorizationIsRefused() {
    for (String value : List.of("Bearer", "Bearer ", "Basic " + KEY, KEY, "bearer" + KEY)) {
      HttpResponse<String> response =
          server.send(
              server
                  .request("/images/auth")
                  .header("Authorization", value)
                  .POST(HttpRequest.BodyPublishers.ofString(imageBody))
                  .header("Content-Type", "application/json")
                  .build());
      assertRefused(response);
    }
    assertRefused(
        server.send(
            server
                .request("/images/auth")
                .header("X-API-Key", "")
                .POST(HttpRequest.BodyPublishers.ofString(imageBody))
                .build()));
  }

  @Test
  void readsProbesAndDocsArePublic() {
    String id = storedImageId();
    assertThat(server.get("/images/auth/" + id).statusCode()).isEqualTo(200);
    assertThat(
            server
                .send(server.request("/images/auth/" + id).method("HEAD", noBody()).build())
                .statusCode())
        .isEqualTo(200);
    assertThat(server.get("/images/auth/00000000000000000000000000000000-AAAAAAAAAAA").statusCode())
        .isEqualTo(404);
    assertThat(server.get("/health").statusCode()).isEqualTo(200);
    assertThat(server.get("/ready").statusCode()).isEqualTo(200);
    assertThat(server.get("/docs").statusCode()).isIn(200, 302);
    HttpResponse<String> openapi = server.get("/openapi.json");
    assertThat(openapi.statusCode()).isEqualTo(200);
    assertThat(openapi.body())
        .contains("\"securitySchemes\"", "\"bearer\"", "X-API-Key")
        .doesNotContain(KEY, OTHER_KEY, METRICS_KEY);
    // The write operations declare the requirement, the reads do not.
    var paths = Json.read(openapi.body()).get("paths");
    assertThat(paths.get("/images/{namespace}").get("post").has("security")).isTrue();
    assertThat(paths.get("/images/fetch").get("post").has("security")).isTrue();
    assertThat(paths.get("/images/{namespace}/{image_id}").get("get").has("security")).isFalse();
  }

  @Test
  void corsPreflightNeedsNoKey() {
    HttpResponse<String> preflight =
        server.send(
            server
                .request("/images/auth")
                .method("OPTIONS", noBody())
                .header("Origin", "https://app.example")
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "authorization, content-type")
                .build());
    assertThat(preflight.statusCode()).isEqualTo(200);
    assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin"))
        .hasValue("https://app.example");
    // The browser can read a 401 too.
    HttpResponse<String> refused =
        server.send(
            server
                .request("/images/auth")
                .header("Origin", "https://app.example")
                .POST(HttpRequest.BodyPublishers.ofString(imageBody))
                .build());
    assertRefused(refused);
    assertThat(refused.headers().firstValue("Access-Control-Allow-Origin"))
        .hasValue("https://app.example");
  }

  @Test
  void metricsTakeTheMetricsKeyOnly() {
    assertRefused(server.get("/metrics"));
    assertRefused(server.send(server.request("/metrics").header("X-API-Key", KEY).GET().build()));
    assertRefused(
        server.send(server.request("/metrics").header("Authorization", "Bearer " + WRONG).build()));
    HttpResponse<String> bearer =
        server.send(
            server.request("/metrics").header("Authorization", "Bearer " + METRICS_KEY).build());
    assertThat(bearer.statusCode()).isEqualTo(200);
    assertThat(bearer.body()).contains("# TYPE");
    assertThat(
            server
                .send(server.request("/metrics").header("X-API-Key", METRICS_KEY).build())
                .statusCode())
        .isEqualTo(200);
  }

  @Test
  void keysNeverReachTheLogs(CapturedOutput output) {
    upload(Credential.BEARER);
    upload(Credential.HEADER);
    upload(Credential.WRONG_BEARER);
    send(Credential.BEARER, "DELETE", "/images/auth-logs", null);
    server.send(
        server.request("/metrics").header("Authorization", "Bearer " + METRICS_KEY).build());
    server.send(server.request("/metrics").header("X-API-Key", WRONG).build());
    server.send(server.request("/images/auth?api_key=x").header("X-API-Key", KEY).build());
    String logs = output.getAll();
    assertThat(logs).contains("POST /images/auth 401", "POST /images/auth 200");
    assertThat(logs).doesNotContain(KEY, OTHER_KEY, METRICS_KEY, WRONG);
    assertThat(server.context().getBean(com.imageserving.config.ServerSettings.class).toString())
        .doesNotContain(KEY, OTHER_KEY, METRICS_KEY);
  }

  private static HttpRequest.BodyPublisher noBody() {
    return HttpRequest.BodyPublishers.noBody();
  }
}
