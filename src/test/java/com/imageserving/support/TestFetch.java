package com.imageserving.support;

import com.imageserving.config.FetchSettings;
import com.imageserving.fetch.Resolver;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;

/** Shared test fixtures: settings with short times, a map-backed resolver, fixed responders. */
public final class TestFetch {

  private TestFetch() {}

  public static FetchSettings settings(
      Map<String, List<String>> proxies, boolean allowPrivate, int maxRetries) {
    return new FetchSettings(
        Duration.ofSeconds(3),
        1_000_000,
        proxies,
        Map.of(),
        FetchSettings.Strategy.ROUND_ROBIN,
        maxRetries,
        3,
        Duration.ofMillis(200),
        Duration.ofMillis(20),
        Duration.ofMillis(80),
        allowPrivate,
        true,
        5,
        100);
  }

  /** A resolver answering from a fixed table and counting lookups; unknown names fail. */
  public static final class MapResolver implements Resolver {
    public final Map<String, List<InetAddress>> table = new ConcurrentHashMap<>();
    public final AtomicInteger lookups = new AtomicInteger();

    public MapResolver map(String host, String... addresses) {
      List<InetAddress> list =
          java.util.Arrays.stream(addresses)
              .map(a -> {
                try {
                  return InetAddress.getByName(a); // literals only: no DNS
                } catch (UnknownHostException e) {
                  throw new IllegalArgumentException(e);
                }
              })
              .toList();
      table.put(host, list);
      return this;
    }

    @Override
    public List<InetAddress> resolve(String host) throws UnknownHostException {
      lookups.incrementAndGet();
      List<InetAddress> found = table.get(host);
      if (found == null) {
        throw new UnknownHostException(host);
      }
      return found;
    }
  }

  /** Answers every request with the same response (the queue dispatcher would block). */
  public static Dispatcher always(MockResponse response) {
    return new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        return response;
      }
    };
  }

  public static MockResponse ok(String body) {
    return new MockResponse.Builder()
        .code(200)
        .setHeader("Content-Type", "image/png")
        .body(body)
        .build();
  }

  public static MockResponse status(int code) {
    return new MockResponse.Builder().code(code).body("").build();
  }
}
