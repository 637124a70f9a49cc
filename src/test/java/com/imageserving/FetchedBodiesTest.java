package com.imageserving;

import static org.assertj.core.api.Assertions.assertThat;

import com.imageserving.imaging.InputBudget;
import com.imageserving.support.TestImages;
import com.imageserving.support.TestServer;
import java.net.InetAddress;
import java.net.Socket;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okio.Buffer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Fetched bodies go to native memory under the input budget that upload bodies share: with a
 * Content-Length they reserve that, without one MAX_FETCH_BYTES, and past MAX_FETCH_BYTES they are
 * cut off while streaming. The budget here is 200,000 bytes (twice one worker times a 100,000-byte
 * upload limit), MAX_FETCH_BYTES 150,000.
 */
class FetchedBodiesTest {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final byte[] PHOTO = TestImages.jpeg(120, 90);
  private static final MockWebServer origin = new MockWebServer();
  private static TestServer server;

  @BeforeAll
  static void start() throws Exception {
    origin.setDispatcher(
        new Dispatcher() {
          @Override
          public MockResponse dispatch(RecordedRequest request) {
            return switch (request.getUrl().encodedPath()) {
              case "/declared.jpg" ->
                  new MockResponse.Builder().body(new Buffer().write(PHOTO)).build();
              case "/chunked.jpg" ->
                  new MockResponse.Builder().chunkedBody(new Buffer().write(PHOTO), 1000).build();
              case "/endless.jpg" ->
                  new MockResponse.Builder()
                      .chunkedBody(new Buffer().write(new byte[400_000]), 8192)
                      .build();
              default -> new MockResponse.Builder().code(404).build();
            };
          }
        });
    origin.start(InetAddress.getByName("127.0.0.1"), 0);
    server =
        TestServer.start(
            Map.of(
                "FETCH_ALLOW_PRIVATE_NETWORKS", "true",
                "MAX_UPLOAD_BYTES", "100000",
                "MAX_FETCH_BYTES", "150000",
                "PROCESSING_CONCURRENCY", "1",
                "PROCESSING_QUEUE", "0"));
  }

  @AfterAll
  static void stop() {
    server.close();
    origin.close();
  }

  private static HttpResponse<String> post(String path, String json) {
    return server.send(
        server
            .request(path)
            .header("Content-Type", "application/json")
            .POST(BodyPublishers.ofString(json))
            .build());
  }

  private static HttpResponse<String> fetch(String path) {
    return post("/images/fetch", "{\"url\": \"http://127.0.0.1:" + origin.getPort() + path + "\"}");
  }

  private static InputBudget budget() {
    return server.context().getBean(InputBudget.class);
  }

  /**
   * Each test starts with the whole budget: a stalled body of another test is released only once
   * the server has seen its connection close, which may come after that test has ended.
   */
  @BeforeEach
  void budgetIsFree() throws InterruptedException {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (budget().reserved() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(budget().reserved()).isZero();
  }

  @Test
  void theAnswerIsTheJsonItWasWithItsLength() {
    String upload =
        "{\"data\": \"" + Base64.getEncoder().encodeToString(TestImages.png(30, 20)) + "\"}";
    String id = JSON.readTree(post("/images/own", upload).body()).get("image_id").asString();
    byte[] stored = server.sendForBytes(server.request("/images/own/" + id).build()).body();
    HttpResponse<String> own = post("/images/fetch", "{\"url\": \"/images/own/" + id + "\"}");
    assertThat(own.statusCode()).isEqualTo(200);
    assertThat(own.body())
        .isEqualTo(
            "{\"data\":\""
                + Base64.getEncoder().encodeToString(stored)
                + "\",\"mime_type\":\"image/jpeg\"}");
    assertThat(own.headers().firstValue("Content-Type")).hasValue("application/json");
    assertThat(own.headers().firstValueAsLong("Content-Length"))
        .hasValue(own.body().getBytes(StandardCharsets.US_ASCII).length);

    HttpResponse<String> fetched = fetch("/declared.jpg");
    assertThat(fetched.statusCode()).as(fetched.body()).isEqualTo(200);
    JsonNode body = JSON.readTree(fetched.body());
    assertThat(body.get("mime_type").asString()).isEqualTo("image/jpeg");
    assertThat(
            TestImages.decode(Base64.getDecoder().decode(body.get("data").asString())).getWidth())
        .isEqualTo(120);
  }

  @Test
  void fetchedBodiesReserveTheirLengthOrTheLimitInTheInputBudget() throws Exception {
    assertThat(fetch("/chunked.jpg").statusCode()).isEqualTo(200);
    try (Socket stalled = new Socket("127.0.0.1", server.port())) {
      stalled
          .getOutputStream()
          .write(
              ("POST /images/budget HTTP/1.1\r\nHost: x\r\nContent-Type: image/jpeg\r\n"
                      + "Content-Length: 100000\r\n\r\n0123456789")
                  .getBytes(StandardCharsets.US_ASCII));
      stalled.getOutputStream().flush();
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (budget().reserved() < 100_000 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertThat(budget().reserved()).isEqualTo(100_000);

      // Without a length a body may take up to MAX_FETCH_BYTES: that does not fit now.
      HttpResponse<String> refused = fetch("/chunked.jpg");
      assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
      assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
      assertThat(refused.body())
          .isEqualTo("{\"detail\":\"Image processing capacity exhausted, retry later\"}");
      HttpResponse<String> batch =
          post(
              "/images/budget/proxy",
              "{\"urls\": [\"http://127.0.0.1:" + origin.getPort() + "/chunked.jpg\"]}");
      assertThat(batch.statusCode()).isEqualTo(200);
      assertThat(JSON.readTree(batch.body()).get("errors").toString())
          .contains("Image processing capacity exhausted");
      // With a length it reserves that much, which fits.
      assertThat(fetch("/declared.jpg").statusCode()).isEqualTo(200);
    }
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (budget().reserved() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(budget().reserved()).isZero();
    assertThat(fetch("/chunked.jpg").statusCode()).isEqualTo(200);
  }

  @Test
  void aBodyPastMaxFetchBytesIsCutOffWhileStreamingAndFreed() {
    HttpResponse<String> tooLarge = fetch("/endless.jpg");
    assertThat(tooLarge.statusCode()).isEqualTo(502);
    assertThat(tooLarge.body()).isEqualTo("{\"detail\":\"Image exceeds the maximum fetch size\"}");
    assertThat(budget().reserved()).isZero();
  }
}
