package com.imageserving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.imageserving.support.ChildProcess;
import com.imageserving.support.Json;
import com.imageserving.support.Nginx;
import com.imageserving.support.S3ProxyServer;
import com.imageserving.support.TestImages;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.util.FileSystemUtils;

/**
 * The scale-out topology run from outside, with real components: Debian's nginx on
 * deploy/nginx.conf (the file itself, see {@link Nginx}), two instances of the packaged jar as
 * separate processes, and one S3 bucket (S3Proxy). CACHE_MAX_AGE is 2 s, so that expiry is seen
 * quickly; the only fixed waits are for max-age to pass. Each test uses images of its own, so they
 * run in any order; the kill -9 test brings the killed instance back on its port. Over a minute, so
 * tagged "scale": {@code make scale-test} runs it, {@code make test} does not.
 */
@Tag("scale")
class ScaleOutIT {
  private static final int MAX_AGE = 2;
  private static final Duration PAST_MAX_AGE = Duration.ofMillis(MAX_AGE * 1000L + 600);
  private static final String IMAGES = "/images/{namespace}/{image_id}";
  private static final HttpClient CLIENT =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private static Path work;
  private static Map<String, String> env;
  private static ChildProcess a;
  private static ChildProcess b;
  private static Nginx nginx;

  @BeforeAll
  static void start() throws Exception {
    work = Files.createTempDirectory("scale-out-");
    S3ProxyServer s3 = S3ProxyServer.shared();
    env = new HashMap<>(s3.env(s3.newBucket()));
    env.put("CACHE_MAX_AGE", String.valueOf(MAX_AGE));
    env.put("AUTO_WEBP", "true");
    env.put("AUTO_AVIF", "true");
    env.put("FORWARDED_HEADERS", "true");
    env.put("DEBUG", "true");
    Files.createDirectories(work.resolve("a"));
    Files.createDirectories(work.resolve("b"));
    CompletableFuture<ChildProcess> startA = startAsync(work.resolve("a"));
    CompletableFuture<ChildProcess> startB = startAsync(work.resolve("b"));
    a = startA.get(120, TimeUnit.SECONDS);
    b = startB.get(120, TimeUnit.SECONDS);
    Path example = Path.of(System.getProperty("user.dir"), "deploy", "nginx.conf");
    nginx = Nginx.start(example, work.resolve("nginx"), List.of(a.port(), b.port()));
  }

