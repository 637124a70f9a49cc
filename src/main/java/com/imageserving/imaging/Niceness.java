package com.imageserving.imaging;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.invoke.MethodHandle;
import java.util.Locale;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lowers the CPU priority (raises the nice value) of the calling thread, on Linux only, where the
 * nice value belongs to each thread and threads it starts (libvips workers) inherit it. Image work
 * then yields the cores to request handling when both want them, so serving stays fast while
 * uploads saturate the CPU; alone, it still gets all of them. Best effort: any failure is ignored.
 */
final class Niceness {
  private static final Logger log = LoggerFactory.getLogger(Niceness.class);
  private static final int PRIO_PROCESS = 0;
  private static final @Nullable MethodHandle SETPRIORITY = setpriority();

  private Niceness() {}

  private static @Nullable MethodHandle setpriority() {
    if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")) {
      return null; // elsewhere setpriority(PRIO_PROCESS, 0) would lower the whole process
    }
    try {
      Linker linker = Linker.nativeLinker();
      return linker
          .defaultLookup()
          .find("setpriority")
          .map(symbol ->
              linker.downcallHandle(
                  symbol, FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT)))
          .orElse(null);
    } catch (RuntimeException | LinkageError e) {
      log.debug("setpriority unavailable: {}", e.toString());
      return null;
    }
  }

  /** Adds {@code increment} to the calling thread's nice value; false when that was not done. */
  static boolean lowerCurrentThread(int increment) {
    MethodHandle handle = SETPRIORITY;
    if (handle == null || increment <= 0) {
      return false;
    }
    try {
      // who = 0: the calling thread (Linux keeps the nice value per thread).
      return (int) handle.invokeExact(PRIO_PROCESS, 0, increment) == 0;
    } catch (Throwable e) {
      log.debug("setpriority failed: {}", e.toString());
      return false;
    }
  }
}
