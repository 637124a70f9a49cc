package com.imageserving.fetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.imageserving.support.Socks5TestServer;
import com.imageserving.support.TestFetch;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.Credentials;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * HTTP and SOCKS5 proxies, with and without credentials, each a real server started here. The
 * address rules stay ON: through a proxy, names are resolved by the proxy, never locally.
 */
class FetchThroughProxyTest {

  private static final String SECRET = "s3cr3t-Pa55";

  private final MockWebServer origin = new MockWebServer();
  private final MockWebServer httpProxy = new MockWebServer();
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final TestFetch.MapResolver resolver = new TestFetch.MapResolver();
  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  private final Logger logger = (Logger) LoggerFactory.getLogger("com.imageserving.fetch");
  private @Nullable Level previousLevel;
  private Socks5TestServer socks;
  private OkHttpImageFetcher fetcher;

  @BeforeEach
  void start() throws IOException {
    origin.start(InetAddress.getByName("127.0.0.1"), 0);
    httpProxy.start(InetAddress.getByName("127.0.0.1"), 0);
    // DEBUG here, so that what is logged at any level is checked for secrets; restored after.
    previousLevel = logger.getLevel();
    logger.setLevel(Level.DEBUG);
    logs.start();
    logger.addAppender(logs);
  }

  @AfterEach
  void stop() {
    logger.detachAppender(logs);
    logger.setLevel(previousLevel);
    if (fetcher != null) {
      fetcher.close();
    }
    if (socks != null) {
      socks.close();
    }
    origin.close();
    httpProxy.close();
  }

  private OkHttpImageFetcher fetcherWith(String proxyUrl, int maxRetries) {
    fetcher =
        new OkHttpImageFetcher(
            TestFetch.settings(Map.of("main", List.of(proxyUrl)), false, maxRetries),
            meters,
            resolver);
    return fetcher;
  }

  private Socks5TestServer socks(String user, String pass) throws InterruptedException {
    socks =
        new Socks5TestServer(
            user, pass, destination -> new InetSocketAddress("127.0.0.1", origin.getPort()));
    return socks;
  }

  // --- HTTP proxy ---

  @Test
  void httpProxyGetsTheAbsoluteUrlAndNothingIsResolvedLocally() throws Exception {
    httpProxy.enqueue(TestFetch.ok("VIA-PROXY"));
    fetcherWith("http://127.0.0.1:" + httpProxy.getPort(), 3);
    FetchedBody body = fetcher.fetch("http://images.test/cat.png", "main");
    assertThat(body.bytes()).asString().isEqualTo("VIA-PROXY");
    RecordedRequest request = httpProxy.takeRequest();
    assertThat(request.getTarget()).isEqualTo("http://images.test/cat.png");
    assertThat(request.getHeaders().get("Proxy-Authorization")).isNull();
    assertThat(resolver.lookups).hasValue(0);
  }

  @Test
  void httpProxyWithCredentialsAnswersTheChallenge() throws Exception {
    httpProxy.enqueue(
        new MockResponse.Builder()
            .code(407)
            .setHeader("Proxy-Authenticate", "Basic realm=\"proxy\"")
            .build());
    httpProxy.enqueue(TestFetch.ok("AUTHED"));
    fetcherWith("http://alice:" + SECRET + "@127.0.0.1:" + httpProxy.getPort(), 3);
    assertThat(fetcher.fetch("http://images.test/cat.png", null).bytes())
        .asString()
        .isEqualTo("AUTHED");
    assertThat(httpProxy.takeRequest().getHeaders().get("Proxy-Authorization")).isNull();
    assertThat(httpProxy.takeRequest().getHeaders().get("Proxy-Authorization"))
        .isEqualTo(Credentials.basic("alice", SECRET));
    assertThat(origin.getRequestCount()).isZero();
  }

