package com.imageserving.variants;

import static org.assertj.core.api.Assertions.assertThat;

import com.imageserving.support.TestImages;
import com.imageserving.support.TestServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Compatibility with imgproxy's clients: URLs built by imgproxy's official Node URL builder
 * (@imgproxy/imgproxy-node from the npm registry, installed into src/test/node by {@code make
 * install}), with endpoint {@code http://127.0.0.1:PORT/variants} and our key and salt, are
 * accepted and give the pixels they ask for.
 */
class ImgproxyNodeClientTest {
  private static final Path NODE_DIR = Path.of("src", "test", "node").toAbsolutePath();
  private static final String KEY = "4f1a2b3c4d5e6f708192a3b4c5d6e7f8";
  private static final String SALT = "a1b2c3d4e5f60718";

  @Test
  void signedUrlsFromImgproxysNodeClientAreAccepted() throws Exception {
    try (TestServer server =
        TestServer.start(
            Map.of(
                "URL_SIGNING_KEY", KEY,
                "URL_SIGNING_SALT", SALT,
                "PRESETS", "{\"avatar\": \"rs:fill:96:96/g:sm\"}"))) {
      VariantClient client = new VariantClient(server);
      var uploaded = client.upload("npm", TestImages.jpeg(1200, 900));
      String id = uploaded.get("image_id").asString();
      String local = "local:///npm/" + id;
      String own = uploaded.get("url").asString();
      long future = Instant.now().getEpochSecond() + 3600;

      List<Case> cases =
          List.of(
              new Case(local, "base64", "{\"width\": 320, \"format\": \"png\"}", "320x240"),
              new Case(local, "plain", "{\"width\": 320, \"format\": \"png\"}", "320x240"),
              new Case(own, "base64", "{\"height\": 90, \"format\": \"png\"}", "120x90"),
              new Case(own, "plain", "{\"height\": 90, \"format\": \"png\"}", "120x90"),
              new Case(
                  local,
                  "base64",
                  "{\"resize\": {\"resizing_type\": \"fill\", \"width\": 100, \"height\": 50},"
                      + " \"gravity\": {\"type\": \"sm\"}, \"format\": \"png\"}",
                  "100x50"),
              new Case(
                  local,
                  "plain",
                  "{\"size\": {\"width\": 60, \"height\": 60}, \"resizing_type\": \"force\"}",
                  "60x60"),
              new Case(
                  local,
                  "base64",
                  "{\"crop\": {\"width\": 400, \"height\": 300, \"gravity\": {\"type\": \"nowe\"}},"
                      + " \"width\": 100}",
                  "100x75"),
              new Case(
                  local,
                  "base64",
                  "{\"gravity\": {\"type\": \"fp\", \"x\": 0.3, \"y\": 0.7}, \"resizing_type\":"
                      + " \"fill\", \"width\": 80, \"height\": 80, \"quality\": 70}",
                  "80x80"),
              new Case(local, "plain", "{\"width\": 50, \"dpr\": 2, \"blur\": 1}", "100x75"),
              new Case(local, "plain", "{\"width\": 1500, \"enlarge\": 1}", "1500x1125"),
              new Case(
                  local,
                  "base64",
                  "{\"width\": 40, \"sharpen\": 0.5, \"background\": \"ff0000\", \"cachebuster\":"
                      + " \"v2\", \"expires\": "
                      + future
                      + "}",
                  "40x30"),
              new Case(local, "base64", "{\"preset\": [\"avatar\"]}", "96x96"),
              new Case(local, "base64", "{\"expires\": 1}", "404 Expired URL"),
              new Case(local, "base64", "{\"rotate\": 90}", "400 Unknown option: rot"));

      List<String> urls =
          build("http://127.0.0.1:" + server.port() + "/variants", KEY, SALT, cases);
      assertThat(urls).hasSize(cases.size());
      for (int i = 0; i < cases.size(); i++) {
        Case c = cases.get(i);
        String url = urls.get(i);
        String prefix = "http://127.0.0.1:" + server.port();
        assertThat(url).startsWith(prefix + "/variants/").doesNotContain("/insecure/");
        String path = url.substring(prefix.length());
        String answer = c.expected().matches("\\d+x\\d+") ? client.size(path) : client.error(path);
        assertThat(answer).as(c + " -> " + url).isEqualTo(c.expected());
      }

      // The same client with another key is refused.
      String wrong =
          build("http://127.0.0.1:" + server.port() + "/variants", "00ff", SALT, cases).get(0);
      assertThat(client.error(wrong.substring(("http://127.0.0.1:" + server.port()).length())))
          .isEqualTo("403 Invalid signature");
    }
  }

  @Test
  void unsignedUrlsFromImgproxysNodeClientAreAcceptedWithoutAKey() throws Exception {
    try (TestServer server = TestServer.start(Map.of())) {
      VariantClient client = new VariantClient(server);
      String id = client.uploadId("npm", TestImages.jpeg(600, 400));
      List<Case> cases =
          List.of(
              new Case("local:///npm/" + id, "base64", "{\"width\": 300}", "300x200"),
              new Case("local:///npm/" + id, "plain", "{\"height\": 100}", "150x100"));
      String prefix = "http://127.0.0.1:" + server.port();
      List<String> urls = build(prefix + "/variants", null, null, cases);
      for (int i = 0; i < cases.size(); i++) {
        assertThat(urls.get(i)).contains("/variants/insecure/");
        assertThat(client.size(urls.get(i).substring(prefix.length())))
            .isEqualTo(cases.get(i).expected());
      }
    }
  }

  /** One URL to build: the source, how the client shows it, its options, what must come back. */
  private record Case(String source, String displayAs, String optionsJson, String expected) {}

  /** Runs src/test/node/build-urls.js with node: the URLs the imgproxy client builds. */
  private static List<String> build(
      String endpoint, @Nullable String key, @Nullable String salt, List<Case> cases)
      throws IOException, InterruptedException {
    assertThat(NODE_DIR.resolve("node_modules/@imgproxy/imgproxy-node/package.json"))
        .as("imgproxy's Node client is not installed: run make install (npm ci in src/test/node)")
        .exists();
    ObjectNode request = VariantClient.JSON.createObjectNode();
    request.put("endpoint", endpoint);
    if (key != null && salt != null) {
      request.put("key", key);
      request.put("salt", salt);
    }
    ArrayNode urls = request.putArray("urls");
    for (Case c : cases) {
      ObjectNode url = urls.addObject();
      url.put("source", c.source());
      url.put("displayAs", c.displayAs());
      url.set("options", VariantClient.JSON.readTree(c.optionsJson()));
    }
    ProcessBuilder builder =
        new ProcessBuilder("node", "build-urls.js")
            .directory(NODE_DIR.toFile())
            .redirectError(ProcessBuilder.Redirect.INHERIT);
    // The client falls back to these when no key is passed; the unsigned case must stay unsigned.
    builder.environment().remove("IMGPROXY_KEY");
    builder.environment().remove("IMGPROXY_SALT");
    Process node = builder.start();
    try (var in = node.getOutputStream()) {
      in.write(request.toString().getBytes(StandardCharsets.UTF_8));
    }
    String output;
    try (var out = node.getInputStream()) {
      output = new String(out.readAllBytes(), StandardCharsets.UTF_8);
    }
    assertThat(node.waitFor(60, TimeUnit.SECONDS)).as("node finished").isTrue();
    assertThat(node.exitValue()).as("node exit status").isZero();
    return new ArrayList<>(output.strip().lines().toList());
  }
}
