package com.imageserving.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.imageserving.support.Json;
import com.imageserving.support.TestServer;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The console's files over HTTP: where they are, their types, the security headers on every answer
 * (errors too), public even when API keys are required; and the files themselves hold nothing the
 * Content-Security-Policy would refuse (inline scripts, styles, event handlers).
 */
class ConsoleFilesTest {
  private static final Path FILES = Path.of("src", "main", "resources", "console");
  private static final String POLICY =
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:;"
          + " connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

  private static TestServer server;

  @BeforeAll
  static void start() {
    server = TestServer.start(Map.of("API_KEYS", "console-test-key"));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static void assertSecurityHeaders(HttpResponse<?> response) {
    assertThat(response.headers().firstValue("Content-Security-Policy")).hasValue(POLICY);
    assertThat(response.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
    assertThat(response.headers().firstValue("Referrer-Policy")).hasValue("no-referrer");
    assertThat(response.headers().firstValue("X-Frame-Options")).hasValue("DENY");
  }

  @Test
  void consoleRedirectsToItsFolder() {
    HttpResponse<String> response = server.get("/console");
    assertThat(response.statusCode()).isEqualTo(302);
    assertThat(response.headers().firstValue("Location")).hasValue("/console/");
    assertSecurityHeaders(response);
  }

  @Test
  void indexIsHtmlWithTheSecurityHeadersAndNeedsNoKey() {
    HttpResponse<String> response = server.get("/console/");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("text/html;charset=UTF-8");
    assertThat(response.body()).contains("<script type=\"module\" src=\"app.js\"></script>");
    assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-cache");
    assertSecurityHeaders(response);

    HttpResponse<String> head =
        server.send(
            server
                .request("/console/")
                .method("HEAD", HttpRequest.BodyPublishers.noBody())
                .build());
    assertThat(head.statusCode()).isEqualTo(200);
    assertSecurityHeaders(head);
  }

  @Test
  void everyFileIsServedWithItsTypeAndTheHeaders() throws IOException {
    for (Path file : files()) {
      String name = file.getFileName().toString();
      HttpResponse<String> response = server.get("/console/" + name);
      assertThat(response.statusCode()).as(name).isEqualTo(200);
      assertThat(response.body()).as(name).isEqualTo(Files.readString(file));
      String type = response.headers().firstValue("Content-Type").orElseThrow();
      if (name.endsWith(".js")) {
        // Module scripts are refused by the browser unless served as JavaScript (nosniff).
        assertThat(type).as(name).startsWith("text/javascript");
      } else if (name.endsWith(".css")) {
        assertThat(type).as(name).startsWith("text/css");
      } else {
        assertThat(type).as(name).startsWith("text/html");
      }
      assertSecurityHeaders(response);
    }
  }

  @Test
  void aMissingFileIsAJson404WithTheHeaders() {
    for (String path :
        List.of("/console/missing.js", "/console/../pom.xml", "/console/%2e%2e/pom.xml")) {
      HttpResponse<String> response = server.get(path);
      assertThat(response.statusCode()).as(path).isIn(400, 404);
      assertThat(Json.read(response.body()).get("detail").isString()).as(path).isTrue();
      assertThat(response.body()).as(path).doesNotContain("<project");
    }
    HttpResponse<String> missing = server.get("/console/missing.js");
    assertThat(missing.statusCode()).isEqualTo(404);
    assertSecurityHeaders(missing);
  }

  @Test
  void writesToTheConsoleStillNeedAKey() {
    HttpResponse<String> response = server.postJson("/console/", "{}");
    assertThat(response.statusCode()).isEqualTo(401);
    assertSecurityHeaders(response);
  }

  @Test
  void theHtmlHasNoInlineScriptStyleOrEventHandler() throws IOException {
    String html = Files.readString(FILES.resolve("index.html"));
    Matcher scripts = Pattern.compile("(?is)<script\\b([^>]*)>(.*?)</script\\s*>").matcher(html);
    int count = 0;
    while (scripts.find()) {
      count++;
      assertThat(scripts.group(1)).as("every script is a file").containsPattern("\\bsrc=\"");
      assertThat(scripts.group(2)).as("and has no inline body").isBlank();
    }
    assertThat(count).isEqualTo(1);
    assertThat(html).doesNotContainPattern("(?i)<style\\b");
    // Attributes only: on* handlers, style attributes and javascript: URLs.
    Matcher tags = Pattern.compile("(?s)<[a-zA-Z][^>]*>").matcher(html);
    List<String> offending = new ArrayList<>();
    while (tags.find()) {
      String tag = tags.group();
      if (tag.matches("(?is).*\\s(on[a-z]+|style)\\s*=.*") || tag.contains("javascript:")) {
        offending.add(tag);
      }
    }
    assertThat(offending).isEmpty();
    // Only the console's own files are referenced: no CDN, no external font.
    assertThat(html).doesNotContainPattern("(?i)(src|href)=\"(https?:)?//");
  }

  @Test
  void theScriptsNeverBuildHtmlFromStringsNorEvaluateCode() throws IOException {
    for (Path file : files()) {
      if (!file.toString().endsWith(".js")) {
        continue;
      }
      String code = Files.readString(file);
      // Stored names and server messages reach the page through textContent only.
      assertThat(code)
          .as(file.toString())
          .doesNotContain("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write")
          .doesNotContainPattern("\\beval\\(|new Function\\(")
          .doesNotContainPattern("(?i)https?://(?!blurha\\.sh)");
    }
  }

  private static List<Path> files() throws IOException {
    try (Stream<Path> stream = Files.list(FILES)) {
      return stream.sorted().toList();
    }
  }
}
