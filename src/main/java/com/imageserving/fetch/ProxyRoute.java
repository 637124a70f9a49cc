package com.imageserving.fetch;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import okhttp3.OkHttpClient;

/** A proxy with its health (shared by every pool it is in) and the client that uses it. */
record ProxyRoute(ProxyEndpoint endpoint, CircuitBreaker breaker, OkHttpClient client) {

  @Override
  public String toString() {
    return endpoint.toString();
  }
}
