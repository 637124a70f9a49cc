package com.imageserving.support;

import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.http.SdkHttpRequest;

/** Records every HTTP request the S3 client sends (retries included), with its operation name. */
public final class RequestCounter implements ExecutionInterceptor {
  public record Sent(String operation, SdkHttpRequest request) {}

  private final List<Sent> sent = new ArrayList<>();

  @Override
  public synchronized void beforeTransmission(
      Context.BeforeTransmission context, ExecutionAttributes attributes) {
    sent.add(
        new Sent(
            attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME), context.httpRequest()));
  }

  public synchronized List<Sent> sent() {
    return List.copyOf(sent);
  }

  public synchronized List<String> operations() {
    return sent.stream().map(Sent::operation).toList();
  }

  public synchronized void reset() {
    sent.clear();
  }
}
