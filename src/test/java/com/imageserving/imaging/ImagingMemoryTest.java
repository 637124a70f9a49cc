package com.imageserving.imaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.imageserving.config.OutputFormat;
import com.imageserving.support.TestImages;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.awt.Color;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.SymbolLookup;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Native memory does not leak: thousands of images, with failures on every error path, leave the
 * resident set where warm-up put it. A missed g_object_unref or g_free shows here as growth.
 *
 * <p>The images run in a child JVM whose Java heap is fixed and touched up front (-Xms = -Xmx,
 * AlwaysPreTouch), so that VmRSS moves only with native memory. In the test JVM itself the heap is
 * hundreds of MB committed but only partly touched, and the collector touching more of it over time
 * raised VmRSS by ~20 MB per 5,000 images while Native Memory Tracking (which counts committed, not
 * resident, memory) stayed flat: that, not libvips, was most of the growth.
 */
@Tag("slow")
class ImagingMemoryTest {
  private static final int WARM_UP = 4_000;
  private static final int MEASURED = 5_000;

  @Test
  void residentMemoryStaysFlatOverFiveThousandImages() throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    ProcessBuilder builder =
        new ProcessBuilder(
            java.toString(),
            "--enable-native-access=ALL-UNNAMED",
            "-Xms64m",
            "-Xmx64m",
            "-XX:+AlwaysPreTouch",
            // as in the Dockerfile
            "-XX:+UseSerialGC",
            "-cp",
            System.getProperty("java.class.path"),
            Soak.class.getName());
    // libvips' own leak check: vips_shutdown() lists every object still alive on stderr.
    builder.environment().put("VIPS_LEAK", "1");
    Path stderr = Files.createTempFile("imaging-memory", ".stderr");
    builder.redirectError(stderr.toFile());
    Process process = builder.start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(120, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("the soak did not finish: " + out);
    }
    List<String> report;
    try {
      report = Files.readAllLines(stderr);
    } finally {
      Files.delete(stderr);
    }
    assertThat(process.exitValue()).as(out).isZero();
    assertThat(report).as("libvips' leak report").anyMatch(l -> l.contains("high-water mark"));
    assertThat(report)
        .as("libvips objects or tracked buffers alive at shutdown")
        .filteredOn(l -> l.contains("objects alive") || l.contains("allocations"))
        .isEmpty();
    String[] figures =
        out.lines().filter(l -> l.startsWith("rss ")).findFirst().orElseThrow().split(" ");
    long before = Long.parseLong(figures[1]);
    long after = Long.parseLong(figures[2]);
    // In target/surefire-reports, to follow the figures over time.
    System.out.printf(
        "VmRSS kB after warm-up %d, after %d more images %d (%+d)%n",
        before, MEASURED, after, after - before);
    assertThat(after)
        .as("VmRSS after %d images %d kB, after %d more %d kB", WARM_UP, before, MEASURED, after)
        .isLessThanOrEqualTo(before + before / 10);
  }

  /**
   * The child: a mix of good images (CMYK among them) and failures on every error path, through a
   * JPEG and a WebP processor, printing VmRSS after warm-up and after the measured images.
   */
  static final class Soak {
    public static void main(String[] args) throws Throwable {
      byte[] jpeg = TestImages.encode("jpeg", 160, 120, Color.ORANGE);
      List<byte[]> good =
          List.of(
              jpeg,
              TestImages.fixture("transparent.png"),
              TestImages.fixture("animated.gif"),
              TestImages.fixture("input.webp"),
              TestImages.fixture("orientation-6.jpg"),
              TestImages.fixture("rgb16.png"));
      // Each CMYK image builds an lcms transform (~30 ms), so it comes once in 50.
      byte[] cmyk = TestImages.fixture("cmyk.jpg");
      byte[] random = new byte[4096];
      new Random(7).nextBytes(random);
      random[0] = 0x12;
      List<byte[]> bad =
          List.of(
              Arrays.copyOf(jpeg, jpeg.length / 2),
              random,
              "<svg xmlns=\"http://www.w3.org/2000/svg\"/>".getBytes(StandardCharsets.UTF_8),
              TestImages.pngOfZeros(30_000, 30_000));
      try (VipsImageProcessor toJpeg = processor(OutputFormat.JPEG);
          VipsImageProcessor toWebp = processor(OutputFormat.WEBP)) {
        List<VipsImageProcessor> processors = List.of(toJpeg, toWebp);
        run(processors, good, cmyk, bad, 0, WARM_UP);
        long before = settledRss();
        run(processors, good, cmyk, bad, WARM_UP, WARM_UP + MEASURED);
        long after = settledRss();
        System.out.println("rss " + before + " " + after);
      }
      // The worker threads have ended; in VIPS_LEAK mode this reports what is left.
      Linker linker = Linker.nativeLinker();
      linker
          .downcallHandle(
              SymbolLookup.libraryLookup("libvips.so.42", Arena.global())
                  .find("vips_shutdown")
                  .orElseThrow(),
              FunctionDescriptor.ofVoid())
          .invokeExact();
    }

    private static final List<RenderSpec> RENDERS =
        List.of(
            Specs.spec(ResizingType.FILL, 24, 24).gravity(Anchor.SMART).build(),
            Specs.spec(ResizingType.FIT, 40, 0).crop(0.5, 0.5).blur(1.5).build(),
            Specs.spec(ResizingType.FILL_DOWN, 30, 20)
                .sharpen(1)
                .format(OutputFormat.WEBP)
                .background(10, 20, 30)
                .build(),
            Specs.spec(ResizingType.FORCE, 50, 10).format(OutputFormat.JPEG).build());

    private static VipsImageProcessor processor(OutputFormat format) {
      return new VipsImageProcessor(TestImages.settings(format, 2, 16), new SimpleMeterRegistry());
    }

    private static void run(
        List<VipsImageProcessor> processors,
        List<byte[]> good,
        byte[] cmyk,
        List<byte[]> bad,
        int from,
        int to) {
      for (int i = from; i < to; i++) {
        // Blocks of 40 alternate the output format; each block has every kind of failure.
        VipsImageProcessor processor = processors.get((i / 40) % processors.size());
        if (i % 10 == 9) {
          try {
            processor.process(ImageInput.copyOf(bad.get((i / 10) % bad.size())), 64);
            throw new AssertionError("accepted a bad input");
          } catch (ImageRejectedException expected) {
            // the error path is what is exercised here
          }
        } else {
          byte[] input = i % 50 == 0 ? cmyk : good.get(i % good.size());
          // One in three is a variant render, through the crop, smart crop and filter calls.
          ProcessedImage out =
              i % 3 == 1
                  ? processor.render(ImageInput.copyOf(input), RENDERS.get(i % RENDERS.size()))
                  : processor.process(ImageInput.copyOf(input), 64);
          if (out.data().length == 0) {
            throw new AssertionError("empty output");
          }
        }
      }
    }

    /**
     * VmRSS in kB after the Java heap has been collected. The serial collector collects before
     * System.gc() returns, and all native memory here is freed explicitly, never by a cleaner
     * thread: there is nothing to wait for.
     */
    private static long settledRss() throws IOException {
      System.gc();
      System.gc();
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
      throw new IllegalStateException("no VmRSS in /proc/self/status");
    }
  }
}