  private static CompletableFuture<ChildProcess> startAsync(Path dir) {
    return CompletableFuture.supplyAsync(() -> {
      try {
        return ChildProcess.start(dir, env);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
  }

  @AfterAll
  static void stop() throws Exception {
    for (AutoCloseable c : new AutoCloseable[] {nginx, a, b}) {
      if (c != null) {
        c.close();
      }
    }
    // The instances' logs, nginx's cache and logs.
    FileSystemUtils.deleteRecursively(work);
  }

  @Test
  void anUploadThroughTheBalancerIsServedByBothInstances() throws Exception {
    byte[] jpeg = TestImages.jpeg(400, 300);
    HttpResponse<String> upload = uploadVia(nginx.base(), jpeg);
    assertThat(upload.statusCode()).as(upload.body()).isEqualTo(200);
    String id = Json.read(upload.body()).get("image_id").asString();
    // The URL names the balancer, not the instance that stored it (FORWARDED_HEADERS, Host).
    assertThat(Json.read(upload.body()).get("url").asString())
        .isEqualTo(nginx.base() + "/images/scale/" + id);

    HttpResponse<byte[]> fromA = get(a.base() + "/images/scale/" + id);
    HttpResponse<byte[]> fromB = get(b.base() + "/images/scale/" + id);
    assertThat(fromA.statusCode()).isEqualTo(200);
    assertThat(fromB.statusCode()).isEqualTo(200);
    assertThat(fromB.body()).isEqualTo(fromA.body());
    assertThat(fromA.headers().firstValue("ETag")).isEqualTo(fromB.headers().firstValue("ETag"));
    HttpResponse<byte[]> balanced = get(nginx.base() + "/images/scale/" + id);
    assertThat(balanced.body()).isEqualTo(fromA.body());
  }

  @Test
  void aRepeatedGetIsAnsweredByTheCache() throws Exception {
    String path = "/images/scale/" + uploadedId(TestImages.jpeg(300, 200));
    Counts before = Counts.now();

    HttpResponse<byte[]> first = get(nginx.base() + path);
    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(cacheStatus(first)).isEqualTo("MISS");
    assertThat(first.headers().firstValue("Cache-Control")).hasValue("public, max-age=" + MAX_AGE);
    for (int i = 0; i < 5; i++) {
      HttpResponse<byte[]> again = get(nginx.base() + path);
      assertThat(cacheStatus(again)).isEqualTo("HIT");
      assertThat(again.body()).isEqualTo(first.body());
      assertThat(again.headers().firstValue("ETag")).isEqualTo(first.headers().firstValue("ETag"));
    }
    // One 404 asked of each instance directly marks the end: the instances then have counted the
    // MISS and these two, and nothing for the five HITs; S3 one GetObject for the MISS and a
    // GetObject and a listing for each 404.
    assertThat(get(a.base() + "/images/scale/none").statusCode()).isEqualTo(404);
    assertThat(get(b.base() + "/images/scale/none").statusCode()).isEqualTo(404);
    Counts after = awaitImageRequests(before, 3);
    assertThat(after.imageRequests - before.imageRequests).isEqualTo(3);
    assertThat(after.s3 - before.s3).isEqualTo(1 + 2 * 2);
  }

  @Test
  void afterMaxAgeTheCacheRevalidatesAndGets304() throws Exception {
    String path = "/images/scale/" + uploadedId(TestImages.jpeg(300, 200));
    HttpResponse<byte[]> first = get(nginx.base() + path);
    assertThat(cacheStatus(first)).isEqualTo("MISS");
    Counts before = Counts.now();

    Thread.sleep(PAST_MAX_AGE); // the entry's max-age passes: nothing else to wait for
    HttpResponse<byte[]> revalidated = get(nginx.base() + path);

    assertThat(revalidated.statusCode()).isEqualTo(200);
    assertThat(cacheStatus(revalidated)).isEqualTo("REVALIDATED");
    assertThat(revalidated.body()).isEqualTo(first.body());
    // An instance answered 304 (nginx asks with If-None-Match and If-Modified-Since; the service
    // judges If-None-Match), and S3 answered it with one GetObject, no body.
    Counts after = awaitImageRequests(before, 1);
    assertThat(after.notModified - before.notModified).isEqualTo(1);
    assertThat(after.s3 - before.s3).isEqualTo(1);
    // Fresh again for another max-age.
    assertThat(cacheStatus(get(nginx.base() + path))).isEqualTo("HIT");
  }

  @Test
  void variantsNegotiatedByAcceptAreCachedPerFormatAndOnlyForClientsThatAsk() throws Exception {
    String path = "/images/scale/" + uploadedId(TestImages.jpeg(400, 300)) + "?w=80&h=60&rt=fill";
    String chrome = "image/avif,image/webp,image/apng,image/svg+xml,image/*,*/*;q=0.8";
    String firefox = "image/avif,image/webp,*/*";

    HttpResponse<byte[]> avif = get(nginx.base() + path, "Accept", chrome);
    assertThat(avif.headers().firstValue("Content-Type")).hasValue("image/avif");
    assertThat(cacheStatus(avif)).isEqualTo("MISS");
    assertThat(avif.headers().allValues("Vary")).contains("Accept");
    // Another browser's Accept that gets the same answer shares the entry.
    HttpResponse<byte[]> avifAgain = get(nginx.base() + path, "Accept", firefox);
    assertThat(cacheStatus(avifAgain)).isEqualTo("HIT");
    assertThat(avifAgain.body()).isEqualTo(avif.body());

    HttpResponse<byte[]> webp = get(nginx.base() + path, "Accept", "image/webp,*/*");
    assertThat(webp.headers().firstValue("Content-Type")).hasValue("image/webp");
    assertThat(cacheStatus(webp)).isEqualTo("MISS");
    HttpResponse<byte[]> avifRefused =
        get(nginx.base() + path, "Accept", "image/avif;q=0,image/webp");
    assertThat(avifRefused.headers().firstValue("Content-Type")).hasValue("image/webp");
    assertThat(cacheStatus(avifRefused)).isEqualTo("HIT");

    // Clients that ask for neither get the stored format, from the cache too, never AVIF or WebP.
    for (String accept :
        new String[] {
          "image/jpeg", "*/*", "image/avif;q=0, image/webp;q=0.0", "image/avifx", null
        }) {
      HttpResponse<byte[]> plain =
          accept == null ? get(nginx.base() + path) : get(nginx.base() + path, "Accept", accept);
      assertThat(plain.headers().firstValue("Content-Type")).as(accept).hasValue("image/jpeg");
      assertThat(plain.body()).startsWith((byte) 0xFF, (byte) 0xD8);
    }
    assertThat(cacheStatus(get(nginx.base() + path, "Accept", "image/png"))).isEqualTo("HIT");
    assertThat(cacheStatus(get(nginx.base() + path, "Accept", chrome))).isEqualTo("HIT");
    assertThat(
            new String(
                get(nginx.base() + path, "Accept", chrome).body(),
                4,
                8,
                StandardCharsets.ISO_8859_1))
        .isEqualTo("ftypavif");
  }

  @Test
  void afterADeleteTheImageIsGoneFromTheInstancesAtOnceAndFromTheCacheAfterMaxAge()
      throws Exception {
    String path = "/images/scale/" + uploadedId(TestImages.jpeg(300, 200));
    String variant = path + "?w=50";
    assertThat(get(nginx.base() + path).statusCode()).isEqualTo(200);
    assertThat(get(nginx.base() + variant, "Accept", "image/webp").statusCode()).isEqualTo(200);

    HttpResponse<String> deleted =
        CLIENT.send(
            HttpRequest.newBuilder(URI.create(nginx.base() + path)).DELETE().build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(deleted.statusCode()).isEqualTo(200);

    // Gone from both instances at once, the variant too.
    assertThat(get(a.base() + path).statusCode()).isEqualTo(404);
    assertThat(get(b.base() + path).statusCode()).isEqualTo(404);
    assertThat(get(a.base() + variant, "Accept", "image/webp").statusCode()).isEqualTo(404);
    // The cache may answer with the old copy until its max-age ends (README "Scaling out").
    HttpResponse<byte[]> cached = get(nginx.base() + path);
    System.out.printf(
        "ScaleOutIT: right after the delete the balancer answered %d (%s)%n",
        cached.statusCode(), cacheStatus(cached));
    assertThat(cached.statusCode() == 404 || "HIT".equals(cacheStatus(cached)))
        .as("a 200 right after the delete comes from the cache")
        .isTrue();

    Thread.sleep(PAST_MAX_AGE);
    HttpResponse<byte[]> expired = get(nginx.base() + path);
    assertThat(expired.statusCode()).isEqualTo(404);
    assertThat(get(nginx.base() + variant, "Accept", "image/webp").statusCode()).isEqualTo(404);
  }

  /**
   * kill -9 of one instance while GETs (each a cache miss) and uploads run through the balancer:
   * they go on through the other, and only requests that had started before the instance died may
   * fail (nginx resends an idempotent GET to the other instance; a POST that reached the dead one
   * is not resent).
   */
  @Test
  void withOneInstanceKilledUploadsAndGetsContinueThroughTheOther() throws Exception {
    String path = "/images/scale/" + uploadedId(TestImages.jpeg(300, 200));
    byte[] small = TestImages.jpeg(64, 48);
    ConcurrentLinkedQueue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicInteger sequence = new AtomicInteger();
    ConcurrentLinkedQueue<Stored> stored = new ConcurrentLinkedQueue<>();
    ExecutorService load = Executors.newFixedThreadPool(4);
    List<java.util.concurrent.Future<?>> workers = new ArrayList<>();
    for (int w = 0; w < 4; w++) {
      boolean uploads = w == 0;
      workers.add(
          load.submit(() -> {
            while (running.get()) {
              long started = System.nanoTime();
              try {
                if (uploads) {
                  HttpResponse<String> r = uploadVia(nginx.base(), small);
                  outcomes.add(new Outcome("upload", started, r.statusCode(), null));
                  if (r.statusCode() == 200) {
                    stored.add(new Stored(started, Json.read(r.body()).get("image_id").asString()));
                  }
                } else {
                  // A query the service ignores makes every GET a cache miss: each reaches an
                  // instance.
                  HttpResponse<byte[]> r =
                      get(nginx.base() + path + "?n=" + sequence.incrementAndGet());
                  outcomes.add(new Outcome("get", started, r.statusCode(), null));
                }
              } catch (IOException e) {
                outcomes.add(new Outcome(uploads ? "upload" : "get", started, 0, e.toString()));
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
              }
            }
            return null;
          }));
    }
    long killed;
    try {
      await("the load is running")
          .atMost(Duration.ofSeconds(60))
          .until(() ->
              count(outcomes, "get", 200, Long.MIN_VALUE) >= 20
                  && count(outcomes, "upload", 200, Long.MIN_VALUE) >= 2);
      a.kill(); // SIGKILL, and waits until the process is gone
      killed = System.nanoTime();
      await("GETs and uploads go on after the kill")
          .atMost(Duration.ofSeconds(60))
          .until(() ->
              count(outcomes, "get", 200, killed) >= 40
                  && count(outcomes, "upload", 200, killed) >= 5);
    } finally {
      running.set(false);
      for (var worker : workers) {
        worker.get(60, TimeUnit.SECONDS);
      }
      load.shutdown();
    }
    List<Outcome> failed = outcomes.stream().filter(o -> o.status() != 200).toList();
    System.out.printf(
        "ScaleOutIT: %d requests, %d failed, all started before the kill: %s%n",
        outcomes.size(), failed.size(), failed);
    assertThat(failed).allSatisfy(o -> assertThat(o.started()).as(o.toString()).isLessThan(killed));
    // At most the requests that were in flight: one per worker.
    assertThat(failed).hasSizeLessThanOrEqualTo(workers.size());
    // What was uploaded after the kill is stored and served, by the survivor and the balancer.
    for (Stored upload : stored) {
      if (upload.started() > killed) {
        assertThat(get(b.base() + "/images/scale/" + upload.id()).statusCode()).isEqualTo(200);
        assertThat(get(nginx.base() + "/images/scale/" + upload.id()).statusCode()).isEqualTo(200);
      }
    }
    // Back on its port for the other tests, as a restarted instance would be.
    a = ChildProcess.startOnPort(work.resolve("a"), env, a.port());
  }

  /** One request of the load: what it was, when it started (nanoTime), how it ended. */
  private record Outcome(String kind, long started, int status, @Nullable String error) {}

  private record Stored(long started, String id) {}

  private static long count(
      ConcurrentLinkedQueue<Outcome> outcomes, String kind, int status, long startedAfter) {
    return outcomes.stream()
        .filter(o -> o.kind().equals(kind) && o.status() == status && o.started() > startedAfter)
        .count();
  }

  // ---------------------------------------------------------------- HTTP

  private static String uploadedId(byte[] image) throws Exception {
    HttpResponse<String> upload = uploadVia(nginx.base(), image);
    assertThat(upload.statusCode()).as(upload.body()).isEqualTo(200);
    return Json.read(upload.body()).get("image_id").asString();
  }

  private static HttpResponse<String> uploadVia(String base, byte[] image)
      throws IOException, InterruptedException {
    return CLIENT.send(
        HttpRequest.newBuilder(URI.create(base + "/images/scale"))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "image/jpeg")
            .POST(HttpRequest.BodyPublishers.ofByteArray(image))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<byte[]> get(String url, String... headers)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30));
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private static String cacheStatus(HttpResponse<?> response) {
    return response.headers().firstValue("X-Cache-Status").orElse("(none)");
  }

  // ---------------------------------------------------------------- counting at the instances

  /** Requests of /images/{namespace}/{image_id} and S3 requests, summed over both instances. */
  private record Counts(double imageRequests, double notModified, double s3) {
    static Counts now() throws Exception {
      double images = 0;
      double notModified = 0;
      double s3 = 0;
      for (ChildProcess instance : List.of(a, b)) {
        String metrics =
            new String(get(instance.base() + "/metrics").body(), StandardCharsets.UTF_8);
        images += sum(metrics, "http_server_requests_seconds_count", "uri=\"" + IMAGES + "\"");
        notModified +=
            sum(
                metrics,
                "http_server_requests_seconds_count",
                "status=\"304\"",
                "uri=\"" + IMAGES + "\"");
        s3 += sum(metrics, "s3_requests_total");
      }
      return new Counts(images, notModified, s3);
    }
  }

  /** The request counts once the instances have counted {@code more} image requests since. */
  private static Counts awaitImageRequests(Counts since, int more) {
    Counts[] last = new Counts[1];
    await("the instances count " + more + " more image requests")
        .atMost(Duration.ofSeconds(30))
        .until(() -> {
          last[0] = Counts.now();
          return last[0].imageRequests - since.imageRequests >= more;
        });
    return last[0];
  }

  private static double sum(String metrics, String name, String... labels) {
    Matcher m =
        Pattern.compile("(?m)^" + Pattern.quote(name) + "(\\{.*})? (\\S+)$").matcher(metrics);
    double total = 0;
    while (m.find()) {
      String labelSet = m.group(1) == null ? "" : m.group(1);
      boolean all = true;
      for (String label : labels) {
        all &= labelSet.contains(label);
      }
      if (all) {
        total += Double.parseDouble(m.group(2));
      }
    }
    return total;
  }
}
