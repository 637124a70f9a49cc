package com.imageserving.storage;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * Counts every HTTP request the S3 client sends (retries included) by operation, as {@code
 * s3_requests_total{operation="GetObject"}}: S3 bills per request, by class (LIST and PUT cost more
 * than GET and HEAD), so this is the bill's driver as it happens.
 */
final class S3RequestMetrics implements ExecutionInterceptor {
  private final MeterRegistry registry;
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();

  S3RequestMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  @Override
  public void beforeTransmission(
      Context.BeforeTransmission context, ExecutionAttributes attributes) {
    String operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
    counters
        .computeIfAbsent(
            operation == null ? "unknown" : operation,
            name ->
                Counter.builder("s3.requests")
                    .description("HTTP requests sent to S3, by operation (retries included)")
                    .tag("operation", name)
                    .register(registry))
        .increment();
  }
}
