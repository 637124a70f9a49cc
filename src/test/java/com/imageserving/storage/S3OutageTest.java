package com.imageserving.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.imageserving.storage.ImageStore.StorageException;
import com.imageserving.storage.ImageStore.StoredImage;
import com.imageserving.support.S3ProxyServer;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.regions.Region;

/** The store while S3 is down: fast "unavailable" failures, and recovery without a restart. */
class S3OutageTest {
  private final S3ProxyServer server = S3ProxyServer.start();
  private final String bucket = server.newBucket();
  private final S3ImageStore store =
      new S3ImageStore(
          S3Clients.build(server.settings(bucket)), bucket, "images", Region.US_EAST_1);

  @AfterEach
  void tearDown() {
    store.close();
    server.close();
  }

  @Test
  void failsFastWhileDownAndRecoversWhenBack() throws Exception {
    store.ensureBucket();
    StoredImage image = store.save("ns", "before", "png", new byte[10]);

    server.stop();

    assertUnavailableQuickly(1, () -> store.checkReady());
    assertUnavailableQuickly(1, () -> store.save("ns", "during", "png", new byte[10]));
    assertUnavailableQuickly(1, () -> store.find("ns", "before"));
    assertUnavailableQuickly(1, () -> store.open(image, 0, 10).close());
    assertUnavailableQuickly(1, () -> store.delete("ns", "before"));
    assertUnavailableQuickly(1, () -> store.deleteNamespace("ns"));

    server.restart();

    store.checkReady();
    StoredImage found = store.find("ns", "before").orElseThrow();
    try (InputStream in = store.open(found, 0, found.size())) {
      assertThat(in.readAllBytes()).hasSize(10);
    }
    store.save("ns", "after", "png", new byte[10]);
    assertThat(store.deleteNamespace("ns")).isEqualTo(2);
  }

  @Test
  void startsWithoutS3AndBecomesReadyWhenItAppears() throws Exception {
    server.stop();
    int before = server.refusedConnections();
    store.ensureBucket(); // logs a warning, does not throw
    assertThat(server.refusedConnections() - before).isBetween(1, S3Clients.MAX_ATTEMPTS);
    // The bucket is not confirmed yet, so readiness tries to create it first: two S3 calls.
    assertUnavailableQuickly(2, () -> store.checkReady());

    server.restart();
    // The bucket could not be created at start-up: the first readiness check does it.
    store.checkReady();
    store.save("ns", "first", "png", new byte[10]);
    assertThat(store.find("ns", "first")).isPresent();
  }

  interface Call {
    void run() throws Exception;
  }

  /**
   * Failing fast is the behaviour, shown without a stopwatch: the call fails as "unavailable", on a
   * refused connection rather than a timeout it waited out, after at most the client's bounded
   * number of attempts, counted at the server. (An unbounded retry or a hang on a socket would show
   * as more attempts or as a timeout in the cause chain.)
   */
  private void assertUnavailableQuickly(int s3Calls, Call call) {
    int before = server.refusedConnections();
    Throwable thrown = catchThrowable(call::run);
    assertThat(thrown)
        .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.unavailable()).isTrue());
    for (Throwable cause = thrown; cause != null; cause = cause.getCause()) {
      assertThat(cause)
          .as("a failure waited out, not refused")
          .isNotInstanceOfAny(
              SocketTimeoutException.class,
              ApiCallTimeoutException.class,
              ApiCallAttemptTimeoutException.class);
    }
    assertThat(server.refusedConnections() - before)
        .as("connection attempts while S3 is down")
        .isLessThanOrEqualTo(s3Calls * S3Clients.MAX_ATTEMPTS);
  }
}
