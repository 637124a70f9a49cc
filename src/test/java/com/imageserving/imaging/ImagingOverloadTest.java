package com.imageserving.imaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.imageserving.config.OutputFormat;
import com.imageserving.support.TestImages;
import com.imageserving.support.TestServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.awt.Color;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A full pool and queue refuse new work at once instead of queueing without bound. */
class ImagingOverloadTest {

  @Test
  void fullPoolAndQueueRefuseWithOverloaded() throws Exception {
    // Large enough that each image takes a good fraction of a second on one worker.
    byte[] slow = TestImages.encode("png", 4000, 3000, Color.CYAN);
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    AtomicInteger done = new AtomicInteger();
    AtomicInteger overloaded = new AtomicInteger();
    AtomicInteger overloadedAndFreed = new AtomicInteger();
    List<ImageInput> inputs = new ArrayList<>();
    try (VipsImageProcessor processor =
            new VipsImageProcessor(TestImages.settings(OutputFormat.JPEG, 1, 1), registry);
        ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor()) {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<?>> calls = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        ImageInput input = ImageInput.copyOf(slow);
        inputs.add(input);
        calls.add(
            callers.submit(() -> {
              go.await();
              try {
                processor.process(input, 3000);
                done.incrementAndGet();
              } catch (ProcessingOverloadedException e) {
                // Refused without running: freed before the refusal reaches the caller.
                if (input.isClosed()) {
                  overloadedAndFreed.incrementAndGet();
                }
                overloaded.incrementAndGet();
              }
              return null;
            }));
      }
      go.countDown();
      for (Future<?> call : calls) {
        call.get();
      }
    }
    // One running and one queued can finish; the rest must have been turned away.
    assertThat(done.get()).isGreaterThanOrEqualTo(1);
    assertThat(overloaded.get()).isGreaterThanOrEqualTo(1);
    assertThat(done.get() + overloaded.get()).isEqualTo(8);
    assertThat(overloadedAndFreed.get()).isEqualTo(overloaded.get());
    assertThat(inputs).allMatch(ImageInput::isClosed);
    assertThat(registry.get("image.rejections").tag("reason", "overloaded").counter().count())
        .isEqualTo(overloaded.get());
  }

  /**
   * A caller that waits for each image before sending the next never finds the pool full: the
   * worker's place is free again before the caller sees its result. (With one worker and no queue,
   * a pool that admits by "is a worker waiting on the queue" refused some of these: the worker had
   * handed over the result but not yet gone back to waiting.)
   */
  @Test
  void oneCallerAtATimeIsNeverRefused() {
    byte[] tiny = TestImages.png(8, 8);
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    int refused = 0;
    try (VipsImageProcessor processor =
        new VipsImageProcessor(TestImages.settings(OutputFormat.JPEG, 1, 0), registry)) {
      for (int i = 0; i < 2000; i++) {
        try {
          processor.process(ImageInput.copyOf(tiny), 8);
        } catch (ProcessingOverloadedException e) {
          refused++;
        }
      }
    }
    assertThat(refused).isZero();
  }

  /**
   * The same over HTTP: with one worker and no queue, an upload that arrives while another is being
   * processed gets 503 with Retry-After. Whether a small upload lands while a large one occupies
   * the worker is up to the scheduler, so small ones are sent for as long as a large one is in
   * work, a large one after another, until one is refused (or 20 large ones went by).
   */
  @Test
  void aFullQueueIs503WithRetryAfterOverHttp() throws Exception {
    byte[] large = TestImages.encode("png", 4000, 3000, Color.CYAN);
    byte[] small = TestImages.png(8, 8);
    try (TestServer server =
            TestServer.start(Map.of("PROCESSING_CONCURRENCY", "1", "PROCESSING_QUEUE", "0"));
        ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor()) {
      HttpResponse<String> refused = null;
      int round = 0;
      int probes = 0;
      for (; refused == null && round < 20; round++) {
        Future<HttpResponse<String>> inWork = callers.submit(() -> uploadRaw(server, large));
        while (refused == null && !inWork.isDone()) {
          probes++;
          HttpResponse<String> probe = uploadRaw(server, small);
          if (probe.statusCode() == 503) {
            refused = probe;
          } else {
            assertThat(probe.statusCode()).as(probe.body()).isEqualTo(200);
          }
        }
        HttpResponse<String> done = inWork.get();
        if (done.statusCode() == 503) {
          refused = refused == null ? done : refused;
        } else {
          assertThat(done.statusCode()).as(done.body()).isEqualTo(200);
        }
      }
      System.out.printf("ImagingOverloadTest: %d large, %d small uploads%n", round, probes);
      assertThat(refused).as("an upload refused while the worker was busy").isNotNull();
      assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
      assertThat(refused.body())
          .isEqualTo("{\"detail\":\"Image processing capacity exhausted, retry later\"}");
      // Once the worker is free again, uploads are taken.
      assertThat(uploadRaw(server, small).statusCode()).isEqualTo(200);
    }
  }

  private static HttpResponse<String> uploadRaw(TestServer server, byte[] png) {
    return server.send(
        server
            .request("/images/overload")
            .header("Content-Type", "image/png")
            .POST(HttpRequest.BodyPublishers.ofByteArray(png))
            .build());
  }
}
