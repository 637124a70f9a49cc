package com.imageserving.storage;

import static org.assertj.core.api.Assertions.assertThat;

import com.imageserving.support.TestImages;
import com.imageserving.support.TestServer;
import java.io.IOException;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Symbolic links placed inside UPLOADS_PATH, to a file or to a folder elsewhere, are never
 * followed: nothing outside the service's own tree is served, deleted or written.
 */
class SymbolicLinkTest {
  static final byte[] OUTSIDE_IMAGE = TestImages.jpeg(40, 30);
  TestServer server;
  Path outside;
  Path images;

  @BeforeEach
  void start() throws IOException {
    server = TestServer.start();
    outside = Files.createTempDirectory("outside-");
    Files.write(outside.resolve("abc.jpg"), OUTSIDE_IMAGE);
    Files.write(outside.resolve("def.png"), OUTSIDE_IMAGE);
    images = Files.createDirectories(server.uploads().resolve("images"));
  }

  @AfterEach
  void stop() throws IOException {
    server.close();
    try (Stream<Path> files = Files.list(outside)) {
      for (Path file : files.toList()) {
        Files.delete(file);
      }
    }
    Files.delete(outside);
  }

  @Test
  void aLinkedImageFileIsNeitherServedNorDeleted() throws IOException {
    Path ns = Files.createDirectories(images.resolve("ns"));
    Files.createSymbolicLink(ns.resolve("abc.jpg"), outside.resolve("abc.jpg"));
    Files.createSymbolicLink(ns.resolve("passwd.jpg"), Path.of("/etc/passwd"));

    assertThat(server.get("/images/ns/abc").statusCode()).isEqualTo(404);
    assertThat(server.get("/images/ns/passwd").statusCode()).isEqualTo(404);
    HttpResponse<String> head =
        server.send(
            server.request("/images/ns/abc").method("HEAD", BodyPublishers.noBody()).build());
    assertThat(head.statusCode()).isEqualTo(404);
    assertThat(delete("/images/ns/abc").statusCode()).isEqualTo(404);
    assertThat(delete("/images/ns").body()).isEqualTo("{\"deleted_count\":0}");
    assertThat(Files.readAllBytes(outside.resolve("abc.jpg"))).isEqualTo(OUTSIDE_IMAGE);
    assertThat(Files.exists(Path.of("/etc/passwd"))).isTrue();

    // The control: a real image beside the links is served as usual.
    HttpResponse<String> upload = upload("ns");
    assertThat(upload.statusCode()).isEqualTo(200);
    assertThat(server.get("/images/ns/" + lastId).statusCode()).isEqualTo(200);
  }

  @Test
  void aLinkedNamespaceFolderIsNeitherServedNorDeletedNorWritten() throws IOException {
    Files.createSymbolicLink(images.resolve("linked"), outside);

    assertThat(server.get("/images/linked/abc").statusCode()).isEqualTo(404);
    assertThat(server.get("/images/linked/def").statusCode()).isEqualTo(404);
    assertThat(delete("/images/linked/abc").statusCode()).isEqualTo(404);
    assertThat(delete("/images/linked").body()).isEqualTo("{\"deleted_count\":0}");

    HttpResponse<String> upload = upload("linked");
    assertThat(upload.statusCode()).isEqualTo(500);
    assertThat(upload.body()).isEqualTo("{\"detail\":\"Failed to save image\"}");

    try (Stream<Path> files = Files.list(outside)) {
      assertThat(files.map(f -> f.getFileName().toString()).sorted().toList())
          .isEqualTo(List.of("abc.jpg", "def.png"));
    }
    assertThat(Files.readAllBytes(outside.resolve("abc.jpg"))).isEqualTo(OUTSIDE_IMAGE);
    assertThat(Files.isSymbolicLink(images.resolve("linked"))).isTrue();
  }

  @Test
  void aLinkPlantedAsAKeptVariantIsNeverServed() throws IOException {
    assertThat(upload("ns").statusCode()).isEqualTo(200);
    String variant = "/images/ns/" + lastId + "?w=8&f=jpg";
    HttpResponse<byte[]> first = server.sendForBytes(server.request(variant).build());
    assertThat(first.statusCode()).isEqualTo(200);
    Path kept;
    try (Stream<Path> files = Files.list(server.uploads().resolve("variants/ns/" + lastId))) {
      kept = files.filter(f -> f.toString().endsWith(".jpg")).findFirst().orElseThrow();
    }
    Files.delete(kept);
    Files.createSymbolicLink(kept, outside.resolve("abc.jpg"));

    HttpResponse<byte[]> again = server.sendForBytes(server.request(variant).build());
    assertThat(again.statusCode()).isEqualTo(200);
    assertThat(again.body()).isNotEqualTo(OUTSIDE_IMAGE).isEqualTo(first.body());
    assertThat(Files.readAllBytes(outside.resolve("abc.jpg"))).isEqualTo(OUTSIDE_IMAGE);
  }

  private String lastId = "";

  private HttpResponse<String> upload(String namespace) {
    HttpResponse<String> response =
        server.send(
            server
                .request("/images/" + namespace)
                .header("Content-Type", "image/png")
                .POST(BodyPublishers.ofByteArray(TestImages.png(20, 10)))
                .build());
    if (response.statusCode() == 200) {
      lastId = response.body().replaceAll(".*\"image_id\":\"([^\"]+)\".*", "$1");
    }
    return response;
  }

  private HttpResponse<String> delete(String path) {
    return server.send(server.request(path).DELETE().build());
  }
}
