package com.imageserving.fetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.imageserving.config.FetchSettings;
import com.imageserving.support.TestFetch;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import mockwebserver3.MockResponse;
import mockwebserver3.MockResponseBody;
import mockwebserver3.MockWebServer;
import okio.BufferedSink;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** MAX_FETCH_BYTES and FETCH_TIMEOUT against a real server that watches the client stop. */
class FetchLimitsTest {

  private static final long LIMIT = 1_000_000;

  private final MockWebServer origin = new MockWebServer();
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private OkHttpImageFetcher fetcher;

  @BeforeEach
  void start() throws IOException {
    origin.start(InetAddress.getByName("127.0.0.1"), 0);
    fetcher = fetcher(Duration.ofSeconds(3), 3);
  }

  private OkHttpImageFetcher fetcher(Duration timeout, int maxRetries) {
    FetchSettings base = TestFetch.settings(Map.of(), true, maxRetries);
    FetchSettings settings =
        new FetchSettings(
            timeout,
            LIMIT,
            base.proxies(),
            base.proxyFiles(),
            base.strategy(),
            maxRetries,
            base.blacklistThreshold(),
            base.blacklistTtl(),
            base.backoffMin(),
            base.backoffMax(),
            true,
            true,
            5,
            100);
    return new OkHttpImageFetcher(
        settings, meters, new TestFetch.MapResolver().map("origin.test", "127.0.0.1"));
  }

  @AfterEach
  void stop() {
    fetcher.close();
    origin.close();
  }

  private String url() {
    return "http://origin.test:" + origin.getPort() + "/big.png";
  }

  /**
   * An endless body that records how much the server managed to write before the client hung up.
   * With {@code chunked} it frames the bytes itself as HTTP/1.1 chunks (no Content-Length).
   */
  private static final class EndlessBody implements MockResponseBody {
    final AtomicLong written = new AtomicLong();
    final CountDownLatch clientStopped = new CountDownLatch(1);
    private final long declaredLength;
    private final boolean chunked;

    EndlessBody(long declaredLength, boolean chunked) {
      this.declaredLength = declaredLength;
      this.chunked = chunked;
    }

    @Override
    public long getContentLength() {
      return declaredLength;
    }

    @Override
    public void writeTo(BufferedSink sink) throws IOException {
      byte[] chunk = new byte[16 * 1024];
      try {
        while (written.get() < 200_000_000L) {
          if (chunked) {
            sink.writeUtf8(Integer.toHexString(chunk.length) + "\r\n");
          }
          sink.write(chunk);
          if (chunked) {
            sink.writeUtf8("\r\n");
          }
          sink.flush();
          written.addAndGet(chunk.length);
        }
      } catch (IOException e) {
        clientStopped.countDown();
        throw e;
      }
    }
  }

  @Test
  void declaredContentLengthOverTheLimitIsRefusedBeforeReading() throws Exception {
    EndlessBody body = new EndlessBody(100_000_000L, false);
    origin.enqueue(new MockResponse.Builder().code(200).body(body).build());
    assertThatThrownBy(() -> fetcher.fetch(url(), null))
        .isInstanceOfSatisfying(
            FetchException.class,
            e -> assertThat(e.kind()).isEqualTo(FetchException.Kind.TOO_LARGE));
    assertThat(body.clientStopped.await(30, TimeUnit.SECONDS)).isTrue();
    // Only what socket buffers absorbed before the client closed: far below the declared size.
    assertThat(body.written.get()).isLessThan(16_000_000L);
    assertThat(origin.getRequestCount()).isEqualTo(1); // not retried
  }

  @Test
  void chunkedBodyIsCutOffOncePastTheLimit() throws Exception {
    EndlessBody body = new EndlessBody(-1, true);
    origin.enqueue(
        new MockResponse.Builder()
            .code(200)
            .setHeader("Transfer-Encoding", "chunked")
            .body(body)
            .build());
    assertThatThrownBy(() -> fetcher.fetch(url(), null))
        .isInstanceOfSatisfying(
            FetchException.class,
            e -> assertThat(e.kind()).isEqualTo(FetchException.Kind.TOO_LARGE));
    assertThat(body.clientStopped.await(30, TimeUnit.SECONDS)).isTrue();
    assertThat(body.written.get()).isGreaterThan(LIMIT).isLessThan(LIMIT + 16_000_000L);
    assertThat(origin.getRequestCount()).isEqualTo(1);
    var tooLarge = meters.find("image.fetch.attempts").tag("outcome", "too_large").counter();
    assertThat(tooLarge).isNotNull();
    assertThat(tooLarge.count()).isEqualTo(1);
  }

  @Test
  void bodyExactlyAtTheLimitIsAccepted() throws Exception {
    origin.enqueue(
        new MockResponse.Builder()
            .code(200)
            .body(new okio.Buffer().write(new byte[(int) LIMIT]))
            .build());
    assertThat(fetcher.fetch(url(), null).bytes()).hasSize((int) LIMIT);
  }

  /**
   * FETCH_TIMEOUT bounds a whole attempt, so the time taken is the behaviour and is measured: two
   * attempts of 500 ms and one back-off of at most 80 ms, about 1.1 s. It cannot end sooner than
   * the two timeouts (the body keeps coming), and the upper bound is 5 times the expectation;
   * without the timeout the trickle alone would take 30 s an attempt.
   */
  @Test
  void slowBodyIsCutByTheTimeout() {
    fetcher.close();
    fetcher = fetcher(Duration.ofMillis(500), 2);
    // Headers at once, then 1 byte every 100 ms of a 300-byte body.
    origin.setDispatcher(
        TestFetch.always(
            new MockResponse.Builder()
                .code(200)
                .body("x".repeat(300))
                .throttleBody(1, 100, TimeUnit.MILLISECONDS)
                .build()));
    long start = System.nanoTime();
    assertThatThrownBy(() -> fetcher.fetch(url(), null))
        .isInstanceOfSatisfying(
            FetchException.class, e -> assertThat(e.kind()).isEqualTo(FetchException.Kind.FAILED));
    Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
    assertThat(elapsed).isBetween(Duration.ofMillis(1000), Duration.ofMillis(1100).multipliedBy(5));
    assertThat(origin.getRequestCount()).isEqualTo(2);
  }

  /** As above for headers that never come: one attempt of 300 ms, bounded by 5 times that. */
  @Test
  void slowHeadersAreCutByTheTimeout() {
    fetcher.close();
    fetcher = fetcher(Duration.ofMillis(300), 1);
    origin.setDispatcher(
        TestFetch.always(
            new MockResponse.Builder()
                .code(200)
                .body("late")
                .headersDelay(30, TimeUnit.SECONDS)
                .build()));
    long start = System.nanoTime();
    assertThatThrownBy(() -> fetcher.fetch(url(), null))
        .isInstanceOfSatisfying(
            FetchException.class, e -> assertThat(e.kind()).isEqualTo(FetchException.Kind.FAILED));
    assertThat(Duration.ofNanos(System.nanoTime() - start))
        .isBetween(Duration.ofMillis(300), Duration.ofMillis(300).multipliedBy(5));
  }
}
