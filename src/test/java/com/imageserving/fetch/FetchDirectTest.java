package com.imageserving.fetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.imageserving.config.FetchSettings;
import com.imageserving.support.DeadPort;
import com.imageserving.support.TestFetch;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Direct fetches (no proxies) against a real local server. The address rules are lifted so the
 * loopback origin is reachable; the guard itself is covered by {@link UrlGuardTest}.
 */
class FetchDirectTest {

  private final MockWebServer origin = new MockWebServer();
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final TestFetch.MapResolver resolver =
      new TestFetch.MapResolver().map("origin.test", "127.0.0.1");
  private OkHttpImageFetcher fetcher;

  @BeforeEach
  void start() throws IOException {
    origin.start(InetAddress.getByName("127.0.0.1"), 0);
    fetcher = new OkHttpImageFetcher(TestFetch.settings(Map.of(), true, 3), meters, resolver);
  }

  @AfterEach
  void stop() {
    fetcher.close();
    origin.close();
  }

  private String url(String path) {
    return "http://origin.test:" + origin.getPort() + path;
  }

  private double attempts(String outcome) {
    var counter =
        meters
            .find("image.fetch.attempts")
            .tag("pool", "default")
            .tag("outcome", outcome)
            .counter();
    return counter == null ? 0 : counter.count();
  }

  @Test
  void fetchesWithBrowserHeaders() throws Exception {
    origin.enqueue(TestFetch.ok("PNGDATA"));
    FetchedBody body = fetcher.fetch(url("/a.png"), null);
    assertThat(body.bytes()).asString().isEqualTo("PNGDATA");
    assertThat(body.contentType()).isEqualTo("image/png");
    assertThat(body.finalUrl()).isEqualTo(url("/a.png"));
    RecordedRequest request = origin.takeRequest();
    assertThat(request.getHeaders().get("User-Agent"))
        .contains("Chrome/")
        .startsWith("Mozilla/5.0");
    assertThat(request.getHeaders().get("Accept"))
        .isEqualTo("image/avif,image/webp,image/*,*/*;q=0.8");
    assertThat(attempts("success")).isEqualTo(1);
  }

