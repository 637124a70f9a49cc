package com.imageserving.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.imageserving.support.Json;
import com.imageserving.support.TestImages;
import com.imageserving.support.TestServer;
import java.net.http.HttpRequest;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Where returned URLs point: the request's own base, forwarded headers, or PUBLIC_BASE_URL. */
class BaseUrlTest {
  static String url(TestServer server, String... headers) {
    HttpRequest.Builder request =
        server
            .request("/images/u")
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(Json.upload(TestImages.png(4, 4))));
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    return Json.read(server.send(request.build()).body()).get("url").asString();
  }

  @Test
  void forwardedHeadersAreIgnoredUnlessTrusted() {
    try (TestServer server = TestServer.start()) {
      assertThat(url(server, "X-Forwarded-Proto", "https", "X-Forwarded-Host", "evil.example"))
          .startsWith(server.base() + "/images/u/");
    }
    try (TestServer server = TestServer.start(Map.of("FORWARDED_HEADERS", "true"))) {
      assertThat(url(server, "X-Forwarded-Proto", "https", "X-Forwarded-Host", "img.example"))
          .startsWith("https://img.example/images/u/");
      assertThat(url(server)).startsWith(server.base() + "/images/u/");
    }
  }

  @Test
  void publicBaseUrlWins() {
    try (TestServer server =
        TestServer.start(Map.of("PUBLIC_BASE_URL", "https://cdn.example/pics/"))) {
      assertThat(url(server, "X-Forwarded-Host", "other.example"))
          .startsWith("https://cdn.example/pics/images/u/");
    }
  }
}
