package com.imageserving.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.imageserving.support.RawHttp;
import com.imageserving.support.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Hostile names sent byte for byte: none may reach a file outside UPLOADS_PATH/images. A secret
 * file and an image sit where a traversal would land; no answer may carry either.
 */
class PathSafetyTest {
  static TestServer server;
  static final String SECRET = "TOP-SECRET-CONTENT";

  @BeforeAll
  static void start() throws Exception {
    server = TestServer.start();
    Path uploads = server.uploads();
    Files.writeString(uploads.resolve("secret.jpg"), SECRET);
    Files.createDirectories(uploads.resolve("images"));
    Files.writeString(uploads.resolve("images").resolve("secret.jpg"), SECRET);
    Files.writeString(uploads.getParent().resolve("outside-secret.jpg"), SECRET);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/images/../secret",
        "/images/ns/../secret",
        "/images/../../secret",
        "/images/%2e%2e/secret",
        "/images/%2E%2E/secret",
        "/images/.%2e/secret",
        "/images/ns/%2e%2e%2fsecret",
        "/images/ns%2f..%2f../secret",
        "/images/..%2fsecret/x",
        "/images/..%5csecret/x",
        "/images/..\\secret/x",
        "/images/ns/..\\..\\secret",
        "/images/..;/secret",
        "/images/ns;x=1/..;/secret",
        "/images/ns/secret;jsessionid=1",
        "/images/.;/secret",
        "/images/%00/secret",
        "/images/ns/secret%00.jpg",
        "/images/ns/%c0%ae%c0%ae",
        "/images/%ef%bc%8e%ef%bc%8e/secret",
        "/images/%e2%80%a4%e2%80%a4/secret",
        "/images/./secret",
        "/images/.../secret",
        "/images/ns/.",
        "/images/ns/..",
        "/images//secret",
        "/images/%20/secret",
        "/images/ns/%2e%2e%2f%2e%2e%2foutside-secret",
      })
  void traversalNeverReachesAFile(String target) throws Exception {
    for (String method : new String[] {"GET", "DELETE"}) {
      RawHttp.Response response = RawHttp.request(server.port(), method, target);
      assertThat(response.status()).as(method + " " + target).isIn(400, 404, 405);
      assertThat(response.text()).doesNotContain(SECRET);
    }
    assertThat(Files.readString(server.uploads().resolve("secret.jpg"))).isEqualTo(SECRET);
    assertThat(Files.readString(server.uploads().resolve("images").resolve("secret.jpg")))
        .isEqualTo(SECRET);
  }

  @ParameterizedTest
  @ValueSource(ints = {129, 1000, 6000})
  void veryLongNamesAreRefused(int length) throws Exception {
    RawHttp.Response response =
        RawHttp.request(server.port(), "GET", "/images/" + "a".repeat(length) + "/id");
    assertThat(response.status()).isIn(400, 414, 431);
    RawHttp.Response id = RawHttp.request(server.port(), "GET", "/images/ns/" + "a".repeat(length));
    assertThat(id.status()).isIn(400, 414, 431);
  }
}
