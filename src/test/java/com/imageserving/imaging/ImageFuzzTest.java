package com.imageserving.imaging;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.imageserving.config.ImagingSettings;
import com.imageserving.config.OutputFormat;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Coverage-guided fuzzing (Jazzer) of the whole pipeline on untrusted bytes: sniff, decode, orient,
 * resize, encode. Every input must end in a processed image or an {@link ImageRejectedException};
 * any other exception, or an input taking longer than {@link #PER_INPUT}, is a finding.
 *
 * <p>Modes: without {@code JAZZER_FUZZ} (a plain {@code mvn test}) this replays the inputs in
 * {@code src/test/resources/com/imageserving/imaging/ImageFuzzTestInputs/decodeAndEncode/} as
 * regression tests. With {@code JAZZER_FUZZ=1} (the {@code fuzz} surefire execution: one minute in
 * {@code make test}, {@code FUZZ_DURATION} in {@code make fuzz}) Jazzer mutates those seeds (the
 * small committed fixtures, copied there as {@code seed-*}) guided by coverage of the Java side;
 * its working corpus goes to {@code .cifuzz-corpus/} (not committed).
 *
 * <p>A finding: Jazzer writes the input as {@code crash-<sha1>} into that same inputs directory and
 * fails the test. Fix the bug, keep the file (it now runs as a regression test on every build) and
 * commit it.
 *
 * <p>Coverage guidance sees Java code only (sniffing, the binding, the pipeline's decisions);
 * libvips' C decoders are exercised by the mutated bytes but not instrumented.
 */
class ImageFuzzTest {
  private static final long PER_INPUT = 10;
  private static VipsImageProcessor processor;
  private static ExecutorService caller;
  private static final AtomicLong executions = new AtomicLong();
  private static long started;

  @BeforeAll
  static void start() {
    // A smaller pixel budget than production keeps each input fast; the limit's code path is
    // the same.
    ImagingSettings settings =
        new ImagingSettings(
            1200, 800, 20 * 1024 * 1024, 4_000_000L, OutputFormat.JPEG, 85, 1, 2, null);
    processor = new VipsImageProcessor(settings, new SimpleMeterRegistry());
    started = System.nanoTime();
    caller = Executors.newSingleThreadExecutor(Thread.ofPlatform().daemon(true).factory());
  }

  @AfterAll
  static void stop() {
    double seconds = (System.nanoTime() - started) / 1e9;
    System.out.printf(
        "ImageFuzzTest: %d inputs in %.1f s (%.0f/s)%n",
        executions.get(), seconds, executions.get() / seconds);
    caller.shutdownNow();
    processor.close();
  }

  @FuzzTest(maxDuration = "60s")
  void decodeAndEncode(byte[] input) throws Exception {
    executions.incrementAndGet();
    Future<ProcessedImage> result =
        caller.submit(() -> processor.process(ImageInput.copyOf(input), 64));
    try {
      ProcessedImage image = result.get(PER_INPUT, TimeUnit.SECONDS);
      if (image.width() < 1 || image.height() < 1 || image.width() > 64 || image.height() > 64) {
        throw new AssertionError("bad output size " + image.width() + "x" + image.height());
      }
    } catch (TimeoutException hang) {
      throw new AssertionError("input took longer than " + PER_INPUT + " s", hang);
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof ImageRejectedException)) {
        throw e;
      }
    }
  }
}
