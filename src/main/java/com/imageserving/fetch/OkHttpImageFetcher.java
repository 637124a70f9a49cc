package com.imageserving.fetch;

import com.imageserving.config.FetchSettings;
import com.imageserving.fetch.FetchMetrics.Outcome;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.random.RandomGenerator;
import javax.net.SocketFactory;
import okhttp3.Call;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * The outbound fetcher of API.md §5 and §6: checks the URL, picks a proxy per attempt, retries with
 * exponential back-off, blacklists failing proxies, follows redirects itself (so each hop is
 * checked), and bounds time and size.
 *
 * <p>One OkHttpClient (and so one connection pool) is shared; each proxy gets a client derived from
 * it once, at start-up.
 */
@Component
public final class OkHttpImageFetcher implements ImageFetcher, AutoCloseable {

  static final String USER_AGENT =
      "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko)"
          + " Chrome/138.0.0.0 Safari/537.36";
  static final String ACCEPT = "image/avif,image/webp,image/*,*/*;q=0.8";
  static final int MAX_REDIRECTS = 5;

  private static final Logger log = LoggerFactory.getLogger(OkHttpImageFetcher.class);
  private static final String FAILED_MESSAGE = "Failed to fetch external image";
  private static final Set<Integer> RETRYABLE_STATUSES = Set.of(429, 500, 502, 503, 504);
  private static final Set<Integer> REDIRECT_STATUSES = Set.of(301, 302, 303, 307, 308);
  private static final String DEFAULT_POOL = "default";

  private final FetchSettings settings;
  private final UrlGuard guard;
  private final OkHttpClient direct;
  private final Map<String, ProxyPool> pools;
  private final @Nullable ProxyPool combined;
  private final Retry retry;
  private final FetchMetrics metrics;

  public OkHttpImageFetcher(FetchSettings settings, MeterRegistry meters) {
    this(settings, meters, Resolver.SYSTEM);
  }

  /** The system's network, unless the context holds a {@link DirectNetwork} of its own. */
  @Autowired
  public OkHttpImageFetcher(
      FetchSettings settings, MeterRegistry meters, ObjectProvider<DirectNetwork> network) {
    this(settings, meters, network.getIfAvailable(() -> DirectNetwork.SYSTEM), Clock.systemUTC());
  }

  /** With a resolver of the caller's choosing, so tests can map names to any address. */
  public OkHttpImageFetcher(FetchSettings settings, MeterRegistry meters, Resolver resolver) {
    this(
        settings,
        meters,
        new DirectNetwork(resolver, SocketFactory.getDefault()),
        Clock.systemUTC());
  }

  /**
   * With the network of direct fetches and the clock that times blacklistings of the caller's
   * choosing, so tests can reach loopback servers under public names and move time on.
   */
  public OkHttpImageFetcher(
      FetchSettings settings, MeterRegistry meters, DirectNetwork network, Clock clock) {
    Resolver resolver = network.resolver();
    this.settings = settings;
    this.guard = new UrlGuard(settings.allowPrivateNetworks());
    this.metrics = new FetchMetrics(meters);
    this.direct =
        new OkHttpClient.Builder()
            .dns(new GuardedDns(resolver, settings.allowPrivateNetworks()))
            .socketFactory(network.sockets())
            .callTimeout(settings.timeout())
            .connectTimeout(settings.timeout())
            .readTimeout(settings.timeout())
            .writeTimeout(settings.timeout())
            // Redirects are followed here, one checked hop at a time; retries are ours too, so
            // OkHttp must not silently repeat a request on another route.
            .followRedirects(false)
            .followSslRedirects(false)
            .retryOnConnectionFailure(false)
            .build();

    Map<String, List<ProxyEndpoint>> configured = ProxyPools.load(settings);
    ProxyHealth health =
        new ProxyHealth(settings.blacklistThreshold(), settings.blacklistTtl(), meters, clock);
    Map<ProxyEndpoint, ProxyRoute> routes = new LinkedHashMap<>();
    for (ProxyEndpoint proxy : ProxyPools.combined(configured)) {
      routes.put(proxy, new ProxyRoute(proxy, health.breaker(proxy), clientFor(proxy, resolver)));
    }
    RandomGenerator random = RandomGenerator.getDefault();
    Map<String, ProxyPool> named = new LinkedHashMap<>();
    configured.forEach((name, proxies) ->
        named.put(
            name,
            new ProxyPool(
                name, proxies.stream().map(routes::get).toList(), settings.strategy(), random)));
    this.pools = Map.copyOf(named);
    this.combined =
        routes.isEmpty()
            ? null
            : new ProxyPool(
                DEFAULT_POOL, new ArrayList<>(routes.values()), settings.strategy(), random);

    Duration min = atLeastOneMilli(settings.backoffMin());
    Duration max = settings.backoffMax().compareTo(min) < 0 ? min : settings.backoffMax();
    this.retry =
        Retry.of(
            "image-fetch",
            RetryConfig.custom()
                .maxAttempts(settings.maxRetries())
                .intervalFunction(IntervalFunction.ofExponentialBackoff(min, 2, max))
                .retryOnException(e -> e instanceof RetryableFailure)
                .build());
    log.info(
        "Fetcher ready: {} pool(s), {} distinct prox(ies), strategy {}",
        pools.size(),
        routes.size(),
        settings.strategy());
  }

