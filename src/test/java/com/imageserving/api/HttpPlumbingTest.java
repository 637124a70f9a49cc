package com.imageserving.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.imageserving.support.TestImages;
import com.imageserving.support.TestServer;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

@ExtendWith(OutputCaptureExtension.class)
class HttpPlumbingTest {
  static TestServer server;

  @BeforeAll
  static void start() {
    server =
        TestServer.start(Map.of("CORS_ORIGINS", "[\"https://app.example\"]", "DEBUG", "false"));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void healthAndReady() {
    HttpResponse<String> health = server.get("/health");
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(health.body()).isEqualTo("{\"status\":\"ok\"}");
    HttpResponse<String> ready = server.get("/ready");
    assertThat(ready.statusCode()).isEqualTo(200);
    assertThat(ready.body()).isEqualTo("{\"status\":\"ok\"}");
  }

  @Test
  void unknownRouteIsAJson404() {
    HttpResponse<String> response = server.get("/no/such/route");
    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
    assertThat(response.body()).isEqualTo("{\"detail\":\"Not Found\"}");
  }

  @Test
  void wrongMethodIsAJson405() {
    HttpResponse<String> response = server.send(server.request("/health").DELETE().build());
    assertThat(response.statusCode()).isEqualTo(405);
    assertThat(response.body()).isEqualTo("{\"detail\":\"Method Not Allowed\"}");
  }

  @Test
  void requestIdIsEchoedAndLogged(CapturedOutput output) {
    HttpResponse<String> response =
        server.send(server.request("/health").header("x-request-id", "abc-123").GET().build());
    assertThat(response.headers().firstValue("x-request-id")).hasValue("abc-123");
    // One JSON line per request, carrying the request id and the access-log fields.
    assertThat(output.getOut().lines().filter(l -> l.contains("\"request_id\":\"abc-123\"")))
        .anySatisfy(line ->
            assertThat(line)
                .startsWith("{")
                .contains("\"logger_name\":\"access\"")
                .contains("\"method\":\"GET\"", "\"path\":\"/health\"", "\"status\":200")
                .contains("\"duration_ms\":"));
  }

  @Test
  void requestIdIsGeneratedWhenMissingOrInsane() {
    HttpResponse<String> plain = server.get("/health");
    assertThat(plain.headers().firstValue("x-request-id").orElseThrow()).matches("[0-9a-f-]{36}");
    HttpResponse<String> insane =
        server.send(
            server.request("/health").header("x-request-id", "a b\tc" + "x".repeat(300)).build());
    assertThat(insane.headers().firstValue("x-request-id").orElseThrow()).matches("[0-9a-f-]{36}");
  }

  @Test
  void corsPreflightAllowsConfiguredOriginsWithCredentials() {
    HttpResponse<String> allowed =
        server.send(
            server
                .request("/images/ns")
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "https://app.example")
                .header("Access-Control-Request-Method", "DELETE")
                .header("Access-Control-Request-Headers", "authorization, content-type")
                .build());
    assertThat(allowed.statusCode()).isEqualTo(200);
    assertThat(allowed.headers().firstValue("access-control-allow-origin"))
        .hasValue("https://app.example");
    assertThat(allowed.headers().firstValue("access-control-allow-credentials")).hasValue("true");
    assertThat(allowed.headers().firstValue("access-control-allow-methods").orElseThrow())
        .contains("DELETE");

    HttpResponse<String> refused =
        server.send(
            server
                .request("/images/ns")
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "https://evil.example")
                .header("Access-Control-Request-Method", "DELETE")
                .build());
    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(refused.headers().firstValue("access-control-allow-origin")).isEmpty();
  }

  /** Request metrics are labelled by method, status and route template, never the raw path. */
  @Test
  void metricsCountRequestsByMethodStatusAndRouteButNotProbes() {
    String id = server.uploadedId("metered", TestImages.png(8, 8));
    server.get("/images/metered/" + id); // served by the fast path
    server.get("/images/metered/0123456789abcdef0123456789abcdef-AAAAAAAAAAA");
    server.postJson("/images/metered", "{}");
    server.get("/health");
    server.get("/ready");
    server.get("/no/such/route");
    server.get("/openapi.json");
    // A request is counted as its observation stops, which may be just after its answer left.
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertCounted(id));
  }

  private static void assertCounted(String id) {
    HttpResponse<String> metrics = server.get("/metrics");
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.headers().firstValue("content-type").orElseThrow()).startsWith("text/plain");
    assertThat(metrics.body()).contains("http_server_requests_seconds_bucket{");
    assertThat(requestCounts(metrics.body()))
        .extracting(
            labels -> labels.get("method") + " " + labels.get("status") + " " + labels.get("uri"))
        .contains(
            "POST 200 /images/{namespace}",
            "GET 200 /images/{namespace}/{image_id}",
            "GET 404 /images/{namespace}/{image_id}",
            "POST 422 /images/{namespace}",
            "GET 404 NOT_FOUND",
            "GET 200 /openapi.json")
        .allSatisfy(series ->
            assertThat(series)
                .doesNotContain("metered", id, "/no/such/route", "/health", "/ready", "/metrics"));
  }

  /** The labels of each http_server_requests_seconds_count series in Prometheus text. */
  private static List<Map<String, String>> requestCounts(String prometheus) {
    Pattern series = Pattern.compile("(?m)^http_server_requests_seconds_count\\{(.*)} \\S+$");
    Pattern label = Pattern.compile("(\\w+)=\"([^\"]*)\"");
    List<Map<String, String>> all = new ArrayList<>();
    Matcher line = series.matcher(prometheus);
    while (line.find()) {
      Map<String, String> labels = new HashMap<>();
      Matcher pair = label.matcher(line.group(1));
      while (pair.find()) {
        labels.put(pair.group(1), pair.group(2));
      }
      all.add(labels);
    }
    return all;
  }

  @Test
  void docsAndOpenApiAreServed() {
    HttpResponse<String> openapi = server.get("/openapi.json");
    assertThat(openapi.statusCode()).isEqualTo(200);
    assertThat(openapi.body()).contains("\"openapi\"").contains("/health");
    HttpResponse<String> docs = server.get("/docs");
    assertThat(docs.statusCode()).isIn(200, 302);
    HttpResponse<String> ui = server.get("/swagger-ui/index.html");
    assertThat(ui.statusCode()).isEqualTo(200);
    assertThat(ui.body()).containsIgnoringCase("swagger");
  }
}
