package com.imageserving.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.imageserving.support.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A client's mistakes get the contract's JSON answer whatever they ask for, are logged and counted
 * with the status actually sent, and never as a server error.
 */
@ExtendWith(OutputCaptureExtension.class)
class ClientMistakesTest {
  static final JsonMapper JSON = JsonMapper.builder().build();
  static TestServer server;

  @BeforeAll
  static void start() {
    server = TestServer.start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @ParameterizedTest
  @ValueSource(strings = {"application/xml", "text/html", "image/*", "text/plain", "*/*"})
  void errorsAreJsonWhateverTheAcceptHeader(String accept, CapturedOutput output) {
    assertJson(get("/images/ns/missing", accept), 404, "{\"detail\":\"Image not found\"}");
    assertJson(get("/images/..x/id", accept), 400, "{\"detail\":\"Invalid namespace\"}");
    assertJson(get("/nowhere", accept), 404, "{\"detail\":\"Not Found\"}");
    assertJson(
        server.send(
            server
                .request("/images/ns")
                .header("Accept", accept)
                .method("PATCH", BodyPublishers.noBody())
                .build()),
        405,
        "{\"detail\":\"Method Not Allowed\"}");
    HttpResponse<String> missingData =
        server.send(
            server
                .request("/images/ns")
                .header("Accept", accept)
                .header("Content-Type", "application/json")
                .POST(BodyPublishers.ofString("{}"))
                .build());
    assertThat(missingData.statusCode()).isEqualTo(422);
    assertThat(missingData.headers().firstValue("content-type")).hasValue("application/json");
    assertThat(get("/health", accept).body()).isEqualTo("{\"status\":\"ok\"}");
    assertThat(output.getOut()).doesNotContain(" ERROR ", "Exception");
  }

  @Test
  void theStatusLoggedAndCountedIsTheOneSent(CapturedOutput output) {
    HttpResponse<String> response = get("/images/counted/missing", "application/xml");
    assertThat(response.statusCode()).isEqualTo(404);
    String requestId = response.headers().firstValue("x-request-id").orElseThrow();
    String accessLine =
        output.getOut().lines().filter(l -> l.contains(requestId)).reduce("", (a, b) -> b);
    assertThat(accessLine).contains("GET /images/counted/missing 404");
    String metrics = server.get("/metrics").body();
    assertThat(metrics)
        .containsPattern(
            "http_server_requests_seconds_count\\{[^}]*method=\"GET\"[^}]*status=\"404\""
                + "[^}]*uri=\"/images/\\{namespace\\}/\\{image_id\\}\"");
    assertThat(metrics).doesNotContain("status=\"500\"").doesNotContain("status=\"406\"");
  }

  @Test
  void aMalformedChunkIsAQuietClientError(CapturedOutput output) throws Exception {
    String answer =
        raw(
            "POST /images/chunks HTTP/1.1\r\nHost: x\r\nContent-Type: image/jpeg\r\n"
                + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\nZZZ\r\nabc\r\n0\r\n\r\n");
    assertThat(answer).startsWith("HTTP/1.1 400").contains("application/json");
    assertThat(answer).contains("{\"detail\":\"");
    assertThat(output.getOut()).doesNotContain(" ERROR ", "BadRequestException", "stack");
  }

  /** On a fresh server, so that the forged request is the first to build the document. */
  @ParameterizedTest
  @ValueSource(strings = {"false", "true"})
  void theDocumentsServerUrlIgnoresTheHostHeader(String forwarded) throws Exception {
    try (TestServer fresh = TestServer.start(Map.of("FORWARDED_HEADERS", forwarded))) {
      String answer =
          raw(
              fresh,
              "GET /openapi.json HTTP/1.1\r\nHost: evil.example\r\n"
                  + "X-Forwarded-Host: evil2.example\r\nX-Forwarded-Proto: https\r\n"
                  + "Connection: close\r\n\r\n");
      assertThat(answer).startsWith("HTTP/1.1 200").doesNotContain("evil");
      JsonNode doc = JSON.readTree(fresh.get("/openapi.json").body());
      assertThat(doc.get("servers").get(0).get("url").asString()).isEqualTo("/");
    }
  }

  @Test
  void theDocumentNamesThePathParameterImageId() {
    JsonNode doc = JSON.readTree(server.get("/openapi.json").body());
    assertThat(doc.get("paths").has("/images/{namespace}/{image_id}")).isTrue();
    assertThat(doc.get("paths").has("/images/{namespace}/{imageId}")).isFalse();
    assertThat(doc.get("paths").has("/error")).isFalse();
    JsonNode get = doc.get("paths").get("/images/{namespace}/{image_id}").get("get");
    List<String> pathParameters = new ArrayList<>();
    for (JsonNode parameter : get.get("parameters")) {
      if (parameter.get("in").asString().equals("path")) {
        pathParameters.add(parameter.get("name").asString());
      }
    }
    assertThat(pathParameters).containsExactly("namespace", "image_id");
  }

  @Test
  void publicBaseUrlIsTheDocumentsServer() {
    try (TestServer pub = TestServer.start(Map.of("PUBLIC_BASE_URL", "https://img.example.com"))) {
      HttpResponse<String> response =
          pub.send(pub.request("/openapi.json").header("X-Forwarded-Host", "evil").build());
      JsonNode doc = JSON.readTree(response.body());
      assertThat(doc.get("servers").get(0).get("url").asString())
          .isEqualTo("https://img.example.com");
    }
  }

  private static HttpResponse<String> get(String path, String accept) {
    HttpRequest request = server.request(path).header("Accept", accept).GET().build();
    return server.send(request);
  }

  private static void assertJson(HttpResponse<String> response, int status, String body) {
    assertThat(response.statusCode()).as(response.uri().toString()).isEqualTo(status);
    assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
    assertThat(response.headers().allValues("accept")).isEmpty();
    assertThat(response.body()).isEqualTo(body);
  }

  private static String raw(String request) throws Exception {
    return raw(server, request);
  }

  private static String raw(TestServer target, String request) throws Exception {
    try (Socket socket = new Socket("127.0.0.1", target.port())) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(request.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream response = new ByteArrayOutputStream();
      in.transferTo(response);
      return response.toString(StandardCharsets.ISO_8859_1);
    }
  }
}