  private OkHttpClient clientFor(ProxyEndpoint proxy, Resolver resolver) {
    OkHttpClient.Builder builder = direct.newBuilder();
    if (proxy.type() == ProxyEndpoint.Type.HTTP) {
      // The proxy's own address is operator configuration, not subject to the address rules, so
      // it is resolved without the guard. The target host is never resolved locally.
      builder
          .proxy(
              new Proxy(
                  Proxy.Type.HTTP, InetSocketAddress.createUnresolved(proxy.host(), proxy.port())))
          .dns(hostname -> unguarded(resolver, hostname));
      if (proxy.hasCredentials()) {
        builder.proxyAuthenticator(new ProxyCredentials(proxy));
      }
    } else {
      builder
          .proxy(Proxy.NO_PROXY)
          .socketFactory(new Socks5SocketFactory(proxy))
          .dns(new ProxyDns());
    }
    return builder.build();
  }

  private static List<java.net.InetAddress> unguarded(Resolver resolver, String hostname)
      throws java.net.UnknownHostException {
    return resolver.resolve(hostname);
  }

  @Override
  public boolean hasPool(String pool) {
    return pools.containsKey(pool);
  }

  @Override
  public <T> Fetched<T> fetch(String url, @Nullable String pool, BodyReader<T> reader)
      throws FetchException {
    ProxyPool proxies;
    String poolTag;
    if (pool == null) {
      proxies = combined;
      poolTag = DEFAULT_POOL;
    } else {
      proxies = pools.get(pool);
      poolTag = pool;
      if (proxies == null) {
        throw new FetchException(FetchException.Kind.UNKNOWN_POOL, "Unknown proxy pool");
      }
    }
    HttpUrl target;
    try {
      target = guard.check(url);
    } catch (FetchException e) {
      metrics.count(poolTag, Outcome.REFUSED);
      throw e;
    }
    AtomicInteger attempts = new AtomicInteger();
    try {
      return retry.executeCheckedSupplier(
          () -> attempt(target, proxies, poolTag, attempts.incrementAndGet(), reader));
    } catch (FetchException e) {
      throw e;
    } catch (LimitedBody.ReaderFailure e) {
      throw e.failure(); // the reader's own (a full input budget: 503), not a failed fetch
    } catch (RetryableFailure e) {
      throw new FetchException(FetchException.Kind.FAILED, FAILED_MESSAGE, e);
    } catch (Throwable e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw new FetchException(FetchException.Kind.FAILED, FAILED_MESSAGE, e);
    }
  }

  private <T> Fetched<T> attempt(
      HttpUrl url, @Nullable ProxyPool proxies, String poolTag, int number, BodyReader<T> reader)
      throws FetchException, RetryableFailure {
    ProxyRoute route = proxies == null ? null : proxies.acquire();
    OkHttpClient client = direct;
    if (route != null) {
      client = route.client();
    } else if (proxies != null) {
      if (!settings.fallbackDirect()) {
        metrics.count(poolTag, Outcome.FAILED);
        log.warn("Every proxy of pool '{}' is blacklisted; not fetching", poolTag);
        throw new FetchException(FetchException.Kind.FAILED, FAILED_MESSAGE);
      }
      log.warn("Every proxy of pool '{}' is blacklisted; fetching directly", poolTag);
    }
    String via = route == null ? "direct" : route.endpoint().toString();
    long start = System.nanoTime();
    try {
      Fetched<T> body = exchange(client, url, reader);
      success(route, start);
      metrics.count(poolTag, Outcome.SUCCESS);
      return body;
    } catch (RetryableFailure e) {
      if (route != null) {
        route.breaker().onError(System.nanoTime() - start, TimeUnit.NANOSECONDS, e);
      }
      boolean last = number >= settings.maxRetries();
      metrics.count(poolTag, last ? Outcome.FAILED : Outcome.RETRY);
      log.info(
          "Fetch attempt {}/{} for host {} via {} failed: {}",
          number,
          settings.maxRetries(),
          url.host(),
          via,
          e.getMessage());
      throw e;
    } catch (FetchException e) {
      // The proxy carried the exchange; what went wrong is the target's doing.
      success(route, start);
      metrics.count(
          poolTag,
          switch (e.kind()) {
            case TOO_LARGE -> Outcome.TOO_LARGE;
            case INVALID_URL -> Outcome.REFUSED;
            default -> Outcome.FAILED;
          });
      throw e;
    } catch (RuntimeException e) {
      if (route != null) {
        route.breaker().releasePermission();
      }
      throw e;
    }
  }

