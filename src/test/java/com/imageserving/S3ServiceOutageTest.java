package com.imageserving;

import static org.assertj.core.api.Assertions.assertThat;

import com.imageserving.storage.S3ProxyServer;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The whole service on S3 while S3 goes away and comes back, on the same port. */
class S3ServiceOutageTest {
  private final S3ProxyServer s3 = S3ProxyServer.start();
  private final TestServer service = TestServer.start(s3.env(s3.newBucket()));

  @AfterEach
  void tearDown() {
    service.close();
    s3.close();
  }

  @Test
  void readinessFollowsS3AndTheServiceStaysUp() {
    assertThat(service.get("/ready").statusCode()).isEqualTo(200);

    s3.stop();

    HttpResponse<String> ready = quickly(() -> service.get("/ready"));
    assertThat(ready.statusCode()).isEqualTo(503);
    assertThat(ready.body()).contains("\"status\":\"unavailable\"").contains("S3 unreachable");
    assertThat(service.get("/health").statusCode()).isEqualTo(200);

    s3.restart();

    assertThat(service.get("/ready").statusCode()).isEqualTo(200);
  }

  static <T> T quickly(Supplier<T> call) {
    long start = System.nanoTime();
    T result = call.get();
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    System.out.printf("answered in %d ms%n", took.toMillis());
    assertThat(took).isLessThan(Duration.ofSeconds(5));
    return result;
  }
}
