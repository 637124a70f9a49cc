package com.imageserving.fetch;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Blacklisting as circuit breakers, one per proxy ({@code scheme://host:port}), shared by every
 * pool that contains the proxy. A window of {@code threshold} calls at 100% failure rate opens
 * after {@code threshold} failures in a row; after the TTL the next permission request moves it to
 * half-open with exactly one trial call, whose failure reopens it and whose success closes it. The
 * transition is lazy (no automatic timer), so it happens when a pick asks.
 */
final class ProxyHealth {

  private final CircuitBreakerRegistry registry;
  private final MeterRegistry meters;
  private final Map<String, CircuitBreaker> breakers = new ConcurrentHashMap<>();

  ProxyHealth(int threshold, Duration ttl, MeterRegistry meters, Clock clock) {
    CircuitBreakerConfig config =
        CircuitBreakerConfig.custom()
            .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
            .slidingWindowSize(threshold)
            .minimumNumberOfCalls(threshold)
            .failureRateThreshold(100)
            .waitDurationInOpenState(ttl.isZero() ? Duration.ofMillis(1) : ttl)
            .permittedNumberOfCallsInHalfOpenState(1)
            .automaticTransitionFromOpenToHalfOpenEnabled(false)
            .writableStackTraceEnabled(false)
            // What the TTL is measured with: tests move a clock of their own instead of waiting.
            .clock(clock)
            .build();
    this.registry = CircuitBreakerRegistry.of(config);
    this.meters = meters;
  }

  /** The breaker of a proxy, created (and its state gauge registered) on first use. */
  CircuitBreaker breaker(ProxyEndpoint proxy) {
    return breakers.computeIfAbsent(
        proxy.key(),
        key -> {
          CircuitBreaker breaker = registry.circuitBreaker(key);
          Gauge.builder("image.fetch.proxy.state", breaker, ProxyHealth::stateValue)
              .description("Proxy breaker state: 0 closed, 1 open (blacklisted), 2 half-open")
              .tag("proxy", proxy.hostPort())
              .tag("type", proxy.type().name().toLowerCase(Locale.ROOT))
              .register(meters);
          return breaker;
        });
  }

  private static double stateValue(CircuitBreaker breaker) {
    return switch (breaker.getState()) {
      case CLOSED -> 0;
      case OPEN, FORCED_OPEN -> 1;
      case HALF_OPEN -> 2;
      default -> -1;
    };
  }
}
