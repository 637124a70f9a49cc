package com.imageserving.config;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Outbound fetching: limits, proxy pools, rotation, retries and blacklisting. */
public record FetchSettings(
    Duration timeout,
    long maxFetchBytes,
    Map<String, List<String>> proxies,
    Map<String, String> proxyFiles,
    Strategy strategy,
    int maxRetries,
    int blacklistThreshold,
    Duration blacklistTtl,
    Duration backoffMin,
    Duration backoffMax,
    boolean allowPrivateNetworks,
    boolean fallbackDirect,
    int proxyConcurrency,
    int proxyMaxUrls) {

  /** How a pool picks its next proxy. */
  public enum Strategy {
    ROUND_ROBIN,
    RANDOM;

    static @Nullable Strategy parse(String value) {
      return switch (value.toLowerCase(Locale.ROOT)) {
        case "round-robin", "round_robin", "roundrobin" -> ROUND_ROBIN;
        case "random" -> RANDOM;
        default -> null;
      };
    }
  }

  /** Proxy URLs may carry credentials: print pool names and sizes only. */
  @Override
  public String toString() {
    StringBuilder pools = new StringBuilder();
    proxies.forEach((name, urls) -> pools.append(name).append('=').append(urls.size()).append(' '));
    return "FetchSettings[timeout=%s, maxFetchBytes=%d, proxies={%s}, proxyFiles=%s, strategy=%s, maxRetries=%d, blacklistThreshold=%d, blacklistTtl=%s, backoff=%s..%s, allowPrivateNetworks=%s, fallbackDirect=%s, proxyConcurrency=%d, proxyMaxUrls=%d]"
        .formatted(
            timeout,
            maxFetchBytes,
            pools.toString().trim(),
            proxyFiles,
            strategy,
            maxRetries,
            blacklistThreshold,
            blacklistTtl,
            backoffMin,
            backoffMax,
            allowPrivateNetworks,
            fallbackDirect,
            proxyConcurrency,
            proxyMaxUrls);
  }
}
