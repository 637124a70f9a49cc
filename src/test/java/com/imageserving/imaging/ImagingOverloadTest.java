package com.imageserving.imaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.imageserving.config.OutputFormat;
import com.imageserving.support.TestImages;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.awt.Color;
import java.util.ArrayList;
import java.util.List;
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
}
