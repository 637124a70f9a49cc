package com.imageserving.fetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.imageserving.config.FetchSettings;
import com.imageserving.support.DeadPort;
import com.imageserving.support.TestClock;
import com.imageserving.support.TestFetch;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.SocketFactory;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * API.md §6 rotation, retries and blacklisting, with three HTTP proxies (MockWebServers) that each
 * answer with a status a test can change, and log which proxy got each request.
 */
class ProxyRotationTest {

  private final List<MockWebServer> proxies = new ArrayList<>();
  private final List<AtomicInteger> statuses = new ArrayList<>();
  private final List<Integer> log = new CopyOnWriteArrayList<>();
  private final MockWebServer origin = new MockWebServer();
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private OkHttpImageFetcher fetcher;

  /** Blacklistings are timed on this clock, which only the test moves. */
  private final TestClock clock = new TestClock();

  private static final Duration TTL = Duration.ofSeconds(60);

  @BeforeEach
  void start() throws IOException {
    origin.start(InetAddress.getByName("127.0.0.1"), 0);
    origin.setDispatcher(TestFetch.always(TestFetch.ok("DIRECT")));
    for (int i = 0; i < 3; i++) {
      int index = i;
      AtomicInteger status = new AtomicInteger(200);
      MockWebServer proxy = new MockWebServer();
      proxy.setDispatcher(
          new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
              log.add(index);
              int code = status.get();
              return code == 200 ? TestFetch.ok("P" + index) : TestFetch.status(code);
            }
          });
      proxy.start(InetAddress.getByName("127.0.0.1"), 0);
      proxies.add(proxy);
      statuses.add(status);
    }
  }

  @AfterEach
  void stop() {
    if (fetcher != null) {
      fetcher.close();
    }
    proxies.forEach(MockWebServer::close);
    origin.close();
  }

  private String proxy(int i) {
    return "http://127.0.0.1:" + proxies.get(i).getPort();
  }

  private OkHttpImageFetcher fetcher(
      Map<String, List<String>> pools,
      FetchSettings.Strategy strategy,
      int maxRetries,
      int threshold,
      boolean fallbackDirect) {
    FetchSettings settings =
        new FetchSettings(
            Duration.ofSeconds(3),
            1_000_000,
            pools,
            Map.of(),
            strategy,
            maxRetries,
            threshold,
            TTL,
            Duration.ofMillis(10),
            Duration.ofMillis(20),
            true,
            fallbackDirect,
            5,
            100);
    fetcher =
        new OkHttpImageFetcher(
            settings,
            meters,
            new DirectNetwork(
                new TestFetch.MapResolver().map("origin.test", "127.0.0.1"),
                SocketFactory.getDefault()),
            clock);
    return fetcher;
  }

  private String url() {
    return "http://origin.test:" + origin.getPort() + "/a.png";
  }

  private String fetchBody(String pool) throws FetchException {
    return new String(fetcher.fetch(url(), pool).bytes());
  }

  @Test
  void roundRobinCyclesThroughThePool() throws Exception {
    fetcher(
        Map.of("p", List.of(proxy(0), proxy(1), proxy(2))),
        FetchSettings.Strategy.ROUND_ROBIN,
        3,
        3,
        true);
    for (int i = 0; i < 6; i++) {
      fetchBody("p");
    }
    assertThat(log).containsExactly(0, 1, 2, 0, 1, 2);
    assertThat(origin.getRequestCount()).isZero();
  }

  @Test
  void randomSpreadsUniformlyOverAvailableProxies() throws Exception {
    fetcher(
        Map.of("p", List.of(proxy(0), proxy(1), proxy(2))),
        FetchSettings.Strategy.RANDOM,
        1,
        2,
        true);
    for (int i = 0; i < 150; i++) {
      fetchBody("p");
    }
    for (int p = 0; p < 3; p++) {
      int index = p;
      assertThat(log.stream().filter(x -> x == index).count()).isBetween(25L, 75L);
    }
    // Blacklist proxy 0: random must then never pick it.
    statuses.get(0).set(503);
    for (int i = 0; i < 40; i++) {
      try {
        fetchBody("p");
      } catch (FetchException ignored) {
        // attempts that landed on proxy 0 before it was blacklisted
      }
    }
    log.clear();
    for (int i = 0; i < 60; i++) {
      fetchBody("p");
    }
    assertThat(log).doesNotContain(0).contains(1, 2);
  }

  @Test
  void eachRetryGoesToTheNextProxy() throws Exception {
    statuses.get(0).set(503);
    statuses.get(1).set(502);
    fetcher(
        Map.of("p", List.of(proxy(0), proxy(1), proxy(2))),
        FetchSettings.Strategy.ROUND_ROBIN,
        3,
        5,
        true);
    assertThat(fetchBody("p")).isEqualTo("P2");
    assertThat(log).containsExactly(0, 1, 2);
  }

  @Test
  void deadProxyIsAConnectErrorAndTheNextOneServes() throws Exception {
    try (DeadPort dead = new DeadPort()) {
      fetcher(
          Map.of("p", List.of("http://127.0.0.1:" + dead.port(), proxy(1))),
          FetchSettings.Strategy.ROUND_ROBIN,
          2,
          3,
          true);
      assertThat(fetchBody("p")).isEqualTo("P1");
    }
  }

  @Test
  void blacklistsAfterThresholdThenGivesOneTrialAfterTtl() throws Exception {
    statuses.get(0).set(503);
    // One attempt per fetch so each fetch is exactly one pick.
    fetcher(
        Map.of("p", List.of(proxy(0), proxy(1))), FetchSettings.Strategy.ROUND_ROBIN, 1, 2, true);
    List<String> results = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      try {
        results.add(fetchBody("p"));
      } catch (FetchException e) {
        results.add("fail");
      }
    }
    // 0 fails twice in a row (blacklisted), then only 1 is used.
    assertThat(log).containsExactly(0, 1, 0, 1, 1, 1);
    assertThat(results).containsExactly("fail", "P1", "fail", "P1", "P1", "P1");
    assertThat(gauge(0)).isEqualTo(1.0);

    // Just before the TTL ends: still blacklisted.
    clock.advance(TTL.minusSeconds(1));
    log.clear();
    fetchBody("p");
    assertThat(log).containsExactly(1);

    // After the TTL: one trial; its failure blacklists 0 again at once.
    clock.advance(Duration.ofSeconds(2));
    log.clear();
    for (int i = 0; i < 4; i++) {
      try {
        fetchBody("p");
      } catch (FetchException ignored) {
        // the trial
      }
    }
    assertThat(log).containsExactly(0, 1, 1, 1);

    // After the TTL again, a successful trial clears it: back to alternating.
    clock.advance(TTL.plusSeconds(1));
    statuses.get(0).set(200);
    log.clear();
    for (int i = 0; i < 5; i++) {
      fetchBody("p");
    }
    assertThat(log).containsExactly(0, 1, 0, 1, 0);
    assertThat(gauge(0)).isEqualTo(0.0);
  }

  @Test
  void blacklistIsSharedBetweenNamedAndCombinedPool() throws Exception {
    statuses.get(0).set(503);
    Map<String, List<String>> pools = new LinkedHashMap<>();
    pools.put("a", List.of(proxy(0)));
    pools.put("b", List.of(proxy(1), proxy(0)));
    fetcher(pools, FetchSettings.Strategy.ROUND_ROBIN, 1, 2, false);
    assertThat(fetcher.hasPool("a")).isTrue();
    assertThat(fetcher.hasPool("b")).isTrue();
    for (int i = 0; i < 2; i++) {
      assertThatThrownBy(() -> fetchBody("a")).isInstanceOf(FetchException.class);
    }
    log.clear();
    for (int i = 0; i < 4; i++) {
      assertThat(fetchBody(null)).isEqualTo("P1"); // combined pool: proxy 0 skipped
      assertThat(fetchBody("b")).isEqualTo("P1");
    }
    assertThat(log).containsOnly(1);
  }

  @Test
  void wholePoolBlacklistedGoesDirectWhenAllowed() throws Exception {
    statuses.get(0).set(503);
    fetcher(Map.of("a", List.of(proxy(0))), FetchSettings.Strategy.ROUND_ROBIN, 1, 2, true);
    for (int i = 0; i < 2; i++) {
      assertThatThrownBy(() -> fetchBody("a")).isInstanceOf(FetchException.class);
    }
    assertThat(fetchBody("a")).isEqualTo("DIRECT");
    assertThat(origin.getRequestCount()).isEqualTo(1);
    assertThat(log).hasSize(2);
  }

  @Test
  void wholePoolBlacklistedFailsWhenFallbackIsOff() throws Exception {
    statuses.get(0).set(503);
    fetcher(Map.of("a", List.of(proxy(0))), FetchSettings.Strategy.ROUND_ROBIN, 1, 2, false);
    for (int i = 0; i < 2; i++) {
      assertThatThrownBy(() -> fetchBody("a")).isInstanceOf(FetchException.class);
    }
    assertThatThrownBy(() -> fetchBody("a"))
        .isInstanceOfSatisfying(
            FetchException.class, e -> assertThat(e.kind()).isEqualTo(FetchException.Kind.FAILED));
    assertThat(origin.getRequestCount()).isZero();
    assertThat(log).hasSize(2);
  }

  @Test
  void notFoundThroughAProxyIsNotAProxyFailure() throws Exception {
    statuses.get(0).set(404);
    fetcher(Map.of("a", List.of(proxy(0))), FetchSettings.Strategy.ROUND_ROBIN, 3, 2, false);
    for (int i = 0; i < 4; i++) {
      assertThatThrownBy(() -> fetchBody("a")).isInstanceOf(FetchException.class);
    }
    assertThat(log).hasSize(4); // never retried, never blacklisted
    assertThat(gauge(0)).isEqualTo(0.0);
    assertThat(
            meters
                .find("image.fetch.attempts")
                .tag("pool", "a")
                .tag("outcome", "failed")
                .counter()
                .count())
        .isEqualTo(4);
  }

  private double gauge(int proxy) {
    return meters
        .get("image.fetch.proxy.state")
        .tag("proxy", "127.0.0.1:" + proxies.get(proxy).getPort())
        .gauge()
        .value();
  }
}
