package com.imageserving.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.imageserving.storage.ImageStore.StorageException;
import com.imageserving.storage.ImageStore.StoredImage;
import com.imageserving.support.S3ProxyServer;
import java.io.InputStream;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
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

    assertUnavailableQuickly(() -> store.checkReady());
    assertUnavailableQuickly(() -> store.save("ns", "during", "png", new byte[10]));
    assertUnavailableQuickly(() -> store.find("ns", "before"));
    assertUnavailableQuickly(() -> store.open(image, 0, 10).close());
    assertUnavailableQuickly(() -> store.delete("ns", "before"));
    assertUnavailableQuickly(() -> store.deleteNamespace("ns"));

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
    long start = System.nanoTime();
    store.ensureBucket(); // logs a warning, does not throw
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    assertUnavailableQuickly(() -> store.checkReady());

    server.restart();
    // The bucket could not be created at start-up: the first readiness check does it.
    store.checkReady();
    store.save("ns", "first", "png", new byte[10]);
    assertThat(store.find("ns", "first")).isPresent();
  }

  interface Call {
    void run() throws Exception;
  }

  /** Failing fast is the behaviour; see S3ServiceOutageTest.quickly for the 5 s bound. */
  private static void assertUnavailableQuickly(Call call) {
    long start = System.nanoTime();
    Throwable thrown = catchThrowable(call::run);
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    System.out.printf("unavailable after %d ms: %s%n", took.toMillis(), thrown);
    assertThat(thrown)
        .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.unavailable()).isTrue());
    assertThat(took).isLessThan(Duration.ofSeconds(5));
  }
}
