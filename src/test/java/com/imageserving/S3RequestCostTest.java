package com.imageserving;

import static org.assertj.core.api.Assertions.assertThat;

import com.imageserving.support.RequestCounter;
import com.imageserving.support.S3ProxyServer;
import com.imageserving.support.TestImages;
import com.imageserving.support.TestServer;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The S3 requests each HTTP operation costs, counted at the service's S3 client (every request it
 * transmits, retries included) against a real S3 server. With {@code -Ds3.requests.table=FILE} the
 * measured rows are also written to FILE, for bench/s3-requests.sh.
 */
class S3RequestCostTest {
  /** Rows measured in this run: operation, requests, and what they were. */
  private static final List<String[]> ROWS = new ArrayList<>();

  private final S3ProxyServer s3 = S3ProxyServer.shared();
  private final RequestCounter requests = new RequestCounter();

  private TestServer start(String bucket, Map<String, String> extra) {
    Map<String, String> env = new HashMap<>(s3.env(bucket));
    env.putAll(extra);
    TestServer server =
        TestServer.start(
            env, context -> context.registerBean(RequestCounter.class, () -> requests));
    requests.reset();
    return server;
  }

  /** Runs {@code call} and asserts the S3 operations it cost, in order; returns its answer. */
  private <T> T costs(String operation, Supplier<T> call, String... expected) {
    requests.reset();
    T answer = call.get();
    assertThat(requests.operations()).as(operation).containsExactly(expected);
    synchronized (ROWS) {
      ROWS.add(
          new String[] {operation, String.valueOf(expected.length), String.join(", ", expected)});
    }
    return answer;
  }

  private static HttpResponse<byte[]> send(
      TestServer server, String method, String path, String... headers) {
    HttpRequest.Builder request =
        server.request(path).method(method, HttpRequest.BodyPublishers.noBody());
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    return server.sendForBytes(request.build());
  }

  @Test
  void eachOperationCostsTheRequestsItMust() {
    String bucket = s3.newBucket();
    try (TestServer server = start(bucket, Map.of("AUTO_WEBP", "true"))) {
      byte[] jpeg = TestImages.jpeg(300, 200);
      String id = costs("upload", () -> server.uploadedId("ns", jpeg), "PutObject");
      String path = "/images/ns/" + id;

      double getsBefore = s3Requests(server, "GetObject");
      HttpResponse<byte[]> hit = costs("serve (GET)", () -> send(server, "GET", path), "GetObject");
      assertThat(hit.statusCode()).isEqualTo(200);
      // The service's own metric counts what the client sent, as the test's counter did.
      assertThat(s3Requests(server, "GetObject")).isEqualTo(getsBefore + 1);
      String etag = hit.headers().firstValue("ETag").orElseThrow();
      int size = hit.body().length;

      HttpResponse<byte[]> head =
          costs("serve (HEAD)", () -> send(server, "HEAD", path), "HeadObject");
      assertThat(head.statusCode()).isEqualTo(200);
      assertThat(head.headers().firstValue("Content-Length")).hasValue(String.valueOf(size));

      HttpResponse<byte[]> notModified =
          costs(
              "revalidation, If-None-Match (304)",
              () -> send(server, "GET", path, "If-None-Match", etag),
              "GetObject");
      assertThat(notModified.statusCode()).isEqualTo(304);
      assertThat(notModified.headers().firstValue("ETag")).hasValue(etag);
      assertThat(requests.sent().getFirst().request().firstMatchingHeader("If-None-Match"))
          .hasValue(etag);

      HttpResponse<byte[]> range =
          costs(
              "range (206)", () -> send(server, "GET", path, "Range", "bytes=10-19"), "GetObject");
      assertThat(range.statusCode()).isEqualTo(206);
      assertThat(range.body()).hasSize(10);
      assertThat(range.headers().firstValue("Content-Range")).hasValue("bytes 10-19/" + size);
      assertThat(requests.sent().getFirst().request().firstMatchingHeader("Range"))
          .hasValue("bytes=10-19");

      HttpResponse<byte[]> missing =
          costs(
              "missing image (404)",
              () -> send(server, "GET", "/images/ns/no-such-image"),
              "GetObject",
              "ListObjectsV2");
      assertThat(missing.statusCode()).isEqualTo(404);

      String variant = path + "?w=64&h=64&rt=fill&f=png";
      HttpResponse<byte[]> rendered =
          costs(
              "variant render (format in the URL)",
              () -> send(server, "GET", variant),
              // the kept variant's key, looked at again before rendering, the original, the
              // count of kept variants, the new variant, and the original's check afterwards
              "GetObject",
              "HeadObject",
              "GetObject",
              "ListObjectsV2",
              "PutObject",
              "HeadObject");
      assertThat(rendered.statusCode()).isEqualTo(200);
      assertThat(rendered.headers().firstValue("Content-Type")).hasValue("image/png");

      HttpResponse<byte[]> kept =
          costs("variant hit (format in the URL)", () -> send(server, "GET", variant), "GetObject");
      assertThat(kept.statusCode()).isEqualTo(200);
      assertThat(kept.body()).isEqualTo(rendered.body());

      HttpResponse<byte[]> keptAgain =
          costs(
              "variant revalidation, If-None-Match (304)",
              () ->
                  send(
                      server,
                      "GET",
                      variant,
                      "If-None-Match",
                      kept.headers().firstValue("ETag").orElseThrow()),
              "GetObject");
      assertThat(keptAgain.statusCode()).isEqualTo(304);

      String negotiated = path + "?w=64&h=64&rt=fill";
      send(server, "GET", negotiated, "Accept", "image/webp,*/*");
      HttpResponse<byte[]> webp =
          costs(
              "variant hit (format from Accept)",
              () -> send(server, "GET", negotiated, "Accept", "image/webp,*/*"),
              "GetObject");
      assertThat(webp.headers().firstValue("Content-Type")).hasValue("image/webp");

      send(server, "GET", negotiated, "Accept", "image/jpeg");
      HttpResponse<byte[]> stored =
          costs(
              "variant hit (format of the stored image)",
              () -> send(server, "GET", negotiated, "Accept", "image/jpeg"),
              // the original's format first, then the variant of that format
              "HeadObject",
              "GetObject");
      assertThat(stored.headers().firstValue("Content-Type")).hasValue("image/jpeg");

      HttpResponse<String> deleted =
          costs(
              "delete one image (with 3 kept variants)",
              () -> server.send(server.request(path).DELETE().build()),
              "HeadObject",
              "DeleteObject",
              "ListObjectsV2",
              "DeleteObjects");
      assertThat(deleted.statusCode()).isEqualTo(200);
      assertThat(send(server, "GET", variant).statusCode()).isEqualTo(404);

      server.uploadedId("ns", jpeg);
      server.uploadedId("ns", jpeg);
      HttpResponse<String> namespace =
          costs(
              "delete a namespace (2 images, no variants)",
              () -> server.send(server.request("/images/ns").DELETE().build()),
              "ListObjectsV2",
              "DeleteObjects",
              "ListObjectsV2");
      assertThat(namespace.body()).isEqualTo("{\"deleted_count\":2}");
    }
  }

