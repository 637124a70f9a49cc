package com.imageserving.fetch;

import static org.assertj.core.api.Assertions.assertThat;

import com.imageserving.support.TestServer;
import java.net.InetAddress;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.util.Map;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A URL without a host as the client wrote it ({@code http:///no-host}) is refused over HTTP before
 * anything leaves the service: the configured proxy counts the requests it receives. The address
 * rules are lifted here, so the URL syntax check alone must refuse them.
 */
class UrlWithoutHostTest {
  static final JsonMapper JSON = JsonMapper.builder().build();
  static final MockWebServer proxy = new MockWebServer();
  static TestServer server;

  @BeforeAll
  static void start() throws Exception {
    proxy.start(InetAddress.getByName("127.0.0.1"), 0);
    server =
        TestServer.start(
            Map.of(
                "FETCH_ALLOW_PRIVATE_NETWORKS", "true",
                "FETCH_MAX_RETRIES", "1",
                "PROXIES", "{\"p\": [\"http://127.0.0.1:" + proxy.getPort() + "\"]}"));
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
    proxy.close();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "http:///no-host",
        "https:///x",
        "http:////no-host/a.png",
        "http:no-host/a.png",
        "http:\\\\no-host/a.png",
        "http://:80/a.png"
      })
  void isRefusedWithoutARequest(String url) {
    int before = proxy.getRequestCount();
    HttpResponse<String> fetch = post("/images/fetch", "{\"url\": " + quote(url) + "}");
    assertThat(fetch.statusCode()).isEqualTo(400);
    assertThat(fetch.body()).isEqualTo("{\"detail\":\"Invalid url\"}");

    HttpResponse<String> batch = post("/images/ns/proxy", "{\"urls\": [" + quote(url) + "]}");
    assertThat(batch.statusCode()).isEqualTo(200);
    JsonNode body = JSON.readTree(batch.body());
    assertThat(body.get("urls").size()).isZero();
    assertThat(body.get("errors").get(url).asString()).isEqualTo("Invalid url");
    assertThat(proxy.getRequestCount()).as("requests the proxy received").isEqualTo(before);
  }

  /** The control: the same proxy does receive a request for a URL with a host. */
  @Test
  void aUrlWithAHostGoesThroughTheProxy() {
    proxy.enqueue(new MockResponse.Builder().code(404).body("").build());
    int before = proxy.getRequestCount();
    HttpResponse<String> fetch = post("/images/fetch", "{\"url\": \"http://no-host/a.png\"}");
    assertThat(fetch.statusCode()).isEqualTo(502);
    assertThat(proxy.getRequestCount()).isEqualTo(before + 1);
  }

  private static HttpResponse<String> post(String path, String json) {
    return server.send(
        server
            .request(path)
            .header("Content-Type", "application/json")
            .POST(BodyPublishers.ofString(json))
            .build());
  }

  private static String quote(String text) {
    return JSON.writeValueAsString(text);
  }
}
