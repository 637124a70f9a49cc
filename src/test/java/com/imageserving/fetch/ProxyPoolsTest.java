package com.imageserving.fetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.imageserving.config.ConfigException;
import com.imageserving.config.FetchSettings;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** Building pools from PROXIES and PROXY_FILES (API.md §6) and parsing proxy URLs. */
class ProxyPoolsTest {

  @TempDir Path dir;

  private static FetchSettings settings(
      Map<String, List<String>> proxies, Map<String, String> files) {
    return new FetchSettings(
        Duration.ofSeconds(1),
        1000,
        proxies,
        files,
        FetchSettings.Strategy.ROUND_ROBIN,
        3,
        3,
        Duration.ofSeconds(1),
        Duration.ofMillis(10),
        Duration.ofMillis(20),
        false,
        true,
        5,
        100);
  }

  private static List<String> keys(List<ProxyEndpoint> pool) {
    return pool.stream().map(ProxyEndpoint::key).toList();
  }

  @Test
  void mergesInlineFirstThenFileLinesTrimmedAndBlankSkipped() throws Exception {
    Path file = dir.resolve("a.txt");
    Files.writeString(
        file,
        "\n  socks5://u:p@10.0.0.2:1080  \n\n\thttp://10.0.0.3:3128\n   \nhttp://10.0.0.1:8080\n");
    Map<String, List<String>> inline = new LinkedHashMap<>();
    inline.put("a", List.of("http://10.0.0.1:8080"));
    inline.put("empty", List.of());
    Map<String, List<ProxyEndpoint>> pools =
        ProxyPools.load(settings(inline, Map.of("a", file.toString(), "b", file.toString())));
    assertThat(pools).containsOnlyKeys("a", "b"); // "empty" dropped
    assertThat(keys(pools.get("a")))
        .containsExactly("http://10.0.0.1:8080", "socks5://10.0.0.2:1080", "http://10.0.0.3:3128");
    assertThat(keys(pools.get("b")))
        .containsExactly("socks5://10.0.0.2:1080", "http://10.0.0.3:3128", "http://10.0.0.1:8080");
    assertThat(keys(ProxyPools.combined(pools)))
        .containsExactly("http://10.0.0.1:8080", "socks5://10.0.0.2:1080", "http://10.0.0.3:3128");
  }

  @Test
  void missingFileWarnsAndAddsNothing() {
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    logs.start();
    Logger logger = (Logger) LoggerFactory.getLogger(ProxyPools.class);
    logger.addAppender(logs);
    try {
      Map<String, List<ProxyEndpoint>> pools =
          ProxyPools.load(
              settings(
                  Map.of("a", List.of("http://10.0.0.1:8080")),
                  Map.of("a", dir.resolve("nope.txt").toString(), "gone", "/no/such/file")));
      assertThat(pools).containsOnlyKeys("a");
      assertThat(pools.get("a")).hasSize(1);
    } finally {
      logger.detachAppender(logs);
    }
    assertThat(logs.list)
        .hasSize(2)
        .allSatisfy(e -> assertThat(e.getLevel().toString()).isEqualTo("WARN"));
  }

  @Test
  void invalidProxyUrlStopsStartUpWithoutQuotingIt() throws Exception {
    for (String bad :
        List.of(
            "https://user:hunter2@proxy:443",
            "socks4://user:hunter2@proxy:1080",
            "ftp://user:hunter2@proxy",
            "user:hunter2@proxy:8080",
            "http://user:hunter2@proxy:99999",
            "http://user:hunter2@proxy:8080/path",
            "http://user:hunter2@")) {
      assertThatThrownBy(() -> ProxyPools.load(settings(Map.of("main", List.of(bad)), Map.of())))
          .isInstanceOf(ConfigException.class)
          .hasMessageStartingWith("PROXIES: ")
          .hasMessageNotContaining("hunter2")
          .hasMessageContaining("main");
    }
    Path file = dir.resolve("bad.txt");
    Files.writeString(file, "http://ok:8080\nsocks4://user:hunter2@proxy:1080\n");
    assertThatThrownBy(() -> ProxyPools.load(settings(Map.of(), Map.of("f", file.toString()))))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("PROXY_FILES: ")
        .hasMessageContaining("line 2")
        .hasMessageNotContaining("hunter2");
    assertThatThrownBy(() ->
            new OkHttpImageFetcher(
                settings(Map.of("main", List.of("https://x:hunter2@p:1")), Map.of()),
                new SimpleMeterRegistry()))
        .isInstanceOf(ConfigException.class)
        .hasMessageNotContaining("hunter2");
  }

  @Test
  void parsesProxyUrls() {
    ProxyEndpoint http = ProxyEndpoint.parse("HTTP://Proxy.Example:3128/");
    assertThat(http.type()).isEqualTo(ProxyEndpoint.Type.HTTP);
    assertThat(http.hostPort()).isEqualTo("proxy.example:3128");
    assertThat(http.hasCredentials()).isFalse();
    assertThat(ProxyEndpoint.parse("http://p").port()).isEqualTo(80);
    assertThat(ProxyEndpoint.parse("socks5://p").port()).isEqualTo(1080);
    ProxyEndpoint v6 = ProxyEndpoint.parse("socks5://a:b@[::1]:9050");
    assertThat(v6.hostPort()).isEqualTo("[::1]:9050");
    assertThat(v6.username()).isEqualTo("a");
    assertThat(v6.password()).isEqualTo("b");
    ProxyEndpoint encoded = ProxyEndpoint.parse("http://us%40er:p+w%3A@h:1");
    assertThat(encoded.username()).isEqualTo("us@er");
    assertThat(encoded.password()).isEqualTo("p+w:");
    assertThat(encoded.toString()).isEqualTo("http://h:1");
    assertThat(encoded).isNotEqualTo(ProxyEndpoint.parse("http://h:1"));
  }

  @Test
  void fetcherKnowsItsPools() {
    try (OkHttpImageFetcher fetcher =
        new OkHttpImageFetcher(
            settings(Map.of("eu", List.of("http://10.0.0.1:8080")), Map.of()),
            new SimpleMeterRegistry())) {
      assertThat(fetcher.hasPool("eu")).isTrue();
      assertThat(fetcher.hasPool("us")).isFalse();
    }
  }
}
