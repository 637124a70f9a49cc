package com.imageserving.variants;

import static org.assertj.core.api.Assertions.assertThat;

import com.imageserving.support.Backend;
import com.imageserving.support.RawHttp;
import com.imageserving.support.TestImages;
import com.imageserving.support.TestServer;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Variants over HTTP on a real socket, on both storage backends: both URL spellings, every kind of
 * source, options against decoded pixel sizes, errors, HTTP semantics, kept variants and
 * coalescing. The stored image is a 1200x900 JPEG.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(Backend.class)
class VariantsHttpTest {
  static TestServer server;
  static VariantClient client;
  static String id;
  static String url;

  @Parameter Backend backend;

  @BeforeParameterizedClassInvocation
  static void start(Backend backend) {
    server = TestServer.start(backend.env());
    client = new VariantClient(server);
    var uploaded = client.upload("vars", TestImages.jpeg(1200, 900));
    id = uploaded.get("image_id").asString();
    url = uploaded.get("url").asString();
  }

  @AfterParameterizedClassInvocation
  static void stop() {
    server.close();
  }

  @AfterAll
  static void noop() {}

  static String b64(String s) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  static String local(String imageId) {
    return "local:///vars/" + imageId;
  }

  @Test
  void thePathFormTakesEveryKindOfSource() {
    String encodedUrl = URLEncoder.encode(url, StandardCharsets.UTF_8);
    assertThat(encodedUrl).contains("%2F");
    for (String path :
        List.of(
            "/variants/insecure/rs:fit:320:0/plain/" + local(id) + "@png",
            "/variants/_/w:320/" + b64(local(id)) + ".png",
            "/variants/x/w:320/plain/" + url + "@png",
            "/variants/x/w:320/plain/" + encodedUrl + "@png",
            "/variants/x/w:320/" + b64(url) + ".png",
            "/variants/x/w:320/f:png/" + b64(url).substring(0, 8) + "/" + b64(url).substring(8))) {
      HttpResponse<byte[]> response = client.get(path);
      assertThat(response.statusCode()).as(path).isEqualTo(200);
      assertThat(response.headers().firstValue("Content-Type")).as(path).hasValue("image/png");
      assertThat(client.size(path)).as(path).isEqualTo("320x240");
    }
    // No format in the URL: the stored image's.
    HttpResponse<byte[]> jpeg = client.get("/variants/_/w:100/plain/" + local(id));
    assertThat(jpeg.headers().firstValue("Content-Type")).hasValue("image/jpeg");
    assertThat(TestImages.decode(jpeg.body()).getWidth()).isEqualTo(100);
  }

  @Test
  void theQueryFormOnTheImagesOwnUrl() {
    String own = "/images/vars/" + id;
    HttpResponse<byte[]> fill = client.get(own + "?w=320&h=240&rt=fill&f=png");
    assertThat(fill.statusCode()).isEqualTo(200);
    assertThat(fill.headers().firstValue("Content-Type")).hasValue("image/png");
    assertThat(client.size(own + "?w=320&h=240&rt=fill&f=png")).isEqualTo("320x240");
    assertThat(client.size(own + "?width=200")).isEqualTo("200x150");
    assertThat(client.size(own + "?v=3&utm_source=news&w=100")).isEqualTo("100x75");
    assertThat(client.size(own + "?rs=fill%3A50%3A60")).isEqualTo("50x60");
  }

