package com.imageserving.fetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.imageserving.support.RawServer;
import com.imageserving.support.TestFetch;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** API.md §5 with the address rules on: every refused spelling, literal or resolved. */
class UrlGuardTest {

  private final UrlGuard guard = new UrlGuard(false);

  /** Literal spellings: refused by the guard alone, before any lookup or connection. */
  @ParameterizedTest
  @ValueSource(
      strings = {
        // IPv4 ranges
        "http://0.0.0.0/",
        "http://0.1.2.3/",
        "http://10.1.2.3/",
        "http://100.64.0.1/",
        "http://100.127.255.254/",
        "http://127.0.0.1/",
        "http://127.255.255.254/",
        "http://169.254.169.254/latest/meta-data/",
        "http://172.16.0.1/",
        "http://172.31.255.255/",
        "http://192.0.0.8/",
        "http://192.0.2.1/",
        "http://192.88.99.1/",
        "http://192.168.1.1/",
        "http://198.18.0.1/",
        "http://198.19.255.255/",
        "http://198.51.100.7/",
        "http://203.0.113.9/",
        "http://224.0.0.1/",
        "http://239.255.255.250/",
        "http://240.0.0.1/",
        "http://255.255.255.255/",
        // numeric spellings a resolver accepts
        "http://2130706433/",
        "http://0177.0.0.1/",
        "http://0x7f.1/",
        "http://127.1/",
        "http://127.0.1/",
        "http://0x7f000001/",
        "http://017700000001/",
        "http://0x7F.0.0.1/",
        "http://0/",
        "http://0x0a.0x0.0x0.0x1/",
        "http://10.1/",
        "http://3232235777/",
        "http://0300.0250.01.01/",
        "http://127.0.0.1./",
        "http://%31%32%37.0.0.1/",
        "http://127.0.0.1:8080/",
        // numeric-looking hosts no resolver agrees on: refused rather than guessed
        "http://1.2.3.4.5/",
        "http://256.1.1.1/",
        "http://08.8.8.8/",
        "http://0x/",
        "http://example.123/",
        // IPv6
        "http://[::]/",
        "http://[::1]/",
        "http://[0:0:0:0:0:0:0:1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://[::ffff:7f00:1]/",
        "http://[::ffff:10.0.0.1]/",
        "http://[::ffff:169.254.169.254]/",
        "http://[64:ff9b::127.0.0.1]/",
        "http://[64:ff9b::a00:1]/",
        "http://[64:ff9b:1::808:808]/",
        "http://[100::1]/",
        "http://[2001::1]/",
        "http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/",
        "http://[2001:db8::1]/",
        "http://[2002:7f00:1::1]/",
        "http://[2002:c0a8:101::1]/",
        "http://[fc00::1]/",
        "http://[fd12:3456::1]/",
        "http://[fe80::1]/",
        "http://[fec0::1]/",
        "http://[ff02::1]/",
        "http://[::127.0.0.1]/",
        "http://[::8.8.8.8]/",
        // names
        "http://localhost/",
        "http://LOCALHOST/",
        "http://localhost./",
        "http://foo.localhost/",
        "http://foo.localhost./",
        "http://a.b.LocalHost/",
        // not http(s) with a host
        "ftp://example.com/a.png",
        "file:///etc/passwd",
        "javascript:alert(1)",
        "http://",
        "not a url",
        "",
        // no host as the client wrote it, though a browser-style parser would find one
        "http:///no-host",
        "https:///x",
        "http:////x",
        "http://///x/a.png",
        "HTTP:///x",
        "http:/x",
        "http:x/a.png",
        "http:\\\\x/a.png",
        "http:/\\x/a.png",
        "http:\\/x/a.png",
        "http://\\x/a.png",
        "http://@/x",
        "http://user:pass@/x",
        "http://:80/x",
        "http://?x",
        "http://#x",
        // characters a browser-style parser drops or reads as a separator
        "http://exa mple.com/",
        "http://example.com\t/a.png",
        "http://exa\nmple.com/",
        "http://example.com\\@evil.example/",
      })
  void refusesLiteral(String url) {
    assertThatThrownBy(() -> guard.check(url))
        .isInstanceOfSatisfying(
            FetchException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(FetchException.Kind.INVALID_URL);
              assertThat(e.getMessage()).isEqualTo("Invalid url");
            });
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "http://example.com/a.png",
        "https://images.example.org:8443/x?y=1",
        "http://93.184.215.14/",
        "http://8.8.8.8./",
        "http://1password.com/",
        "http://[2606:4700:4700::1111]/",
        "http://[64:ff9b::808:808]/", // NAT64 of a public address
        "http://[2002:808:808::1]/", // 6to4 of a public address
        "http://[::ffff:8.8.8.8]/",
        "http://100.128.0.1/",
        "http://172.32.0.1/",
        "http://192.169.0.1/",
        "http://user:pass@example.com:8080/a.png",
        "https://example.com?x=1",
        "https://example.com#top",
        "http://example.com",
      })
  void acceptsPublic(String url) {
    assertThatCode(() -> guard.check(url)).doesNotThrowAnyException();
  }

  @Test
  void allowPrivateNetworksLiftsOnlyTheAddressRules() throws Exception {
    UrlGuard lenient = new UrlGuard(true);
    lenient.check("http://10.0.0.1/");
    lenient.check("http://[::1]/");
    lenient.check("http://0x7f.1/");
    assertThatThrownBy(() -> lenient.check("http://localhost/")).isInstanceOf(FetchException.class);
    assertThatThrownBy(() -> lenient.check("http://1.2.3.4.5/")).isInstanceOf(FetchException.class);
  }

  static Stream<Arguments> resolvedMappings() {
    return Stream.of(
        Arguments.of("loopback.test", List.of("127.0.0.1")),
        Arguments.of("private10.test", List.of("10.0.0.5")),
        Arguments.of("private172.test", List.of("172.20.1.1")),
        Arguments.of("private192.test", List.of("192.168.0.10")),
        Arguments.of("metadata.test", List.of("169.254.169.254")),
        Arguments.of("cgnat.test", List.of("100.100.100.100")),
        Arguments.of("zero.test", List.of("0.0.0.0")),
        Arguments.of("v6loop.test", List.of("::1")),
        Arguments.of("mapped.test", List.of("::ffff:127.0.0.1")),
        Arguments.of("mapped10.test", List.of("::ffff:10.1.1.1")),
        Arguments.of("nat64.test", List.of("64:ff9b::7f00:1")),
        Arguments.of("nat64local.test", List.of("64:ff9b:1::808:808")),
        Arguments.of("ula.test", List.of("fd00::1")),
        Arguments.of("linklocal.test", List.of("fe80::1")),
        Arguments.of("sixtofour.test", List.of("2002:a00:1::1")),
        Arguments.of("teredo.test", List.of("2001:0:4136:e378::1")),
        Arguments.of("mixed.test", List.of("8.8.8.8", "10.0.0.1")),
        Arguments.of("mixed6.test", List.of("2606:4700::1111", "::1")));
  }

  /** A public-looking name resolving to any non-public address is refused as a whole. */
  @ParameterizedTest
  @MethodSource("resolvedMappings")
  void guardedDnsRefusesNonPublicResolutions(String host, List<String> addresses) {
    TestFetch.MapResolver resolver =
        new TestFetch.MapResolver().map(host, addresses.toArray(String[]::new));
    GuardedDns dns = new GuardedDns(resolver, false);
    assertThatThrownBy(() -> dns.lookup(host)).isInstanceOf(RefusedAddressException.class);
    assertThat(resolver.lookups).hasValue(1);
  }

  @Test
  void guardedDnsReturnsExactlyTheCheckedAddresses() throws Exception {
    TestFetch.MapResolver resolver =
        new TestFetch.MapResolver().map("public.test", "8.8.8.8", "2606:4700::1111");
    List<InetAddress> result = new GuardedDns(resolver, false).lookup("public.test");
    assertThat(result)
        .containsExactly(
            InetAddress.getByName("8.8.8.8"), InetAddress.getByName("2606:4700::1111"));
    assertThat(resolver.lookups).hasValue(1);
  }

  // --- End to end: a listener on loopback counts connections; none may arrive. ---

  private RawServer listener;

  @BeforeEach
  void listen() throws IOException {
    listener = new RawServer(socket -> {});
  }

  @AfterEach
  void close() throws Exception {
    listener.close();
  }

  static Stream<String> loopbackUrls() {
    return Stream.of(
        "http://127.0.0.1:%d/",
        "http://2130706433:%d/",
        "http://0x7f.1:%d/",
        "http://0177.0.0.1:%d/",
        "http://127.1:%d/",
        "http://[::1]:%d/",
        "http://[::ffff:127.0.0.1]:%d/",
        "http://localhost:%d/",
        "http://loop.test:%d/",
        "http://mapped.test:%d/",
        "http://nat64.test:%d/");
  }

  @ParameterizedTest
  @MethodSource("loopbackUrls")
  void fetcherRefusesWithoutConnecting(String template) throws Exception {
    TestFetch.MapResolver resolver =
        new TestFetch.MapResolver()
            .map("loop.test", "127.0.0.1")
            .map("mapped.test", "::ffff:127.0.0.1")
            .map("nat64.test", "64:ff9b::7f00:1");
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    try (OkHttpImageFetcher fetcher =
        new OkHttpImageFetcher(TestFetch.settings(Map.of(), false, 3), meters, resolver)) {
      String url = template.formatted(listener.port());
      assertThatThrownBy(() -> fetcher.fetch(url, null))
          .isInstanceOfSatisfying(
              FetchException.class,
              e -> assertThat(e.kind()).isEqualTo(FetchException.Kind.INVALID_URL));
    }
    // Connections are accepted in the order they were made: once one made now has been
    // accepted, any the fetch made would have been too.
    try (Socket sentinel = new Socket(InetAddress.getLoopbackAddress(), listener.port())) {
      int mine = sentinel.getLocalPort();
      await().atMost(Duration.ofSeconds(30)).until(() -> listener.accepted().contains(mine));
      assertThat(listener.accepted()).as("connections accepted").containsExactly(mine);
    }
    // Names were looked up once and refused, not retried.
    assertThat(resolver.lookups.get()).isLessThanOrEqualTo(1);
  }
}