  /**
   * A bucket written by the original service holds images in other extensions than the one this
   * service writes: each is served, the listing costing one request more than before.
   */
  @Test
  void imagesInTheOriginalsOtherExtensionsAreServed() {
    String bucket = s3.newBucket();
    try (TestServer server = start(bucket, Map.of());
        S3Client raw = s3.client()) {
      Map<String, byte[]> legacy = new HashMap<>();
      legacy.put("png", TestImages.png(20, 10));
      legacy.put("gif", TestImages.gif(20, 10));
      legacy.put("webp", TestImages.fixture("input.webp"));
      legacy.put("avif", TestImages.fixture("input.avif"));
      legacy.put("jpeg", TestImages.jpeg(20, 10));
      for (Map.Entry<String, byte[]> image : legacy.entrySet()) {
        String name = "0123abcd-legacy_" + image.getKey();
        raw.putObject(
            b -> b.bucket(bucket).key("images/old/" + name + "." + image.getKey()),
            RequestBody.fromBytes(image.getValue()));
        HttpResponse<byte[]> served =
            costs(
                "serve an image in another extension (." + image.getKey() + ")",
                () -> send(server, "GET", "/images/old/" + name),
                "GetObject",
                "ListObjectsV2",
                "GetObject");
        assertThat(served.statusCode()).isEqualTo(200);
        assertThat(served.body()).isEqualTo(image.getValue());
      }
    }
  }

  /** s3_requests_total of one operation, from /metrics. */
  private static double s3Requests(TestServer server, String operation) {
    Matcher m =
        Pattern.compile(
                "(?m)^s3_requests_total\\{[^}]*operation=\"" + operation + "\"[^}]*} (\\S+)$")
            .matcher(server.get("/metrics").body());
    return m.find() ? Double.parseDouble(m.group(1)) : 0;
  }

  @AfterAll
  static void writeTable() throws IOException {
    String file = System.getProperty("s3.requests.table");
    if (file == null) {
      return;
    }
    StringBuilder table = new StringBuilder();
    synchronized (ROWS) {
      for (String[] row : ROWS) {
        table.append(String.join("\t", row)).append('\n');
      }
    }
    Files.writeString(Path.of(file), table);
  }
}
