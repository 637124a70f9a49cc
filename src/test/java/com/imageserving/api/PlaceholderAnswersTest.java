package com.imageserving.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.imageserving.support.Json;
import com.imageserving.support.TestServer;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Every upload answer carries {@code blurhash} and {@code dominant_color}: JSON, multipart and raw
 * uploads; computed from the processed pixels (a flat colour is exactly that colour, though the
 * stored JPEG is not).
 */
class PlaceholderAnswersTest {
  private static TestServer server;
  private static byte[] flat;

  @BeforeAll
  static void start() throws Exception {
    server = TestServer.start();
    BufferedImage image = new BufferedImage(120, 80, BufferedImage.TYPE_INT_RGB);
    var g = image.createGraphics();
    g.setColor(new Color(0x33, 0x66, 0xcc));
    g.fillRect(0, 0, 120, 80);
    g.dispose();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(image, "png", out);
    flat = out.toByteArray();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static void assertPlaceholder(JsonNode answer) {
    assertThat(answer.get("blurhash").asString()).hasSize(28);
    assertThat(answer.get("dominant_color").asString()).isEqualTo("#3366cc");
  }

  @Test
  void everyUploadKindAnswersWithPlaceholders() {
    List<JsonNode> answers = new ArrayList<>();
    answers.add(server.uploaded("ph", flat));
    answers.add(
        Json.read(
            server
                .send(
                    server
                        .request("/images/ph")
                        .header("Content-Type", "image/png")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(flat))
                        .build())
                .body()));
    String boundary = "b0undary";
    ByteArrayOutputStream multipart = new ByteArrayOutputStream();
    multipart.writeBytes(
        ("--"
                + boundary
                + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.png\"\r\n"
                + "Content-Type: image/png\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
    multipart.writeBytes(flat);
    multipart.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
    answers.add(
        Json.read(
            server
                .send(
                    server
                        .request("/images/ph")
                        .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                        .POST(HttpRequest.BodyPublishers.ofByteArray(multipart.toByteArray()))
                        .build())
                .body()));
    for (JsonNode answer : answers) {
      assertThat(answer.propertyNames())
          .containsExactlyInAnyOrder(
              "image_id",
              "url",
              "width",
              "height",
              "mime_type",
              "size",
              "blurhash",
              "dominant_color");
      assertPlaceholder(answer);
    }
    // The same pixels, the same hash.
    assertThat(answers)
        .extracting(a -> a.get("blurhash").asString())
        .containsOnly(answers.getFirst().get("blurhash").asString());
  }

  /**
   * Fetch answers the image itself and proxy a map of URLs, as the original did: their shapes stay
   * exactly the original's (the stored images' placeholders are one /info away).
   */
  @Test
  void fetchAndProxyKeepTheOriginalsShapes() {
    JsonNode upload = server.uploaded("ph2", flat);
    String own = upload.get("url").asString();
    JsonNode fetched =
        Json.read(server.postJson("/images/fetch", "{\"url\": \"" + own + "\"}").body());
    assertThat(fetched.propertyNames()).containsExactly("data", "mime_type");

    HttpResponse<String> proxied =
        server.postJson("/images/ph3/proxy", "{\"urls\": [\"" + own + "\", \"ftp://x/y\"]}");
    assertThat(proxied.statusCode()).isEqualTo(200);
    JsonNode batch = Json.read(proxied.body());
    assertThat(batch.propertyNames()).containsExactly("urls", "errors");
  }
}