  @Test
  void notFoundFailsAtOnce() {
    origin.setDispatcher(TestFetch.always(TestFetch.status(404)));
    assertThatThrownBy(() -> fetcher.fetch(url("/missing.png"), null))
        .isInstanceOfSatisfying(
            FetchException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(FetchException.Kind.FAILED);
              assertThat(e.getMessage()).isEqualTo("Failed to fetch external image");
            });
    assertThat(origin.getRequestCount()).isEqualTo(1);
    assertThat(attempts("failed")).isEqualTo(1);
    assertThat(attempts("retry")).isZero();
  }

  @Test
  void otherClientErrorsAreNotRetried() {
    for (int code : new int[] {400, 401, 403, 410}) {
      origin.enqueue(TestFetch.status(code));
    }
    for (int i = 0; i < 4; i++) {
      assertThatThrownBy(() -> fetcher.fetch(url("/x"), null)).isInstanceOf(FetchException.class);
    }
    assertThat(origin.getRequestCount()).isEqualTo(4);
  }

  @Test
  void serviceUnavailableIsRetriedThenSucceeds() throws Exception {
    origin.enqueue(TestFetch.status(503));
    origin.enqueue(TestFetch.status(429));
    origin.enqueue(TestFetch.ok("IMG"));
    assertThat(fetcher.fetch(url("/a.png"), null).bytes()).asString().isEqualTo("IMG");
    assertThat(origin.getRequestCount()).isEqualTo(3);
    assertThat(attempts("retry")).isEqualTo(2);
    assertThat(attempts("success")).isEqualTo(1);
  }

  /**
   * The waits between attempts are the behaviour here, so they are measured: back-off 100 ms
   * doubling, capped at 160 ms, gives waits of 100, 160, 160, 160, 160 between six attempts. Each
   * wait is a sleep of at least that long, so a lower bound at the expected value cannot be broken
   * by a slow machine; the upper bounds are 5 times the expected value, and still below the 320,
   * 640... that a back-off without its cap would sleep.
   */
  @Test
  void retriesAtMostMaxRetriesInTotalWithExponentialBackoff() throws Exception {
    fetcher.close();
    FetchSettings base = TestFetch.settings(Map.of(), true, 6);
    FetchSettings settings =
        new FetchSettings(
            base.timeout(),
            base.maxFetchBytes(),
            base.proxies(),
            base.proxyFiles(),
            base.strategy(),
            6,
            base.blacklistThreshold(),
            base.blacklistTtl(),
            Duration.ofMillis(100),
            Duration.ofMillis(160),
            true,
            true,
            5,
            100);
    fetcher = new OkHttpImageFetcher(settings, meters, resolver);
    List<Long> times = new CopyOnWriteArrayList<>();
    origin.setDispatcher(
        new Dispatcher() {
          @Override
          public MockResponse dispatch(RecordedRequest request) {
            times.add(System.nanoTime());
            return TestFetch.status(502);
          }
        });
    assertThatThrownBy(() -> fetcher.fetch(url("/a.png"), null))
        .isInstanceOfSatisfying(
            FetchException.class, e -> assertThat(e.kind()).isEqualTo(FetchException.Kind.FAILED));
    assertThat(times).hasSize(6);
    long[] expected = {100, 160, 160, 160, 160};
    for (int i = 0; i < expected.length; i++) {
      long gapMs = TimeUnit.NANOSECONDS.toMillis(times.get(i + 1) - times.get(i));
      // 1 ms below: the two readings of nanoTime round down separately.
      assertThat(gapMs).as("wait %d", i + 1).isBetween(expected[i] - 1, 5 * expected[i]);
    }
    assertThat(attempts("retry")).isEqualTo(5);
    assertThat(attempts("failed")).isEqualTo(1);
  }

  @Test
  void connectErrorsAreRetried() throws Exception {
    try (DeadPort dead = new DeadPort()) {
      assertThatThrownBy(() -> fetcher.fetch("http://origin.test:" + dead.port() + "/", null))
          .isInstanceOfSatisfying(
              FetchException.class,
              e -> assertThat(e.kind()).isEqualTo(FetchException.Kind.FAILED));
    }
    // Every attempt is a new call, and every call looks the name up once.
    assertThat(resolver.lookups).hasValue(3);
    assertThat(attempts("retry")).isEqualTo(2);
    assertThat(attempts("failed")).isEqualTo(1);
  }

  @Test
  void followsRedirects() throws Exception {
    origin.enqueue(
        new MockResponse.Builder().code(302).setHeader("Location", "/moved/b.png").build());
    origin.enqueue(
        new MockResponse.Builder().code(301).setHeader("Location", url("/final.png")).build());
    origin.enqueue(TestFetch.ok("FINAL"));
    FetchedBody body = fetcher.fetch(url("/a.png"), null);
    assertThat(body.bytes()).asString().isEqualTo("FINAL");
    assertThat(body.finalUrl()).isEqualTo(url("/final.png"));
    assertThat(origin.getRequestCount()).isEqualTo(3);
  }

  @Test
  void redirectLoopStopsAfterFiveHops() {
    origin.setDispatcher(
        TestFetch.always(
            new MockResponse.Builder().code(302).setHeader("Location", "/loop").build()));
    assertThatThrownBy(() -> fetcher.fetch(url("/loop"), null))
        .isInstanceOfSatisfying(
            FetchException.class, e -> assertThat(e.kind()).isEqualTo(FetchException.Kind.FAILED));
    // The first request and five redirects; a loop is not retried.
    assertThat(origin.getRequestCount()).isEqualTo(6);
  }

  @Test
  void redirectToARefusedUrlIsRefused() {
    for (String location :
        new String[] {"http://localhost:" + origin.getPort() + "/", "ftp://origin.test/x"}) {
      origin.enqueue(new MockResponse.Builder().code(302).setHeader("Location", location).build());
      assertThatThrownBy(() -> fetcher.fetch(url("/a.png"), null))
          .isInstanceOfSatisfying(
              FetchException.class,
              e -> assertThat(e.kind()).isEqualTo(FetchException.Kind.INVALID_URL));
    }
    assertThat(origin.getRequestCount()).isEqualTo(2);
  }

  @Test
  void unknownPoolIsRefused() {
    assertThat(fetcher.hasPool("anything")).isFalse();
    assertThatThrownBy(() -> fetcher.fetch(url("/a.png"), "anything"))
        .isInstanceOfSatisfying(
            FetchException.class,
            e -> assertThat(e.kind()).isEqualTo(FetchException.Kind.UNKNOWN_POOL));
    assertThat(origin.getRequestCount()).isZero();
  }
}
