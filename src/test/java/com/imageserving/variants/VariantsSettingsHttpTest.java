package com.imageserving.variants;

import static com.imageserving.variants.UrlSigningTest.DOC_KEY;
import static com.imageserving.variants.UrlSigningTest.DOC_SALT;
import static org.assertj.core.api.Assertions.assertThat;

import com.imageserving.support.TestImages;
import com.imageserving.support.TestServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/** Variants under non-default settings: signing, format negotiation, limits, presets. */
@ExtendWith(OutputCaptureExtension.class)
class VariantsSettingsHttpTest {
  private static final String UNSIGNED_WARNING = "URL_SIGNING_KEY is not set";

  @Test
  void withoutAKeyStartUpWarnsOnce(CapturedOutput output) {
    try (TestServer server = TestServer.start(Map.of())) {
      assertThat(output.getOut().split(UNSIGNED_WARNING, -1)).hasSize(2);
    }
    int before = output.getOut().split(UNSIGNED_WARNING, -1).length;
    try (TestServer server =
        TestServer.start(Map.of("URL_SIGNING_KEY", DOC_KEY, "URL_SIGNING_SALT", DOC_SALT))) {
      assertThat(output.getOut().split(UNSIGNED_WARNING, -1)).hasSize(before);
    }
  }

  @Test
  void withAKeyEveryVariantUrlMustBeSigned() {
    try (TestServer server =
        TestServer.start(
            Map.of(
                "URL_SIGNING_KEY", "00ff," + DOC_KEY,
                "URL_SIGNING_SALT", "11ee," + DOC_SALT))) {
      VariantClient client = new VariantClient(server);
      String id = client.uploadId("signed", TestImages.jpeg(800, 600));
      UrlSignatures docPair =
          new UrlSignatures(
              UrlSigningTest.settings("URL_SIGNING_KEY", DOC_KEY, "URL_SIGNING_SALT", DOC_SALT));
      UrlSignatures firstPair =
          new UrlSignatures(
              UrlSigningTest.settings("URL_SIGNING_KEY", "00ff", "URL_SIGNING_SALT", "11ee"));
      String rest = "/rs:fill:100:50/plain/local:///signed/" + id + "@png";

      // Path form: signed with either pair of the rotation.
      assertThat(client.size("/variants/" + docPair.sign(rest) + rest)).isEqualTo("100x50");
      assertThat(client.size("/variants/" + firstPair.sign(rest) + rest)).isEqualTo("100x50");
      assertThat(client.error("/variants/insecure" + rest)).isEqualTo("403 Invalid signature");
      assertThat(client.error("/variants/" + docPair.sign(rest) + rest.replace("100", "101")))
          .isEqualTo("403 Invalid signature");

      // Query form: salt ‖ path ‖ '?' ‖ the query without sig.
      String path = "/images/signed/" + id;
      String query = "w=80&v=3&f=png";
      String sig = docPair.sign(path + "?" + query);
      assertThat(client.size(path + "?" + query + "&sig=" + sig)).isEqualTo("80x60");
      assertThat(client.error(path + "?" + query)).isEqualTo("403 Invalid signature");
      assertThat(client.error(path + "?" + query + "&sig=" + sig.substring(1)))
          .isEqualTo("403 Invalid signature");
      assertThat(client.error(path + "?w=81&v=3&f=png&sig=" + sig))
          .isEqualTo("403 Invalid signature");
      // The README's shell recipe (scripts/sign-url.sh, openssl) signs both forms the same way.
      String shellSig = shellSignature(rest, "00ff," + DOC_KEY, "11ee," + DOC_SALT);
      assertThat(shellSig).isEqualTo(firstPair.sign(rest));
      assertThat(client.size("/variants/" + shellSig + rest)).isEqualTo("100x50");
      String shellQuerySig = shellSignature(path + "?" + query, DOC_KEY, DOC_SALT);
      assertThat(client.size(path + "?" + query + "&sig=" + shellQuerySig)).isEqualTo("80x60");

      // The stored image itself needs no signature, query or not.
      assertThat(client.get(path).statusCode()).isEqualTo(200);
      assertThat(client.get(path + "?v=3").statusCode()).isEqualTo(200);
    }
  }

