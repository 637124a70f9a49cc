package com.imageserving.imaging.vips;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** mallopt through FFM on this machine's glibc, and the environment winning over it. */
class GlibcMallocTest {
  @Test
  void everySettingIsAcceptedByThisGlibc() {
    // This machine (and the Docker image) is Linux with glibc: the call must be made and succeed.
    assertThat(GlibcMalloc.apply(Map.of()))
        .containsExactly(
            Map.entry("M_ARENA_MAX", 1),
            Map.entry("M_MMAP_THRESHOLD", 1),
            Map.entry("M_TRIM_THRESHOLD", 1));
  }

  @Test
  void aSettingWhoseVariableIsSetIsLeftAlone() {
    assertThat(GlibcMalloc.apply(Map.of("MALLOC_ARENA_MAX", "4")))
        .containsOnlyKeys("M_MMAP_THRESHOLD", "M_TRIM_THRESHOLD");
    assertThat(
            GlibcMalloc.apply(
                Map.of(
                    "MALLOC_ARENA_MAX", "4",
                    "MALLOC_MMAP_THRESHOLD_", "65536",
                    "MALLOC_TRIM_THRESHOLD_", "65536")))
        .isEmpty();
  }
}
