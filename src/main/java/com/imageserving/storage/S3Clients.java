package com.imageserving.storage;

import com.imageserving.config.S3Settings;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.http.apache.ProxyConfiguration;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

/** Builds the S3 client from {@link S3Settings}, with timeouts that make an outage fail fast. */
public final class S3Clients {
  // An unreachable S3 must turn into a quick 503, not a request hanging for minutes: with one
  // retry, the worst case for a black-holed endpoint is two connect timeouts plus back-off.
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
  static final Duration SOCKET_TIMEOUT = Duration.ofSeconds(10);
  static final Duration API_CALL_TIMEOUT = Duration.ofSeconds(15);
  static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(10);
  static final int MAX_ATTEMPTS = 2;

  private S3Clients() {}

  public static S3Client build(S3Settings settings) {
    return build(settings, List.of());
  }

  /** The interceptors let tests count the HTTP requests each store operation costs. */
  public static S3Client build(S3Settings settings, List<ExecutionInterceptor> interceptors) {
    ApacheHttpClient.Builder http =
        ApacheHttpClient.builder()
            .connectionTimeout(CONNECT_TIMEOUT)
            .socketTimeout(SOCKET_TIMEOUT)
            .connectionAcquisitionTimeout(CONNECT_TIMEOUT)
            .maxConnections(100);
    if (settings.proxy() != null) {
      http.proxyConfiguration(proxy(settings.proxy()));
    }
    S3ClientBuilder builder =
        S3Client.builder()
            .httpClientBuilder(http)
            .region(Region.of(settings.region()))
            .credentialsProvider(credentials(settings))
            // Third-party S3 servers (MinIO, Ceph, older releases) do not all understand the
            // flexible checksums the SDK sends by default; keep to what S3 itself requires.
            .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
            .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
            .overrideConfiguration(o ->
                o.apiCallTimeout(API_CALL_TIMEOUT)
                    .apiCallAttemptTimeout(ATTEMPT_TIMEOUT)
                    .retryStrategy(r -> r.maxAttempts(MAX_ATTEMPTS))
                    .executionInterceptors(List.copyOf(interceptors)));
    if (settings.endpointUrl() != null) {
      // Non-AWS servers are addressed by path: bucket names need no DNS entry of their own.
      builder.endpointOverride(URI.create(settings.endpointUrl())).forcePathStyle(true);
    }
    return builder.build();
  }

  private static AwsCredentialsProvider credentials(S3Settings settings) {
    if (settings.accessKey() != null && settings.secretKey() != null) {
      return StaticCredentialsProvider.create(
          AwsBasicCredentials.create(settings.accessKey(), settings.secretKey()));
    }
    return DefaultCredentialsProvider.builder().build();
  }

  /** {@code S3_PROXY}, e.g. {@code http://user:pass@proxy:3128}, replaces any system proxy. */
  private static ProxyConfiguration proxy(String url) {
    URI uri = URI.create(url);
    ProxyConfiguration.Builder proxy =
        ProxyConfiguration.builder()
            .endpoint(URI.create(uri.getScheme() + "://" + uri.getHost() + ":" + port(uri)))
            .useSystemPropertyValues(false)
            .useEnvironmentVariableValues(false);
    String userInfo = uri.getUserInfo();
    if (userInfo != null) {
      int colon = userInfo.indexOf(':');
      proxy.username(colon < 0 ? userInfo : userInfo.substring(0, colon));
      if (colon >= 0) {
        proxy.password(userInfo.substring(colon + 1));
      }
    }
    return proxy.build();
  }

  private static int port(URI uri) {
    if (uri.getPort() > 0) {
      return uri.getPort();
    }
    return "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
  }
}
