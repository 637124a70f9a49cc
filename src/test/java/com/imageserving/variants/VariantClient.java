package com.imageserving.variants;

import static org.assertj.core.api.Assertions.assertThat;

import com.imageserving.support.TestImages;
import com.imageserving.support.TestServer;
import java.awt.image.BufferedImage;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** What the variant HTTP tests do over a real socket: upload, GET, read metrics, decode sizes. */
final class VariantClient {
  static final JsonMapper JSON = JsonMapper.builder().build();

  private final TestServer server;

  VariantClient(TestServer server) {
    this.server = server;
  }

  /** Uploads and returns the JSON answer (image_id, url, ...). */
  JsonNode upload(String namespace, byte[] image) {
    HttpResponse<String> response =
        server.send(
            server
                .request("/images/" + namespace)
                .header("Content-Type", "application/json")
                .POST(
                    BodyPublishers.ofString(
                        "{\"data\": \"" + Base64.getEncoder().encodeToString(image) + "\"}"))
                .build());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return JSON.readTree(response.body());
  }

  String uploadId(String namespace, byte[] image) {
    return upload(namespace, image).get("image_id").asString();
  }

  HttpResponse<byte[]> get(String path, String... headers) {
    return send("GET", path, headers);
  }

  HttpResponse<byte[]> send(String method, String path, String... headers) {
    HttpRequest.Builder request =
        server.request(path).method(method, HttpRequest.BodyPublishers.noBody());
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    return server.sendForBytes(request.build());
  }

  /** A 200 image answer, decoded: fails with the body when it is not one. */
  BufferedImage image(String path, String... headers) {
    HttpResponse<byte[]> response = get(path, headers);
    assertThat(response.statusCode())
        .as(path + " -> " + new String(response.body(), StandardCharsets.UTF_8))
        .isEqualTo(200);
    return TestImages.decode(response.body());
  }

  /** Width x height of a decoded answer, as "WxH". */
  String size(String path, String... headers) {
    BufferedImage image = image(path, headers);
    return image.getWidth() + "x" + image.getHeight();
  }

  /** An error answer: its status and detail. */
  String error(String path, String... headers) {
    HttpResponse<byte[]> response = get(path, headers);
    String body = new String(response.body(), StandardCharsets.UTF_8);
    assertThat(response.headers().firstValue("Content-Type")).as(body).hasValue("application/json");
    return response.statusCode() + " " + JSON.readTree(body).get("detail").asString();
  }

  /** The value of a Prometheus sample whose name and labels match, 0 when there is none. */
  double metric(String name, String label) {
    HttpResponse<String> metrics = server.get("/metrics");
    assertThat(metrics.statusCode()).isEqualTo(200);
    Matcher m =
        Pattern.compile(
                "^" + Pattern.quote(name) + "\\{[^}]*" + Pattern.quote(label) + "[^}]*\\} (\\S+)$",
                Pattern.MULTILINE)
            .matcher(metrics.body());
    double total = 0;
    while (m.find()) {
      total += Double.parseDouble(m.group(1));
    }
    return total;
  }

  double served(String outcome) {
    return metric("variants_served_total", "outcome=\"" + outcome + "\"");
  }

  double renders() {
    return metric("variants_render_seconds_count", "format=");
  }
}
