package com.imageserving.storage;

import static org.assertj.core.api.Assertions.assertThat;

import com.imageserving.support.S3ProxyServer;
import com.imageserving.support.TestImages;
import com.imageserving.support.TestServer;
import java.net.http.HttpResponse;
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

  @Test
  void startsWhileS3IsDownAndBecomesReadyWhenItIsBack() {
    s3.stop();
    try (TestServer late = TestServer.start(s3.env(s3.newBucket()))) {
      assertThat(late.get("/health").statusCode()).isEqualTo(200);
      assertThat(late.get("/ready").statusCode()).isEqualTo(503);

      s3.restart();

      // The bucket could not be created at start-up; the readiness check creates it.
      assertThat(late.get("/ready").statusCode()).isEqualTo(200);
    }
  }

  @Test
  void uploadsAndReadsAnswer503QuicklyAndRecoverWhenS3IsBack() {
    String id = service.uploadedId("ns", TestImages.png(64, 48));

    s3.stop();

    HttpResponse<String> upload = quickly(() -> uploadRaw("ns"));
    assertThat(upload.statusCode()).isEqualTo(503);
    assertThat(upload.body()).isEqualTo("{\"detail\":\"Storage unavailable\"}");
    HttpResponse<String> read = quickly(() -> service.get("/images/ns/" + id));
    assertThat(read.statusCode()).isEqualTo(503);
    assertThat(read.body()).isEqualTo("{\"detail\":\"Storage unavailable\"}");
    HttpResponse<String> missing = quickly(() -> service.get("/images/ns/unknown"));
    assertThat(missing.statusCode()).isEqualTo(503);
    assertThat(quickly(() -> service.get("/ready")).statusCode()).isEqualTo(503);
    assertThat(service.get("/health").statusCode()).isEqualTo(200);

    s3.restart();

    assertThat(service.get("/images/ns/" + id).statusCode()).isEqualTo(200);
    assertThat(uploadRaw("ns").statusCode()).isEqualTo(200);
    assertThat(service.get("/ready").statusCode()).isEqualTo(200);
  }

  private HttpResponse<String> uploadRaw(String namespace) {
    return service.upload(namespace, TestImages.png(64, 48));
  }

  /**
   * Failing fast is the behaviour, shown without a stopwatch: with S3 unreachable, an answer comes
   * after at most the S3 client's bounded attempts, counted at the S3 server (connections it
   * refused), so the request gave up at its first unavailable S3 call instead of retrying on.
   */
  private <T> T quickly(Supplier<T> call) {
    int before = s3.refusedConnections();
    T result = call.get();
    assertThat(s3.refusedConnections() - before)
        .as("connection attempts to S3 for one request while it is down")
        .isLessThanOrEqualTo(S3Clients.MAX_ATTEMPTS);
    return result;
  }
}