  private static void success(@Nullable ProxyRoute route, long start) {
    if (route != null) {
      route.breaker().onSuccess(System.nanoTime() - start, TimeUnit.NANOSECONDS);
    }
  }

  /**
   * One attempt: the request and up to {@value #MAX_REDIRECTS} redirects, within one timeout. The
   * body goes straight to {@code reader}, bounded by MAX_FETCH_BYTES as it streams.
   */
  private <T> Fetched<T> exchange(OkHttpClient client, HttpUrl url, BodyReader<T> reader)
      throws FetchException, RetryableFailure {
    long deadline = System.nanoTime() + settings.timeout().toNanos();
    HttpUrl current = url;
    for (int hop = 0; ; hop++) {
      long remaining = deadline - System.nanoTime();
      if (remaining <= 0) {
        throw new RetryableFailure("timed out");
      }
      Request request =
          new Request.Builder()
              .url(current)
              .header("User-Agent", USER_AGENT)
              .header("Accept", ACCEPT)
              .build();
      Call call = client.newCall(request);
      call.timeout().timeout(remaining, TimeUnit.NANOSECONDS);
      try (Response response = execute(call)) {
        int code = response.code();
        if (REDIRECT_STATUSES.contains(code)) {
          String location = response.header("Location");
          if (location == null) {
            throw new FetchException(FetchException.Kind.FAILED, FAILED_MESSAGE);
          }
          if (hop >= MAX_REDIRECTS) {
            log.info("Too many redirects fetching host {}", url.host());
            throw new FetchException(FetchException.Kind.FAILED, FAILED_MESSAGE);
          }
          HttpUrl next = current.resolve(location);
          if (next == null) {
            throw UrlGuard.invalid();
          }
          guard.check(next);
          current = next;
          continue;
        }
        if (RETRYABLE_STATUSES.contains(code) || code == 407) {
          // 407 means the proxy refused our credentials: the next attempt tries another proxy.
          throw new RetryableFailure("HTTP " + code);
        }
        if (code < 200 || code > 299) {
          log.info("Fetching host {} answered HTTP {}", url.host(), code);
          throw new FetchException(FetchException.Kind.FAILED, FAILED_MESSAGE);
        }
        ResponseBody body = response.body();
        T read;
        try {
          read = LimitedBody.read(call, body, settings.maxFetchBytes(), reader);
        } catch (IOException e) {
          throw new RetryableFailure(describe(e), e);
        }
        String type = response.header("Content-Type");
        return new Fetched<>(read, type, current.toString());
      }
    }
  }

  private static Response execute(Call call) throws FetchException, RetryableFailure {
    try {
      return call.execute();
    } catch (IOException e) {
      if (refused(e)) {
        throw UrlGuard.invalid();
      }
      throw new RetryableFailure(describe(e), e);
    }
  }

  /** Whether the guarded DNS refused the host, possibly wrapped or suppressed by OkHttp. */
  private static boolean refused(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof RefusedAddressException) {
        return true;
      }
      for (Throwable s : t.getSuppressed()) {
        if (refused(s)) {
          return true;
        }
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return false;
  }

  private static String describe(IOException e) {
    String kind = e instanceof InterruptedIOException ? "timeout" : e.getClass().getSimpleName();
    return kind + ": " + e.getMessage();
  }

  private static Duration atLeastOneMilli(Duration d) {
    return d.toMillis() < 1 ? Duration.ofMillis(1) : d;
  }

  @Override
  public void close() {
    direct.dispatcher().executorService().shutdown();
    direct.connectionPool().evictAll();
  }

  /** For tests: the OkHttp client of direct fetches. */
  OkHttpClient direct() {
    return direct;
  }
}