  @Test
  void httpProxyRejectingCredentialsFailsWithoutLeakingThem() throws Exception {
    httpProxy.setDispatcher(
        TestFetch.always(
            new MockResponse.Builder()
                .code(407)
                .setHeader("Proxy-Authenticate", "Basic realm=\"proxy\"")
                .build()));
    fetcherWith("http://alice:" + SECRET + "@127.0.0.1:" + httpProxy.getPort(), 2);
    assertThatThrownBy(() -> fetcher.fetch("http://images.test/cat.png", "main"))
        .isInstanceOfSatisfying(
            FetchException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(FetchException.Kind.FAILED);
              assertNoSecretIn(e);
            });
    // Each attempt: the challenge, one answer with credentials, no loop.
    assertThat(httpProxy.getRequestCount()).isEqualTo(4);
    assertNoSecretInLogsOrMetrics();
  }

  @Test
  void redirectToPrivateAddressesIsRefusedThroughAProxy() throws Exception {
    fetcherWith("http://127.0.0.1:" + httpProxy.getPort(), 3);
    for (String location :
        List.of(
            "http://169.254.169.254/latest/meta-data/",
            "http://2130706433/",
            "http://[::ffff:10.0.0.1]/",
            "http://localhost/admin",
            "http://[fd00::1]/")) {
      httpProxy.enqueue(
          new MockResponse.Builder().code(302).setHeader("Location", location).build());
      assertThatThrownBy(() -> fetcher.fetch("http://images.test/a.png", null))
          .isInstanceOfSatisfying(
              FetchException.class,
              e -> assertThat(e.kind()).isEqualTo(FetchException.Kind.INVALID_URL));
    }
    // Only the first hop of each fetch reached the proxy.
    assertThat(httpProxy.getRequestCount()).isEqualTo(5);
  }

  @Test
  void privateLiteralIsRefusedBeforeContactingTheProxy() {
    fetcherWith("http://127.0.0.1:" + httpProxy.getPort(), 3);
    assertThatThrownBy(() -> fetcher.fetch("http://10.0.0.1/a.png", null))
        .isInstanceOfSatisfying(
            FetchException.class,
            e -> assertThat(e.kind()).isEqualTo(FetchException.Kind.INVALID_URL));
    assertThat(httpProxy.getRequestCount()).isZero();
  }

  // --- SOCKS5 ---

  @Test
  void socks5WithoutCredentialsRelaysByName() throws Exception {
    socks(null, null);
    origin.enqueue(TestFetch.ok("VIA-SOCKS"));
    fetcherWith("socks5://127.0.0.1:" + socks.port(), 3);
    FetchedBody body = fetcher.fetch("http://images.test/dog.png", "main");
    assertThat(body.bytes()).asString().isEqualTo("VIA-SOCKS");
    assertThat(socks.connects).containsExactly("images.test:80");
    assertThat(origin.takeRequest().getHeaders().get("Host")).isEqualTo("images.test");
    assertThat(resolver.lookups).hasValue(0);
  }

  @Test
  void socks5WithCredentials() throws Exception {
    socks("bob", SECRET);
    origin.enqueue(TestFetch.ok("SOCKS-AUTH"));
    fetcherWith("socks5://bob:" + SECRET + "@127.0.0.1:" + socks.port(), 3);
    assertThat(fetcher.fetch("http://images.test:8080/dog.png", null).bytes())
        .asString()
        .isEqualTo("SOCKS-AUTH");
    assertThat(socks.connects).containsExactly("images.test:8080");
    assertThat(socks.authFailures).hasValue(0);
  }

  @Test
  void socks5CredentialsArePercentDecoded() throws Exception {
    socks("user@corp", "p@ss:word");
    origin.enqueue(TestFetch.ok("DECODED"));
    fetcherWith("socks5://user%40corp:p%40ss%3Aword@127.0.0.1:" + socks.port(), 3);
    assertThat(fetcher.fetch("http://images.test/x.png", null).bytes())
        .asString()
        .isEqualTo("DECODED");
  }

  @Test
  void socks5WrongPasswordFailsWithoutLeakingIt() throws Exception {
    socks("bob", "the-right-one");
    fetcherWith("socks5://bob:" + SECRET + "@127.0.0.1:" + socks.port(), 2);
    assertThatThrownBy(() -> fetcher.fetch("http://images.test/dog.png", null))
        .isInstanceOfSatisfying(
            FetchException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(FetchException.Kind.FAILED);
              assertNoSecretIn(e);
            });
    assertThat(socks.authFailures).hasValue(2);
    assertThat(origin.getRequestCount()).isZero();
    assertNoSecretInLogsOrMetrics();
  }

  @Test
  void socks5ProxyRequiringAuthRefusesAClientWithout() throws Exception {
    socks("bob", SECRET);
    fetcherWith("socks5://127.0.0.1:" + socks.port(), 1);
    assertThatThrownBy(() -> fetcher.fetch("http://images.test/dog.png", null))
        .isInstanceOf(FetchException.class);
    assertThat(socks.connects).isEmpty();
  }

  @Test
  void credentialsNeverShowInToStringLogsOrMetrics() throws Exception {
    socks("bob", SECRET);
    origin.enqueue(TestFetch.ok("OK"));
    fetcherWith("socks5://bob:" + SECRET + "@127.0.0.1:" + socks.port(), 3);
    fetcher.fetch("http://images.test/dog.png", null);
    ProxyEndpoint endpoint = ProxyEndpoint.parse("socks5://bob:" + SECRET + "@127.0.0.1:1080");
    assertThat(endpoint.toString()).isEqualTo("socks5://127.0.0.1:1080").doesNotContain(SECRET);
    assertThat(meters.find("image.fetch.proxy.state").gauge()).isNotNull();
    assertThat(meters.find("image.fetch.proxy.state").gauge().getId().getTag("proxy"))
        .isEqualTo("127.0.0.1:" + socks.port());
    assertNoSecretInLogsOrMetrics();
  }

  private static void assertNoSecretIn(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      assertThat(String.valueOf(t.getMessage())).doesNotContain(SECRET).doesNotContain("bob:");
      assertThat(t.toString()).doesNotContain(SECRET);
      for (Throwable s : t.getSuppressed()) {
        assertNoSecretIn(s);
      }
    }
  }

  private void assertNoSecretInLogsOrMetrics() {
    assertThat(logs.list).isNotEmpty();
    for (ILoggingEvent event : logs.list) {
      assertThat(event.getFormattedMessage()).doesNotContain(SECRET);
      if (event.getThrowableProxy() != null) {
        assertThat(event.getThrowableProxy().getMessage()).doesNotContain(SECRET);
      }
    }
    for (Meter meter : meters.getMeters()) {
      assertThat(meter.getId().toString()).doesNotContain(SECRET);
    }
  }
}
