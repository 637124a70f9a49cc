package com.imageserving.fetch;

import com.imageserving.config.ConfigException;
import com.imageserving.config.FetchSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the pools of API.md §6 from {@code PROXIES} and {@code PROXY_FILES}: merged per name,
 * inline entries first, file lines trimmed and blank ones skipped, duplicates and empty pools
 * dropped. A bad proxy URL stops start-up; a missing file only warns.
 */
public final class ProxyPools {

  private static final Logger log = LoggerFactory.getLogger(ProxyPools.class);

  private ProxyPools() {}

  /** Pool name to its proxies, in configuration order; unreadable files are logged. */
  public static Map<String, List<ProxyEndpoint>> load(FetchSettings settings) {
    return load(settings, log::warn);
  }

  /**
   * Parses every pool without logging, so start-up can refuse a bad proxy URL with one line before
   * logging is set up; the fetcher loads them again (and warns) once it is.
   */
  public static void validate(FetchSettings settings) {
    load(settings, warning -> {});
  }

  private static Map<String, List<ProxyEndpoint>> load(
      FetchSettings settings, java.util.function.Consumer<String> warn) {
    Map<String, Set<ProxyEndpoint>> pools = new LinkedHashMap<>();
    settings
        .proxies()
        .forEach((name, urls) -> {
          Set<ProxyEndpoint> pool = pools.computeIfAbsent(name, n -> new LinkedHashSet<>());
          for (int i = 0; i < urls.size(); i++) {
            pool.add(parse("PROXIES", name, "entry " + (i + 1), urls.get(i)));
          }
        });
    settings
        .proxyFiles()
        .forEach((name, file) -> {
          Set<ProxyEndpoint> pool = pools.computeIfAbsent(name, n -> new LinkedHashSet<>());
          List<String> lines;
          try {
            lines = Files.readAllLines(Path.of(file));
          } catch (IOException e) {
            warn.accept(
                "Proxy file for pool '%s' not readable, adding nothing: %s".formatted(name, file));
            return;
          }
          for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (!line.isEmpty()) {
              pool.add(parse("PROXY_FILES", name, file + " line " + (i + 1), line));
            }
          }
        });
    Map<String, List<ProxyEndpoint>> result = new LinkedHashMap<>();
    pools.forEach((name, pool) -> {
      if (!pool.isEmpty()) {
        result.put(name, List.copyOf(pool));
      }
    });
    return result;
  }

  /** All proxies of all pools, each once. */
  public static List<ProxyEndpoint> combined(Map<String, List<ProxyEndpoint>> pools) {
    Set<ProxyEndpoint> all = new LinkedHashSet<>();
    pools.values().forEach(all::addAll);
    return new ArrayList<>(all);
  }

  private static ProxyEndpoint parse(String variable, String pool, String where, String url) {
    try {
      return ProxyEndpoint.parse(url);
    } catch (IllegalArgumentException e) {
      // The URL itself is not quoted: it may carry a password.
      throw new ConfigException(
          variable,
          "invalid proxy URL in pool '%s' (%s): %s (form: http:// or socks5://[user:pass@]host:port)"
              .formatted(pool, where, e.getMessage()));
    }
  }
}
