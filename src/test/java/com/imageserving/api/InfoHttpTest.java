package com.imageserving.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.imageserving.support.Backend;
import com.imageserving.support.Json;
import com.imageserving.support.S3ProxyServer;
import com.imageserving.support.TestImages;
import com.imageserving.support.TestServer;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import tools.jackson.databind.JsonNode;

/**
 * {@code GET /images/{namespace}/{image_id}/info} over real sockets on both backends: its shape,
 * the sidecar kept beside the variants (computed once, deleted with the image, never a variant),
 * and clear 4xx answers.
 */
class InfoHttpTest {
  private static final List<String> KEYS =
      List.of(
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

  /** A server with at most one kept variant per image, and how to reach its sidecars. */
  private static final class Setup implements AutoCloseable {
    final TestServer server;
    final @Nullable String bucket;
    final @Nullable S3Client s3;

    Setup(Backend backend) {
      Map<String, String> env = new HashMap<>(backend.env());
      env.put("MAX_VARIANTS_PER_IMAGE", "1");
      server = TestServer.start(env);
      bucket = env.get("S3_BUCKET");
      s3 = backend == Backend.S3 ? S3ProxyServer.shared().client() : null;
    }

    @Nullable String sidecar(String ns, String id) throws Exception {
      if (s3 == null) {
        Path file =
            server.uploads().resolve("variants").resolve(ns).resolve(id).resolve("info.json");
        return Files.exists(file) ? Files.readString(file) : null;
      }
      try {
        return s3.getObjectAsBytes(
                b -> b.bucket(bucket).key("variants/" + ns + "/" + id + "/info.json"))
            .asUtf8String();
      } catch (NoSuchKeyException e) {
        return null;
      }
    }

    /** The names kept in the image's variants folder (or under its key prefix). */
    List<String> keptBesideInfo(String ns, String id) throws Exception {
      if (s3 == null) {
        try (var files = Files.list(server.uploads().resolve("variants").resolve(ns).resolve(id))) {
          return files
              .map(f -> f.getFileName().toString())
              .filter(n -> !n.startsWith("."))
              .toList();
        }
      }
      String prefix = "variants/" + ns + "/" + id + "/";
      return s3.listObjectsV2(b -> b.bucket(bucket).prefix(prefix)).contents().stream()
          .map(o -> o.key().substring(prefix.length()))
          .toList();
    }

    void writeSidecar(String ns, String id, String json) throws Exception {
      if (s3 == null) {
        Path file =
            server.uploads().resolve("variants").resolve(ns).resolve(id).resolve("info.json");
        Files.writeString(file, json);
      } else {
        s3.putObject(
            b -> b.bucket(bucket).key("variants/" + ns + "/" + id + "/info.json"),
            RequestBody.fromString(json));
      }
    }

    @Override
    public void close() {
      server.close();
      if (s3 != null) {
        s3.close();
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Backend.class)
  void infoIsComputedOnceKeptBesideTheVariantsAndDeletedWithTheImage(Backend backend)
      throws Exception {
    try (Setup setup = new Setup(backend)) {
      TestServer server = setup.server;
      JsonNode upload = server.uploaded("info", TestImages.jpeg(640, 480));
      String id = upload.get("image_id").asString();
      assertThat(setup.sidecar("info", id)).as("no sidecar at upload").isNull();

      HttpResponse<String> response = server.get("/images/info/" + id + "/info");
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.headers().firstValue("Content-Type").orElseThrow())
          .startsWith("application/json");
      JsonNode info = Json.read(response.body());
      assertThat(info.propertyNames()).containsExactlyInAnyOrderElementsOf(KEYS);
      assertThat(info.get("image_id").asString()).isEqualTo(id);
      assertThat(info.get("url").asString()).isEqualTo(upload.get("url").asString());
      assertThat(info.get("width").asInt()).isEqualTo(upload.get("width").asInt());
      assertThat(info.get("height").asInt()).isEqualTo(upload.get("height").asInt());
      assertThat(info.get("mime_type").asString()).isEqualTo("image/jpeg");
      assertThat(info.get("size").asLong()).isEqualTo(upload.get("size").asLong());
      HttpResponse<String> image = server.get("/images/info/" + id);
      assertThat(info.get("etag").asString())
          .isEqualTo(image.headers().firstValue("ETag").orElseThrow());
      assertThat(Instant.parse(info.get("last_modified").asString()))
          .isBetween(Instant.now().minusSeconds(120), Instant.now());
      assertThat(info.get("blurhash").asString()).hasSize(28);
      assertThat(info.get("dominant_color").asString()).matches("#[0-9a-f]{6}");

      // Kept, and read back from the sidecar from now on (a changed one is what is answered).
      String kept = setup.sidecar("info", id);
      assertThat(kept).isNotNull().contains(info.get("blurhash").asString());
      setup.writeSidecar(
          "info", id, kept.replace(info.get("dominant_color").asString(), "#123456"));
      JsonNode again = Json.read(server.get("/images/info/" + id + "/info").body());
      assertThat(again.get("dominant_color").asString()).isEqualTo("#123456");
      assertThat(again.get("blurhash").asString()).isEqualTo(info.get("blurhash").asString());
      // A sidecar that is not ours is computed and written again.
      setup.writeSidecar("info", id, "{not json");
      assertThat(
              Json.read(server.get("/images/info/" + id + "/info").body())
                  .get("dominant_color")
                  .asString())
          .isEqualTo(info.get("dominant_color").asString());
      assertThat(setup.sidecar("info", id)).contains(info.get("blurhash").asString());

      // Not a variant: with MAX_VARIANTS_PER_IMAGE=1 a variant is still kept beside it, and the
      // sidecar cannot be asked for as one.
      assertThat(setup.keptBesideInfo("info", id)).containsExactly("info.json");
      assertThat(server.get("/images/info/" + id + "?w=50").statusCode()).isEqualTo(200);
      assertThat(setup.keptBesideInfo("info", id)).hasSize(2).contains("info.json");
      for (String path :
          List.of(
              "/variants/_/info/plain/local:///info/" + id + "@json",
              "/variants/_/w:10/plain/local:///info/" + id + "@json",
              "/images/info/" + id + "/info.json",
              "/images/info/" + id + "/info/x")) {
        HttpResponse<String> refused = server.get(path);
        assertThat(refused.statusCode()).as(path).isBetween(400, 499);
        assertThat(refused.body()).as(path).doesNotContain("blurhash");
      }

      // Deleted with the image.
      HttpResponse<String> deleted =
          server.send(server.request("/images/info/" + id).DELETE().build());
      assertThat(deleted.statusCode()).isEqualTo(200);
      assertThat(setup.sidecar("info", id)).isNull();
      HttpResponse<String> gone = server.get("/images/info/" + id + "/info");
      assertThat(gone.statusCode()).isEqualTo(404);
      assertThat(gone.body()).isEqualTo("{\"detail\":\"Image not found\"}");

      // And with its namespace.
      String other = server.uploadedId("info2", TestImages.png(50, 40));
      JsonNode png = Json.read(server.get("/images/info2/" + other + "/info").body());
      assertThat(png.get("width").asInt()).isEqualTo(50);
      assertThat(setup.sidecar("info2", other)).isNotNull();
      assertThat(server.send(server.request("/images/info2").DELETE().build()).statusCode())
          .isEqualTo(200);
      assertThat(setup.sidecar("info2", other)).isNull();
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Backend.class)
  void badNamesAndMethodsAreClear4xx(Backend backend) throws Exception {
    try (Setup setup = new Setup(backend)) {
      TestServer server = setup.server;
      String id = server.uploadedId("bad", TestImages.jpeg(40, 30));
      HttpResponse<String> missing =
          server.get("/images/bad/00000000000000000000000000000000-AAAAAAAAAAA/info");
      assertThat(missing.statusCode()).isEqualTo(404);
      assertThat(missing.body()).isEqualTo("{\"detail\":\"Image not found\"}");
      assertThat(server.get("/images/nowhere/" + id + "/info").statusCode()).isEqualTo(404);
      for (String path :
          List.of(
              "/images/..%2Fbad/" + id + "/info",
              "/images/bad/a%2Fb/info",
              "/images/.x/" + id + "/info")) {
        HttpResponse<String> refused = server.get(path);
        assertThat(refused.statusCode()).as(path).isEqualTo(400);
        assertThat(refused.body()).as(path).startsWith("{\"detail\":");
      }
      for (String method : List.of("POST", "PUT", "DELETE")) {
        HttpResponse<String> refused =
            server.send(
                server
                    .request("/images/bad/" + id + "/info")
                    .method(
                        method, HttpRequest.BodyPublishers.ofString("{}", StandardCharsets.UTF_8))
                    .build());
        assertThat(refused.statusCode()).as(method).isEqualTo(405);
        assertThat(refused.body()).as(method).startsWith("{\"detail\":");
      }
      assertThat(server.get("/images/bad/" + id).statusCode()).isEqualTo(200);
    }
  }
}
