package com.imageserving.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.imageserving.support.Backend;
import com.imageserving.support.Json;
import com.imageserving.support.TestImages;
import com.imageserving.support.TestServer;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import tools.jackson.databind.JsonNode;

/** {@code GET /images} and {@code GET /images/{namespace}} over real sockets, on both backends. */
class ListingHttpTest {
  private static final Map<Backend, TestServer> SERVERS = new EnumMap<>(Backend.class);
  private static final byte[] JPEG = TestImages.jpeg(40, 30);

  private static synchronized TestServer server(Backend backend) {
    return SERVERS.computeIfAbsent(backend, b -> TestServer.start(b.env()));
  }

  @AfterAll
  static void stop() {
    SERVERS.values().forEach(TestServer::close);
    SERVERS.clear();
  }

  private static String unique(String stem) {
    return stem + "-" + Long.toHexString(System.nanoTime());
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Backend.class)
  void listsImagesWithTheUploadUrlAndPagesWithTheCursor(Backend backend) {
    TestServer server = server(backend);
    String ns = unique("list");
    List<JsonNode> uploads = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      uploads.add(server.uploaded(ns, JPEG));
    }
    // A variant is kept, and never listed.
    String first = uploads.getFirst().get("image_id").asString();
    assertThat(server.get("/images/" + ns + "/" + first + "?w=10&h=10").statusCode())
        .isEqualTo(200);

    HttpResponse<String> response = server.get("/images/" + ns);
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type").orElseThrow())
        .startsWith("application/json");
    JsonNode page = Json.read(response.body());
    assertThat(page.propertyNames()).containsExactlyInAnyOrder("images", "next");
    assertThat(page.get("next").isNull()).isTrue();
    assertThat(page.get("images")).hasSize(3);
    List<String> ids = new ArrayList<>();
    for (JsonNode image : page.get("images")) {
      assertThat(image.propertyNames())
          .containsExactlyInAnyOrder("image_id", "url", "mime_type", "size", "last_modified");
      ids.add(image.get("image_id").asString());
      JsonNode upload =
          uploads.stream()
              .filter(u -> u.get("image_id").asString().equals(image.get("image_id").asString()))
              .findFirst()
              .orElseThrow();
      assertThat(image.get("url").asString()).isEqualTo(upload.get("url").asString());
      assertThat(image.get("mime_type").asString()).isEqualTo("image/jpeg");
      assertThat(image.get("size").asLong()).isEqualTo(upload.get("size").asLong());
      Instant modified = Instant.parse(image.get("last_modified").asString());
      assertThat(modified).isBetween(Instant.now().minusSeconds(120), Instant.now());
      assertThat(image.get("last_modified").asString())
          .matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
    }
    assertThat(ids).isSorted();

    // Page by page, one at a time.
    List<String> paged = new ArrayList<>();
    String after = null;
    for (int i = 0; i < 10; i++) {
      JsonNode p =
          Json.read(
              server
                  .get("/images/" + ns + "?limit=1" + (after == null ? "" : "&after=" + after))
                  .body());
      p.get("images").forEach(image -> paged.add(image.get("image_id").asString()));
      if (p.get("next").isNull()) {
        break;
      }
      after = p.get("next").asString();
      assertThat(after).matches("[A-Za-z0-9_-]+");
    }
    assertThat(paged).isEqualTo(ids);
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Backend.class)
  void listsNamespacesWithoutVariants(Backend backend) {
    TestServer server = server(backend);
    String a = unique("nsa");
    String b = unique("nsb");
    String id = server.uploadedId(a, JPEG);
    server.uploadedId(b, JPEG);
    assertThat(server.get("/images/" + a + "/" + id + "?w=8").statusCode()).isEqualTo(200);

    List<String> all = new ArrayList<>();
    String after = null;
    for (int i = 0; i < 1000; i++) {
      JsonNode page =
          Json.read(
              server.get("/images?limit=1" + (after == null ? "" : "&after=" + after)).body());
      assertThat(page.propertyNames()).containsExactlyInAnyOrder("namespaces", "next");
      page.get("namespaces").forEach(n -> all.add(n.asString()));
      if (page.get("next").isNull()) {
        break;
      }
      after = page.get("next").asString();
    }
    assertThat(all).contains(a, b).doesNotHaveDuplicates().doesNotContain("variants");
    assertThat(all.indexOf(a)).isLessThan(all.indexOf(b));
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Backend.class)
  void unknownNamespaceIsAnEmptyPage(Backend backend) {
    HttpResponse<String> response = server(backend).get("/images/" + unique("nothing"));
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("{\"images\":[],\"next\":null}");
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Backend.class)
  void badLimitsCursorsAndNamesAreClear400s(Backend backend) {
    TestServer server = server(backend);
    String limitError = "{\"detail\":\"limit must be an integer from 1 to 1000\"}";
    for (String limit : List.of("0", "1001", "-1", "abc", "", "1.5", "99999999999")) {
      for (String path : List.of("/images", "/images/ns")) {
        HttpResponse<String> response = server.get(path + "?limit=" + limit);
        assertThat(response.statusCode()).as(path + " limit=" + limit).isEqualTo(400);
        assertThat(response.body()).isEqualTo(limitError);
      }
    }
    String imagesCursor = encode("i:abc.jpg");
    String namespacesCursor = encode("n:abc0");
    List<String> bad =
        List.of(
            "%25%25",
            "not*base64",
            encode("abc"),
            encode("i:"),
            encode("x:abc"),
            encode("i:a\u0000b"),
            Base64.getUrlEncoder().encodeToString(new byte[] {(byte) 0xff, (byte) 0xfe}),
            "A".repeat(5000));
    for (String cursor : bad) {
      for (String path : List.of("/images", "/images/ns")) {
        HttpResponse<String> response = server.get(path + "?after=" + cursor);
        assertThat(response.statusCode()).as(path + " after=" + cursor).isEqualTo(400);
        assertThat(response.body()).isEqualTo("{\"detail\":\"Invalid cursor\"}");
      }
    }
    // A cursor of one listing is not one of the other.
    assertThat(server.get("/images?after=" + imagesCursor).statusCode()).isEqualTo(400);
    assertThat(server.get("/images/ns?after=" + namespacesCursor).statusCode()).isEqualTo(400);
    assertThat(server.get("/images?after=" + namespacesCursor).statusCode()).isEqualTo(200);
    assertThat(server.get("/images/ns?after=" + imagesCursor).statusCode()).isEqualTo(200);

    for (String ns : List.of("..", ".hidden", "a%2Fb", "a%00", "x".repeat(200))) {
      HttpResponse<String> response = server.get("/images/" + ns);
      assertThat(response.statusCode()).as(ns).isEqualTo(400);
      assertThat(response.body()).as(ns).contains("detail");
    }
  }

  private static String encode(String text) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }
}
