package com.imageserving.fetch;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/** {@code image.fetch.attempts} by pool and outcome; pool names are configured, never clients'. */
final class FetchMetrics {

  /** What became of one attempt. */
  enum Outcome {
    SUCCESS("success"),
    RETRY("retry"),
    FAILED("failed"),
    TOO_LARGE("too_large"),
    REFUSED("refused");

    final String tag;

    Outcome(String tag) {
      this.tag = tag;
    }
  }

  private final MeterRegistry registry;

  FetchMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  void count(String pool, Outcome outcome) {
    Counter.builder("image.fetch.attempts")
        .description("Outbound fetch attempts by pool and outcome")
        .tag("pool", pool)
        .tag("outcome", outcome.tag)
        .register(registry)
        .increment();
  }
}
