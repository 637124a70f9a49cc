package com.imageserving.imaging.vips;

import static org.assertj.core.api.Assertions.assertThat;

import com.imageserving.support.TestImages;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * libvips 8.14 compiles resize and convolution loops with liborc when each operation is built and
 * frees them when it is disposed; liborc 0.4.33 (Debian 12's) does both without a lock. Threads
 * building and disposing such operations at once corrupt the heap: with liborc on, this test's
 * renders crashed the test JVM (SIGSEGV in liborc, or glibc's "unaligned fastbin chunk" abort) in 3
 * of 3 runs of 5,000 renders per thread and 2 of 4 runs of 1,500; the flag check above fails every
 * time.
 */
class VectorRaceTest {
  private static final int THREADS = 4;
  private static final int RENDERS_PER_THREAD = 2_000;

  @Test
  void liborcIsOffWhereItIsUnsafe() {
    Vips vips = Vips.load(null);
    String[] version = vips.version().split("\\.");
    boolean safe = Vips.vectorsAreSafe(Integer.parseInt(version[0]), Integer.parseInt(version[1]));
    assertThat(vips.vectorsEnabled()).isEqualTo(safe);
    assertThat(Vips.vectorsAreSafe(8, 14)).isFalse();
    assertThat(Vips.vectorsAreSafe(8, 15)).isTrue();
    assertThat(Vips.vectorsAreSafe(9, 0)).isTrue();
  }

  @Test
  void threadsBuildingAndDisposingVectorOperationsAtOnceDoNotCrash() throws Exception {
    Vips vips = Vips.load(null);
    byte[] png = TestImages.png(64, 48);
    try (ExecutorService threads = Executors.newFixedThreadPool(THREADS)) {
      List<Future<Integer>> done = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        done.add(
            threads.submit(() -> {
              try (NativeBytes data = NativeBytes.copyOf(png)) {
                for (int i = 0; i < RENDERS_PER_THREAD; i++) {
                  try (VipsSession session = vips.session()) {
                    VipsImage image = session.load(Loader.PNG, data, 1);
                    // Uchar resize and blur: the operations that carry liborc programs.
                    image = session.resize(image, 0.37, 0.41);
                    image = session.gaussblur(image, 1.0);
                    byte[] pixels = session.pixels(image);
                    assertThat(pixels).hasSize(image.width() * image.height() * image.bands());
                  }
                }
              } finally {
                vips.threadShutdown();
              }
              return RENDERS_PER_THREAD;
            }));
      }
      int rendered = 0;
      for (Future<Integer> f : done) {
        rendered += f.get();
      }
      assertThat(rendered).isEqualTo(THREADS * RENDERS_PER_THREAD);
    }
  }
}