  /** What scripts/sign-url.sh prints for {@code signed}. */
  private static String shellSignature(String signed, String key, String salt) {
    try {
      ProcessBuilder builder =
          new ProcessBuilder("bash", "scripts/sign-url.sh", signed)
              .redirectError(ProcessBuilder.Redirect.INHERIT);
      builder.environment().put("URL_SIGNING_KEY", key);
      builder.environment().put("URL_SIGNING_SALT", salt);
      Process process = builder.start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(process.exitValue()).isZero();
      return output.strip();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Test
  void theBrowserChoosesTheFormatWhenTheUrlDoesNot() {
    try (TestServer server = TestServer.start(Map.of("AUTO_WEBP", "true", "AUTO_AVIF", "true"))) {
      VariantClient client = new VariantClient(server);
      String id = client.uploadId("auto", TestImages.jpeg(800, 600));
      String path = "/variants/_/w:100/plain/local:///auto/" + id;
      assertFormat(client.get(path, "Accept", "image/avif,image/webp,*/*"), "image/avif", true);
      assertFormat(client.get(path, "Accept", "image/webp,*/*;q=0.8"), "image/webp", true);
      assertFormat(client.get(path, "Accept", "image/avif;q=0,image/webp"), "image/webp", true);
      assertFormat(client.get(path, "Accept", "*/*"), "image/jpeg", true);
      assertFormat(client.get(path), "image/jpeg", true);
      assertFormat(
          client.get("/images/auto/" + id + "?w=100", "Accept", "image/webp"), "image/webp", true);
      // A format in the URL: Accept does not matter, and the answer says so.
      assertFormat(client.get(path + "@png", "Accept", "image/avif"), "image/png", false);
      assertFormat(
          client.get("/images/auto/" + id + "?w=100&f=jpg", "Accept", "image/webp"),
          "image/jpeg",
          false);
      // The stored image itself is never negotiated.
      assertFormat(client.get("/images/auto/" + id, "Accept", "image/webp"), "image/jpeg", false);
    }
    try (TestServer server = TestServer.start(Map.of("AUTO_WEBP", "true"))) {
      VariantClient client = new VariantClient(server);
      String id = client.uploadId("auto", TestImages.jpeg(800, 600));
      String path = "/variants/_/w:100/plain/local:///auto/" + id;
      assertFormat(client.get(path, "Accept", "image/avif,image/webp"), "image/webp", true);
    }
  }

  private static void assertFormat(HttpResponse<byte[]> response, String type, boolean vary) {
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).hasValue(type);
    boolean varies =
        response.headers().allValues("Vary").stream()
            .flatMap(v -> java.util.Arrays.stream(v.split(",")))
            .anyMatch(v -> v.strip().equalsIgnoreCase("Accept"));
    assertThat(varies).as("Vary: Accept").isEqualTo(vary);
  }

  @Test
  void pastTheLimitVariantsAreServedButNotKept() {
    try (TestServer server = TestServer.start(Map.of("MAX_VARIANTS_PER_IMAGE", "1"))) {
      VariantClient client = new VariantClient(server);
      String id = client.uploadId("lim", TestImages.jpeg(800, 600));
      String first = "/variants/_/w:100/plain/local:///lim/" + id;
      String second = "/variants/_/w:200/plain/local:///lim/" + id;
      assertThat(client.size(first)).isEqualTo("100x75");
      assertThat(client.size(second)).isEqualTo("200x150");
      assertThat(client.size(second)).isEqualTo("200x150");
      assertThat(client.size(first)).isEqualTo("100x75");
      assertThat(client.served("rendered")).isEqualTo(1);
      assertThat(client.served("not_kept")).isEqualTo(2);
      assertThat(client.served("hit")).isEqualTo(1);
      HttpResponse<byte[]> notKept = client.get(second);
      String etag = notKept.headers().firstValue("ETag").orElseThrow();
      assertThat(client.get(second, "If-None-Match", etag).statusCode()).isEqualTo(304);
      assertThat(client.get(second, "Range", "bytes=2-5").body()).hasSize(4);
    }
  }

  @Test
  void withoutTheCacheNothingIsKept() throws Exception {
    try (TestServer server = TestServer.start(Map.of("VARIANT_CACHE", "false"))) {
      VariantClient client = new VariantClient(server);
      String id = client.uploadId("nc", TestImages.jpeg(800, 600));
      String path = "/variants/_/w:100/plain/local:///nc/" + id;
      assertThat(client.size(path)).isEqualTo("100x75");
      assertThat(client.size(path)).isEqualTo("100x75");
      assertThat(client.served("not_kept")).isEqualTo(2);
      assertThat(client.renders()).isEqualTo(2);
      assertThat(Files.exists(server.uploads().resolve("variants"))).isFalse();
    }
  }

  @Test
  void noSideIsEverAboveTheResultLimit() {
    try (TestServer server = TestServer.start(Map.of("MAX_RESULT_DIMENSION", "500"))) {
      VariantClient client = new VariantClient(server);
      String id = client.uploadId("max", TestImages.jpeg(1200, 900));
      assertThat(client.size("/variants/_/w:2000/el:1/plain/local:///max/" + id))
          .isEqualTo("500x375");
      assertThat(client.size("/variants/_/plain/local:///max/" + id)).isEqualTo("500x375");
      assertThat(client.size("/images/max/" + id + "?h=1000&rt=force&w=250")).isEqualTo("125x500");
    }
  }

  @Test
  void onlyPresetsRefusesEverythingElse() {
    try (TestServer server =
        TestServer.start(
            Map.of(
                "PRESETS", "{\"avatar\": \"rs:fill:96:96/g:sm\", \"png\": \"f:png\"}",
                "ONLY_PRESETS", "true"))) {
      VariantClient client = new VariantClient(server);
      String id = client.uploadId("pre", TestImages.jpeg(800, 600));
      String source = "/plain/local:///pre/" + id;
      assertThat(client.size("/variants/_/avatar" + source)).isEqualTo("96x96");
      assertThat(client.size("/variants/_/avatar:png" + source)).isEqualTo("96x96");
      assertThat(client.size("/variants/_/pr:avatar" + source)).isEqualTo("96x96");
      assertThat(client.size("/images/pre/" + id + "?pr=avatar")).isEqualTo("96x96");
      assertThat(client.error("/variants/_/avatar/w:10" + source))
          .isEqualTo("400 Only presets are allowed: w");
      assertThat(client.error("/variants/_/w:10" + source))
          .isEqualTo("400 Only presets are allowed: w");
      assertThat(client.error("/variants/_/nope" + source)).isEqualTo("400 Unknown preset: nope");
      assertThat(client.error("/images/pre/" + id + "?w=10"))
          .isEqualTo("400 Only presets are allowed: w");
    }
  }
}
