package com.imageserving.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.imageserving.support.Json;
import com.imageserving.support.TestServer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** /openapi.json documents listing, info and signing with their answers' snake_case schemas. */
class CatalogOpenApiTest {

  @Test
  void theThreeEndpointsAreDocumentedWithTheirSchemas() {
    try (TestServer server = TestServer.start()) {
      JsonNode api = Json.read(server.get("/openapi.json").body());
      JsonNode paths = api.get("paths");
      JsonNode schemas = api.get("components").get("schemas");

      assertThat(properties(schemas, ref(paths.get("/images").get("get"))))
          .containsExactlyInAnyOrder("namespaces", "next");
      JsonNode images = paths.get("/images/{namespace}").get("get");
      assertThat(properties(schemas, ref(images))).containsExactlyInAnyOrder("images", "next");
      assertThat(parameters(images)).contains("namespace", "limit", "after");
      assertThat(properties(schemas, "ListedImage"))
          .containsExactlyInAnyOrder("image_id", "url", "mime_type", "size", "last_modified");
      assertThat(images.has("security")).isTrue();
      assertThat(paths.get("/images").get("get").has("security")).isTrue();

      JsonNode info = paths.get("/images/{namespace}/{image_id}/info").get("get");
      assertThat(properties(schemas, ref(info)))
          .containsExactlyInAnyOrder(
              "image_id",
              "url",
              "width",
              "height",
              "mime_type",
              "size",
              "etag",
              "last_modified",
              "blurhash",
              "dominant_color");
      assertThat(info.has("security")).isFalse();

      JsonNode sign = paths.get("/variants/sign").get("post");
      assertThat(properties(schemas, ref(sign))).containsExactly("url");
      assertThat(sign.has("security")).isTrue();
      String request =
          sign.get("requestBody")
              .get("content")
              .get("application/json")
              .get("schema")
              .get("$ref")
              .asString();
      assertThat(properties(schemas, request.substring(request.lastIndexOf('/') + 1)))
          .containsExactlyInAnyOrder("source", "options");

      assertThat(properties(schemas, "UploadResponse")).contains("blurhash", "dominant_color");
    }
  }

  private static String ref(JsonNode operation) {
    JsonNode content = operation.get("responses").get("200").get("content");
    JsonNode media = content.properties().iterator().next().getValue();
    String ref = media.get("schema").get("$ref").asString();
    return ref.substring(ref.lastIndexOf('/') + 1);
  }

  private static List<String> properties(JsonNode schemas, String name) {
    List<String> names = new ArrayList<>();
    schemas.get(name).get("properties").propertyNames().forEach(names::add);
    return names;
  }

  private static List<String> parameters(JsonNode operation) {
    List<String> names = new ArrayList<>();
    operation.get("parameters").forEach(p -> names.add(p.get("name").asString()));
    return names;
  }
}
