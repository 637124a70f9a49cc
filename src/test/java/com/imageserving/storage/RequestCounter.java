package com.imageserving.storage;

import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.http.SdkHttpRequest;

/** Records every HTTP request the S3 client sends (retries included), with its operation name. */
final class RequestCounter implements ExecutionInterceptor {
  record Sent(String operation, SdkHttpRequest request) {}

  private final List<Sent> sent = new ArrayList<>();

  @Override
  public synchronized void beforeTransmission(
      Context.BeforeTransmission context, ExecutionAttributes attributes) {
    sent.add(
        new Sent(
            attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME), context.httpRequest()));
  }

  synchronized List<Sent> sent() {
    return List.copyOf(sent);
  }

  synchronized List<String> operations() {
    return sent.stream().map(Sent::operation).toList();
  }

  synchronized void reset() {
    sent.clear();
  }
}
