package com.imageserving.fetch;

import java.util.Objects;
import okhttp3.Authenticator;
import okhttp3.Credentials;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.Route;
import org.jspecify.annotations.Nullable;

/**
 * Answers an HTTP proxy's 407 (and OkHttp's preemptive challenge before a CONNECT) with Basic
 * credentials — once: if the proxy refuses them, repeating would only loop.
 */
final class ProxyCredentials implements Authenticator {

  private final String header;

  ProxyCredentials(ProxyEndpoint proxy) {
    this.header =
        Credentials.basic(
            Objects.requireNonNull(proxy.username()),
            Objects.requireNonNullElse(proxy.password(), ""));
  }

  @Override
  public @Nullable Request authenticate(@Nullable Route route, Response response) {
    if (response.request().header("Proxy-Authorization") != null) {
      return null;
    }
    return response.request().newBuilder().header("Proxy-Authorization", header).build();
  }

  @Override
  public String toString() {
    return "ProxyCredentials[redacted]";
  }
}
