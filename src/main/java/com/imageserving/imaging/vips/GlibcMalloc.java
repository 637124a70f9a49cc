package com.imageserving.imaging.vips;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * glibc's malloc tuned for libvips's buffers, set by the process itself so that a plain {@code java
 * -jar} gets what the Dockerfile's MALLOC_* variables give: 8 arenas (glibc: 8 per core), and
 * blocks from 4 MB (decoded frames, upload bodies) mmapped and returned to the system when freed.
 * With glibc's defaults, pixel buffers freed by one worker thread stayed in that thread's arena,
 * and peak RSS of base64 uploads at concurrency 8 was 520-652 MB instead of about 390 MB
 * (BENCHMARKS.md). 2 arenas saved another 40 MB but made the JVM's, Tomcat's and libvips's threads
 * queue for them: a 96×96 variant render cost 22.6 ms of CPU instead of 17.0 (2 cores, A/B).
 * Smaller blocks stay in the arenas, and the heap's top is trimmed only past 8 MB: with both at 128
 * KB, every render faulted its working buffers in afresh from the kernel, and a 320 px WebP variant
 * of a 1200×900 JPEG cost about 41 ms of CPU instead of 28 (peak RSS of those uploads: about 375 MB
 * then, about 400 MB now). A MALLOC_* variable that is set wins (glibc read it at start-up; setting
 * it again here would override the operator). Linux with glibc only; elsewhere nothing is done.
 */
final class GlibcMalloc {
  private static final Logger log = LoggerFactory.getLogger(GlibcMalloc.class);

  /** A mallopt parameter (from glibc's malloc.h), the variable that sets it, and our value. */
  record Setting(String name, int param, String envVar, int value) {}

  static final List<Setting> SETTINGS =
      List.of(
          new Setting("M_ARENA_MAX", -8, "MALLOC_ARENA_MAX", 8),
          new Setting("M_MMAP_THRESHOLD", -3, "MALLOC_MMAP_THRESHOLD_", 4 << 20),
          new Setting("M_TRIM_THRESHOLD", -1, "MALLOC_TRIM_THRESHOLD_", 8 << 20));

  private GlibcMalloc() {}

  /** Applies the settings to this process, once, with the process's environment. */
  static synchronized void tune() {
    if (tuned) {
      return;
    }
    tuned = true;
    Map<String, Integer> results = apply(System.getenv());
    if (!results.isEmpty()) {
      log.debug("glibc malloc tuned with mallopt (name=result, 1 = done): {}", results);
    }
  }

  private static boolean tuned;

  /**
   * Calls mallopt for every setting whose variable is not set in {@code env}.
   *
   * @return mallopt's result (1 = done) by setting name; empty when this is not Linux/glibc
   */
  static Map<String, Integer> apply(Map<String, String> env) {
    Map<String, Integer> results = new LinkedHashMap<>();
    Optional<MethodHandle> mallopt = mallopt();
    if (mallopt.isEmpty()) {
      return results;
    }
    for (Setting setting : SETTINGS) {
      if (env.containsKey(setting.envVar())) {
        continue;
      }
      try {
        results.put(
            setting.name(), (int) mallopt.get().invokeExact(setting.param(), setting.value()));
      } catch (Throwable t) {
        log.debug("mallopt({}) failed: {}", setting.name(), t.toString());
        results.put(setting.name(), 0);
      }
    }
    return results;
  }

  /** glibc's mallopt, on Linux with glibc (musl has no gnu_get_libc_version). */
  private static Optional<MethodHandle> mallopt() {
    if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")) {
      return Optional.empty();
    }
    Linker linker = Linker.nativeLinker();
    var libc = linker.defaultLookup();
    Optional<MemorySegment> glibc = libc.find("gnu_get_libc_version");
    Optional<MemorySegment> symbol = libc.find("mallopt");
    if (glibc.isEmpty() || symbol.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        linker.downcallHandle(symbol.get(), FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT)));
  }
}
