package com.imageserving.imaging.vips;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * The loaded libvips: found once per process, initialised once, then shared by every thread. The
 * first {@link #load} decides which library file is used; later calls return the same instance.
 */
public final class Vips {
  static final int MIN_MAJOR = 8;
  static final int MIN_MINOR = 14;

  static final String INSTALL_HINT =
      "install it with `apt-get install libvips42` (Debian/Ubuntu) or `brew install vips`"
          + " (macOS), or set VIPS_LIBRARY to the path of libvips.so";

  private static @Nullable Vips instance;

  private final String version;
  private final Natives natives;

  private Vips(String version, Natives natives) {
    this.version = version;
    this.natives = natives;
  }

  /**
   * Loads and initialises libvips from {@code path} (a file or library name), or the system library
   * when null.
   *
   * @throws VipsUnavailableException the library is missing, too old or fails to start
   */
  public static synchronized Vips load(@Nullable String path) {
    if (instance == null) {
      instance = open(path);
    }
    return instance;
  }

  private static Vips open(@Nullable String path) {
    // Before libvips starts its threads and allocates its first buffers.
    GlibcMalloc.tune();
    SymbolLookup lookup = findLibrary(path);
    Linker linker = Linker.nativeLinker();
    MethodHandle versionFn =
        linker.downcallHandle(
            lookup
                .find("vips_version")
                .orElseThrow(
                    () -> new VipsUnavailableException("libvips not found: " + INSTALL_HINT)),
            FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    int major;
    int minor;
    int micro;
    try {
      major = (int) versionFn.invokeExact(0);
      minor = (int) versionFn.invokeExact(1);
      micro = (int) versionFn.invokeExact(2);
    } catch (Throwable t) {
      throw new VipsUnavailableException("libvips could not be called: " + t);
    }
    String version = major + "." + minor + "." + micro;
    if (major < MIN_MAJOR || (major == MIN_MAJOR && minor < MIN_MINOR)) {
      throw new VipsUnavailableException(
          "libvips "
              + version
              + " is too old, libvips >= "
              + MIN_MAJOR
              + "."
              + MIN_MINOR
              + " is needed: "
              + INSTALL_HINT);
    }
    Natives natives = new Natives(lookup);
    natives.init(vectorsAreSafe(major, minor));
    return new Vips(version, natives);
  }

  /**
   * libvips before 8.15 compiles its SIMD code at run time with liborc, and liborc up to at least
   * 0.4.33 (Debian 12's) frees and splits its code memory without a lock: two threads building or
   * freeing resize and convolution operations at once corrupt the heap and crash the whole process
   * (SIGSEGV in liborc, seen under concurrent variant renders; VectorRaceTest). Those versions run
   * the plain C loops instead, about 10–20% more CPU in resizing. 8.15 replaced liborc with
   * Highway, which compiles nothing at run time.
   */
  public static boolean vectorsAreSafe(int major, int minor) {
    return major > 8 || (major == 8 && minor >= 15);
  }

  private static SymbolLookup findLibrary(@Nullable String path) {
    List<String> candidates = new ArrayList<>();
    if (path != null && !path.isBlank()) {
      candidates.add(path);
    } else {
      String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
      if (os.contains("mac")) {
        // Homebrew does not put its lib folder on the default dlopen path on Apple silicon.
        candidates.addAll(
            List.of(
                "libvips.42.dylib",
                "/opt/homebrew/lib/libvips.42.dylib",
                "/usr/local/lib/libvips.42.dylib"));
      } else if (os.contains("win")) {
        candidates.add("libvips-42.dll");
      } else {
        candidates.add("libvips.so.42");
      }
    }
    for (String candidate : candidates) {
      try {
        // Global arena: the library stays loaded for the life of the process.
        return SymbolLookup.libraryLookup(candidate, Arena.global());
      } catch (IllegalArgumentException notFound) {
        // try the next candidate
      }
    }
    String where = path != null && !path.isBlank() ? " at " + path : "";
    throw new VipsUnavailableException(
        "libvips >= " + MIN_MAJOR + "." + MIN_MINOR + " not found" + where + ": " + INSTALL_HINT);
  }

  /** The library's version, e.g. "8.14.1". */
  public String version() {
    return version;
  }

  /**
   * Whether libvips runs its SIMD code paths (off where they are unsafe: {@link #vectorsAreSafe}).
   */
  public boolean vectorsEnabled() {
    return natives.vectorsEnabled();
  }

  /** Whether libvips has this operation, e.g. "heifload_buffer" (loaders may be plug-ins). */
  public boolean hasOperation(String nickname) {
    return natives.hasOperation(nickname);
  }

  /**
   * How many threads libvips uses inside one operation. The pool size × this should not exceed the
   * cores, or image work oversubscribes the machine.
   */
  public void setConcurrency(int threads) {
    natives.setConcurrency(threads);
  }

  /**
   * Frees libvips' per-thread state; call it at the end of a platform thread that ran libvips work,
   * or that state leaks.
   */
  public void threadShutdown() {
    natives.threadShutdown();
  }

  /** A scope for one image's work; everything it creates is released when it closes. */
  public VipsSession session() {
    return new VipsSession(natives);
  }
}