  @Test
  void aGetWithoutOptionsServesTheStoredBytesAsBefore() {
    String own = "/images/vars/" + id;
    HttpResponse<byte[]> plain = client.get(own);
    assertThat(plain.statusCode()).isEqualTo(200);
    for (String query : List.of("?v=3", "?v=3&utm_source=x", "?sig=abc", "?", "?zoom=2")) {
      HttpResponse<byte[]> same = client.get(own + query);
      assertThat(same.statusCode()).as(query).isEqualTo(200);
      assertThat(same.body()).as(query).isEqualTo(plain.body());
      assertThat(same.headers().firstValue("ETag")).isEqualTo(plain.headers().firstValue("ETag"));
    }
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "rs:fill:100:100, 100x100",
    "rs:fill:100:100/g:sm, 100x100",
    "rs:fill:100:100/g:nowe, 100x100",
    "g:fp:0.2:0.8/rs:fill:100:100, 100x100",
    "rs:force:100:50, 100x50",
    "s:300:300, 300x225",
    "h:90, 120x90",
    "w:200/dpr:2, 400x300",
    "w:2400, 1200x900",
    "w:2400/el:1, 2400x1800",
    "w:5000/el:t, 4096x3072",
    "rs:fit:0:0, 1200x900",
    "c:600:450, 600x450",
    "c:0.5:0.5/w:100, 100x75",
    "c:300:300:nowe/rs:fill:50:100, 50x100",
    "rs:fill-down:2400:1200, 1200x600",
    "rs:auto:100:200, 100x75",
    "rs:auto:200:100, 200x100",
    "bl:2/sh:1/q:50/w:100, 100x75",
    "pr:nothing-here-is-a-preset/w:1, ",
  })
  void optionsAgainstDecodedPixels(String options, String expected) {
    if (expected == null) {
      assertThat(client.error("/variants/_/" + options + "/plain/" + local(id)))
          .isEqualTo("400 Unknown preset: nothing-here-is-a-preset");
      return;
    }
    assertThat(client.size("/variants/_/" + options + "/plain/" + local(id) + "@png"))
        .isEqualTo(expected);
    String query = options.replaceFirst(":", "=").replace("/", "&").replaceAll("&(\\w+):", "&$1=");
    assertThat(client.size("/images/vars/" + id + "?" + query + "&f=png"))
        .as(query)
        .isEqualTo(expected);
  }

  @Test
  void modernFormatsHaveTheirOwnBytes() {
    HttpResponse<byte[]> webp = client.get("/variants/_/w:100/plain/" + local(id) + "@webp");
    assertThat(webp.statusCode()).isEqualTo(200);
    assertThat(webp.headers().firstValue("Content-Type")).hasValue("image/webp");
    assertThat(new String(webp.body(), 8, 4, StandardCharsets.US_ASCII)).isEqualTo("WEBP");
    HttpResponse<byte[]> avif = client.get("/images/vars/" + id + "?w=100&f=avif");
    assertThat(avif.statusCode()).isEqualTo(200);
    assertThat(avif.headers().firstValue("Content-Type")).hasValue("image/avif");
    assertThat(new String(avif.body(), 4, 8, StandardCharsets.US_ASCII)).isEqualTo("ftypavif");
  }

  @Test
  void badRequestsAreClearJsonErrors() {
    String source = "/plain/" + local(id);
    assertThat(client.error("/variants/_/zoom:2" + source)).isEqualTo("400 Unknown option: zoom");
    assertThat(client.error("/variants/_/w:abc" + source))
        .isEqualTo("400 Invalid w: width must be a whole number from 0 to 100000, got 'abc'");
    assertThat(client.error("/images/vars/" + id + "?q=500"))
        .isEqualTo("400 Invalid q: quality must be a whole number from 0 to 100, got '500'");
    assertThat(client.error("/variants/_/w:10/plain/" + local(id) + "@gif"))
        .isEqualTo(
            "400 Invalid extension: format must be one of jpg, jpeg, png, webp, avif, got 'gif'");
    assertThat(client.error("/variants/_/w:10/plain/ftp://x/y"))
        .isEqualTo("400 Unsupported source");
    assertThat(client.error("/variants/_/w:10/plain/local:///.x/" + id))
        .isEqualTo("400 Invalid namespace");
    assertThat(client.error("/variants/_/w:10/plain/local:///vars/a.b.c"))
        .isEqualTo("400 Invalid image_id");
    assertThat(client.error("/images/n%73/" + id + "?w=10")).isEqualTo("400 Invalid namespace");
    assertThat(client.error("/variants/_/w:10")).isEqualTo("400 Missing source");
    assertThat(client.error("/variants")).startsWith("400 Invalid variant URL");
    String missing = "0123456789abcdef0123456789abcdef-AAAAAAAAAAA";
    assertThat(client.error("/variants/_/w:10/plain/" + local(missing)))
        .isEqualTo("404 Image not found");
    assertThat(client.error("/images/vars/" + missing + "?w=10")).isEqualTo("404 Image not found");
    assertThat(client.error("/variants/_/exp:1/w:10" + source)).isEqualTo("404 Expired URL");
    assertThat(client.error("/images/vars/" + id + "?w=10&exp=1")).isEqualTo("404 Expired URL");
    assertThat(client.get("/variants/_/exp:4102444800/w:10" + source).statusCode()).isEqualTo(200);
    assertThat(client.send("DELETE", "/variants/_/w:10" + source).statusCode()).isEqualTo(405);
  }

  @Test
  void aSourceThatIsNotOursIsRefusedWithoutAnyNetworkRequest() throws Exception {
    AtomicInteger requests = new AtomicInteger();
    HttpServer other = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    other.createContext(
        "/",
        exchange -> {
          requests.incrementAndGet();
          exchange.sendResponseHeaders(500, -1);
          exchange.close();
        });
    other.start();
    try {
      String foreign = "http://127.0.0.1:" + other.getAddress().getPort() + "/images/vars/" + id;
      assertThat(client.error("/variants/_/w:10/plain/" + foreign))
          .isEqualTo("400 Unsupported source");
      assertThat(client.error("/variants/_/w:10/" + b64(foreign)))
          .isEqualTo("400 Unsupported source");
      assertThat(requests).hasValue(0);
    } finally {
      other.stop(0);
    }
  }

  @Test
  void variantsAnswerLikeOriginals() {
    String path = "/variants/_/w:150/plain/" + local(id) + "@png";
    HttpResponse<byte[]> first = client.get(path);
    assertThat(first.statusCode()).isEqualTo(200);
    String etag = first.headers().firstValue("ETag").orElseThrow();
    assertThat(etag).matches("\"[^\"]+\"");
    assertThat(first.headers().firstValue("Cache-Control")).hasValue("public, max-age=86400");
    assertThat(first.headers().firstValue("Last-Modified")).isPresent();
    assertThat(first.headers().firstValue("Content-Length"))
        .hasValue(Integer.toString(first.body().length));
    assertThat(first.headers().allValues("Vary"))
        .noneMatch(v -> v.contains("Accept,") || v.equals("Accept"));

    assertThat(client.get(path, "If-None-Match", etag).statusCode()).isEqualTo(304);
    HttpResponse<byte[]> head = client.send("HEAD", path);
    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.body()).isEmpty();
    assertThat(head.headers().firstValue("Content-Length"))
        .hasValue(Integer.toString(first.body().length));
    HttpResponse<byte[]> range = client.get(path, "Range", "bytes=0-9");
    assertThat(range.statusCode()).isEqualTo(206);
    assertThat(range.body()).hasSize(10).isEqualTo(java.util.Arrays.copyOf(first.body(), 10));
    assertThat(range.headers().firstValue("Content-Range"))
        .hasValue("bytes 0-9/" + first.body().length);

    // The same variant in the other spelling is the same representation.
    HttpResponse<byte[]> query = client.get("/images/vars/" + id + "?width=150&format=png");
    assertThat(query.headers().firstValue("ETag")).hasValue(etag);
    assertThat(query.body()).isEqualTo(first.body());
    // Another variant, or the same options of another image: another ETag.
    String other = client.uploadId("vars", TestImages.jpeg(1200, 900));
    assertThat(
            client
                .get("/variants/_/w:151/plain/" + local(id) + "@png")
                .headers()
                .firstValue("ETag"))
        .isNotEqualTo(first.headers().firstValue("ETag"));
    assertThat(
            client
                .get("/variants/_/w:150/plain/" + local(other) + "@png")
                .headers()
                .firstValue("ETag"))
        .isNotEqualTo(first.headers().firstValue("ETag"));
  }

  /**
   * A kept variant is answered by the fast path (no Spring MVC dispatch), the render before it by
   * the controller: the answers must not differ in anything but the date.
   */
  @Test
  void aKeptVariantIsAnsweredAsTheRenderThatKeptIt() {
    String image = client.uploadId("vars", TestImages.jpeg(1200, 900));
    String query = "/images/vars/" + image + "?w=130&f=webp";
    HttpResponse<byte[]> rendered = client.get(query);
    assertThat(rendered.statusCode()).isEqualTo(200);
    double hits = client.served("hit");
    for (String path :
        List.of(
            query,
            "/images/vars/" + image + "?width=130&format=webp&utm_source=x",
            "/variants/_/w:130/plain/" + local(image) + "@webp",
            "/variants/_/rs:fit:130:0/f:webp/" + b64(local(image)))) {
      HttpResponse<byte[]> kept = client.get(path);
      assertThat(kept.statusCode()).as(path).isEqualTo(200);
      assertThat(kept.body()).as(path).isEqualTo(rendered.body());
      for (String header :
          List.of(
              "Content-Type",
              "Content-Length",
              "ETag",
              "Last-Modified",
              "Cache-Control",
              "Accept-Ranges",
              "X-Content-Type-Options",
              "Vary",
              "X-Request-ID",
              "Access-Control-Expose-Headers")) {
        assertThat(kept.headers().allValues(header).isEmpty())
            .as(path + " " + header)
            .isEqualTo(rendered.headers().allValues(header).isEmpty());
        if (!header.equals("X-Request-ID")) {
          assertThat(kept.headers().allValues(header))
              .as(path + " " + header)
              .isEqualTo(rendered.headers().allValues(header));
        }
      }
      String etag = kept.headers().firstValue("ETag").orElseThrow();
      assertThat(client.get(path, "If-None-Match", etag).statusCode()).as(path).isEqualTo(304);
      HttpResponse<byte[]> head = client.send("HEAD", path);
      assertThat(head.statusCode()).as(path).isEqualTo(200);
      assertThat(head.body()).as(path).isEmpty();
      HttpResponse<byte[]> range = client.get(path, "Range", "bytes=2-5");
      assertThat(range.statusCode()).as(path).isEqualTo(206);
      assertThat(range.body()).as(path).isEqualTo(java.util.Arrays.copyOfRange(kept.body(), 2, 6));
    }
    assertThat(client.served("hit") - hits).isEqualTo(4 * 4);
  }

  @Test
  void aVariantIsRenderedOnceAndEverySpellingSharesIt() throws Exception {
    String image = client.uploadId("vars", TestImages.jpeg(1200, 900));
    double renders = client.renders();
    double hits = client.served("hit");
    double rendered = client.served("rendered");
    byte[] first = client.get("/images/vars/" + image + "?width=200").body();
    for (String path :
        List.of(
            "/variants/_/rs:fit:200:0/plain/" + local(image),
            "/variants/_/w:200/rt:fit/" + b64(local(image)),
            "/variants/_/size:200:0:0/plain/" + local(image) + "@jpg",
            "/images/vars/" + image + "?w=200&cb=7")) {
      HttpResponse<byte[]> again = client.get(path);
      assertThat(again.statusCode()).as(path).isEqualTo(200);
      assertThat(again.body()).as(path).isEqualTo(first);
    }
    assertThat(client.renders() - renders).isEqualTo(1);
    assertThat(client.served("rendered") - rendered).isEqualTo(1);
    assertThat(client.served("hit") - hits).isEqualTo(4);
    if (backend == Backend.LOCAL) {
      Path dir = server.uploads().resolve("variants").resolve("vars").resolve(image);
      try (Stream<Path> files = Files.list(dir)) {
        assertThat(files.map(f -> f.getFileName().toString()).toList())
            .singleElement()
            .satisfies(name -> assertThat(name).matches("[0-9a-f]{32}\\.jpg"));
      }
    }
  }

  @Test
  void concurrentFirstRequestsForOneVariantRenderItOnce() throws Exception {
    String image = client.uploadId("vars", TestImages.jpeg(1200, 900));
    double renders = client.renders();
    int clients = 16;
    String path = "/variants/_/rs:fill:240:240/g:sm/plain/" + local(image) + "@webp";
    CountDownLatch go = new CountDownLatch(1);
    List<Future<HttpResponse<byte[]>>> answers = new ArrayList<>();
    try (ExecutorService pool = Executors.newFixedThreadPool(clients)) {
      for (int i = 0; i < clients; i++) {
        answers.add(
            pool.submit(() -> {
              go.await();
              return client.get(path);
            }));
      }
      go.countDown();
      byte[] expected = null;
      for (Future<HttpResponse<byte[]>> answer : answers) {
        HttpResponse<byte[]> response = answer.get();
        assertThat(response.statusCode()).isEqualTo(200);
        if (expected == null) {
          expected = response.body();
        }
        assertThat(response.body()).isEqualTo(expected);
      }
    }
    assertThat(client.renders() - renders).isEqualTo(1);
  }

  @Test
  void encodedSlashesInImagePathsAreStillRefused() throws Exception {
    // Tomcat now passes %2F through (for plain variant sources); image names stay allow-listed.
    for (String target :
        List.of(
            "/images/vars%2Fx/" + id,
            "/images/vars/" + id + "%2F",
            "/images/vars%2F" + id + "/x",
            "/images/vars/" + id + "%2F?w=10")) {
      RawHttp.Response response = RawHttp.request(server.port(), "GET", target);
      assertThat(response.status()).as(target).isEqualTo(400);
      assertThat(response.text()).as(target).containsPattern("Invalid (namespace|image_id)");
    }
  }

  @Test
  void openApiDocumentsBothSpellings() {
    String api = server.get("/openapi.json").body();
    assertThat(api)
        .contains(
            "/variants/{signature}/{options}/plain/{source}",
            "/variants/{signature}/{options}/{encoded_source}",
            "resizing_type")
        .doesNotContain("/variants/**");
    var query = VariantClient.JSON.readTree(api).at("/paths/~1images~1{namespace}~1{image_id}/get");
    assertThat(query.get("parameters").findValuesAsString("name"))
        .contains("w", "h", "rt", "f", "sig");
  }

  @Test
  void metricsNameNoImage() {
    assertThat(client.get("/variants/_/w:33/plain/" + local(id)).statusCode()).isEqualTo(200);
    String metrics = server.get("/metrics").body();
    assertThat(metrics).contains("variants_served_total", "uri=\"/variants/**\"");
    assertThat(metrics).doesNotContain(id, "vars");
  }

  @Test
  void deletingAnImageDeletesItsVariants() {
    String image = client.uploadId("vars", TestImages.jpeg(600, 400));
    String path = "/variants/_/w:60/plain/" + local(image);
    assertThat(client.get(path).statusCode()).isEqualTo(200);
    assertThat(client.get(path).statusCode()).isEqualTo(200); // kept, and found
    assertThat(client.send("DELETE", "/images/vars/" + image).statusCode()).isEqualTo(200);
    assertThat(client.error(path)).isEqualTo("404 Image not found");
    assertThat(client.error("/images/vars/" + image + "?w=60")).isEqualTo("404 Image not found");
  }
}
