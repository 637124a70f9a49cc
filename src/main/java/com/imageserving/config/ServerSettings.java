package com.imageserving.config;

import java.util.List;
import org.jspecify.annotations.Nullable;

/** HTTP-facing settings: where to listen, logging, CORS, metrics, keys and the public base URL. */
public record ServerSettings(
    String appName,
    String host,
    int port,
    boolean debug,
    String logLevel,
    List<String> corsOrigins,
    boolean metricsEnabled,
    @Nullable String publicBaseUrl,
    boolean forwardedHeaders,
    List<String> apiKeys,
    @Nullable String metricsApiKey) {

  /** Keys are secrets: never print them, only whether they are set. */
  @Override
  public String toString() {
    return "ServerSettings[appName=%s, host=%s, port=%d, debug=%s, logLevel=%s, corsOrigins=%s, metricsEnabled=%s, publicBaseUrl=%s, forwardedHeaders=%s, apiKeys=%d set, metricsApiKey=%s]"
        .formatted(
            appName,
            host,
            port,
            debug,
            logLevel,
            corsOrigins,
            metricsEnabled,
            publicBaseUrl,
            forwardedHeaders,
            apiKeys.size(),
            metricsApiKey == null ? "unset" : "set");
  }
}
