package com.imageserving.imaging.vips;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Downcall handles for the libvips and GLib functions the pipeline uses, and a helper for libvips'
 * NULL-terminated variadic option lists.
 */
final class Natives {
  /** One optional argument of a variadic libvips call: a name and an Integer, Double or pointer. */
  record Option(String name, Object value) {}

  private static final Linker LINKER = Linker.nativeLinker();

  private final SymbolLookup lookup;
  private final ConcurrentHashMap<String, MethodHandle> variadic = new ConcurrentHashMap<>();

  private final MethodHandle init;
  private final MethodHandle cacheSetMax;
  private final MethodHandle cacheSetMaxMem;
  private final MethodHandle cacheSetMaxFiles;
  private final MethodHandle blockUntrustedSet;
  private final MethodHandle concurrencySet;
  private final MethodHandle vectorSetEnabled;
  private final MethodHandle vectorIsEnabled;
  private final MethodHandle threadShutdown;
  private final MethodHandle typeFind;
  private final MethodHandle errorBufferCopy;
  private final MethodHandle gFree;
  private final MethodHandle gObjectUnref;
  private final MethodHandle getWidth;
  private final MethodHandle getHeight;
  private final MethodHandle getBands;
  private final MethodHandle getFormat;
  private final MethodHandle getInterpretation;
  private final MethodHandle hasAlpha;
  private final MethodHandle getOrientation;
  private final MethodHandle getTypeof;
  private final MethodHandle copyMemory;
  private final MethodHandle arrayDoubleNew;
  private final MethodHandle areaUnref;
  private final MethodHandle writeToMemory;

  Natives(SymbolLookup lookup) {
    this.lookup = lookup;
    init = handle("vips_init", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    cacheSetMax = handle("vips_cache_set_max", FunctionDescriptor.ofVoid(JAVA_INT));
    cacheSetMaxMem = handle("vips_cache_set_max_mem", FunctionDescriptor.ofVoid(JAVA_LONG));
    cacheSetMaxFiles = handle("vips_cache_set_max_files", FunctionDescriptor.ofVoid(JAVA_INT));
    blockUntrustedSet = handle("vips_block_untrusted_set", FunctionDescriptor.ofVoid(JAVA_INT));
    concurrencySet = handle("vips_concurrency_set", FunctionDescriptor.ofVoid(JAVA_INT));
    vectorSetEnabled = handle("vips_vector_set_enabled", FunctionDescriptor.ofVoid(JAVA_INT));
    vectorIsEnabled = handle("vips_vector_isenabled", FunctionDescriptor.of(JAVA_INT));
    threadShutdown = handle("vips_thread_shutdown", FunctionDescriptor.ofVoid());
    typeFind = handle("vips_type_find", FunctionDescriptor.of(JAVA_LONG, ADDRESS, ADDRESS));
    errorBufferCopy = handle("vips_error_buffer_copy", FunctionDescriptor.of(ADDRESS));
    gFree = handle("g_free", FunctionDescriptor.ofVoid(ADDRESS));
    gObjectUnref = handle("g_object_unref", FunctionDescriptor.ofVoid(ADDRESS));
    getWidth = handle("vips_image_get_width", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    getHeight = handle("vips_image_get_height", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    getBands = handle("vips_image_get_bands", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    getFormat = handle("vips_image_get_format", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    getInterpretation =
        handle("vips_image_get_interpretation", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    hasAlpha = handle("vips_image_hasalpha", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    getOrientation = handle("vips_image_get_orientation", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    getTypeof = handle("vips_image_get_typeof", FunctionDescriptor.of(JAVA_LONG, ADDRESS, ADDRESS));
    copyMemory = handle("vips_image_copy_memory", FunctionDescriptor.of(ADDRESS, ADDRESS));
    arrayDoubleNew =
        handle("vips_array_double_new", FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT));
    areaUnref = handle("vips_area_unref", FunctionDescriptor.ofVoid(ADDRESS));
    writeToMemory =
        handle("vips_image_write_to_memory", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS));
  }

  private MethodHandle handle(String name, FunctionDescriptor descriptor) {
    MemorySegment symbol =
        lookup
            .find(name)
            .orElseThrow(() ->
                new VipsUnavailableException("libvips lacks " + name + ": " + Vips.INSTALL_HINT));
    return LINKER.downcallHandle(symbol, descriptor);
  }

  /**
   * Starts libvips with the settings this service needs; once per process. {@code vectors}: whether
   * libvips may use its run-time compiled SIMD code (liborc before 8.15, Highway since).
   */
  void init(boolean vectors) {
    try (Arena arena = Arena.ofConfined()) {
      int failed = (int) init.invokeExact(arena.allocateFrom("image-serving-service"));
      if (failed != 0) {
        throw new VipsUnavailableException("libvips failed to start: " + takeError());
      }
      // Every input is distinct, so cached operations would only hold memory and file handles.
      cacheSetMax.invokeExact(0);
      cacheSetMaxMem.invokeExact(0L);
      cacheSetMaxFiles.invokeExact(0);
      // Defence in depth: we only call allow-listed loaders, but if anything ever reached a
      // loader libvips marks untrusted (ImageMagick, PDF, SVG...), it must refuse.
      blockUntrustedSet.invokeExact(1);
      if (!vectors) {
        vectorSetEnabled.invokeExact(0);
      }
    } catch (Throwable t) {
      throw propagate(t);
    }
  }

  boolean hasOperation(String nickname) {
    try (Arena arena = Arena.ofConfined()) {
      long type =
          (long)
              typeFind.invokeExact(
                  arena.allocateFrom("VipsOperation"), arena.allocateFrom(nickname));
      return type != 0;
    } catch (Throwable t) {
      throw propagate(t);
    }
  }

  boolean vectorsEnabled() {
    try {
      return (int) vectorIsEnabled.invokeExact() != 0;
    } catch (Throwable t) {
      throw propagate(t);
    }
  }

  void setConcurrency(int threads) {
    try {
      concurrencySet.invokeExact(threads);
    } catch (Throwable t) {
      throw propagate(t);
    }
  }

  void threadShutdown() {
    try {
      threadShutdown.invokeExact();
    } catch (Throwable t) {
      throw propagate(t);
    }
  }

  /** libvips' error text, taken and cleared in one step so that threads do not mix messages. */
  String takeError() {
    try {
      MemorySegment copy = (MemorySegment) errorBufferCopy.invokeExact();
      if (copy.equals(MemorySegment.NULL)) {
        return "unknown libvips error";
      }
      try {
        String text = copy.reinterpret(Long.MAX_VALUE).getString(0).strip();
        return text.isEmpty() ? "unknown libvips error" : text;
      } finally {
        gFree.invokeExact(copy);
      }
    } catch (Throwable t) {
      throw propagate(t);
    }
  }

  VipsException error() {
    return new VipsException(takeError());
  }

  void free(MemorySegment pointer) {
    try {
      gFree.invokeExact(pointer);
    } catch (Throwable t) {
      throw propagate(t);
    }
  }

  void unref(MemorySegment object) {
    try {
      gObjectUnref.invokeExact(object);
    } catch (Throwable t) {
      throw propagate(t);
    }
  }

  int width(MemorySegment image) {
    return intOf(getWidth, image);
  }

  int height(MemorySegment image) {
    return intOf(getHeight, image);
  }

  int bands(MemorySegment image) {
    return intOf(getBands, image);
  }

  int format(MemorySegment image) {
    return intOf(getFormat, image);
  }

  int interpretation(MemorySegment image) {
    return intOf(getInterpretation, image);
  }

  boolean hasAlpha(MemorySegment image) {
    return intOf(hasAlpha, image) != 0;
  }

  int orientation(MemorySegment image) {
    return intOf(getOrientation, image);
  }

  boolean hasField(MemorySegment image, String field) {
    try (Arena arena = Arena.ofConfined()) {
      return (long) getTypeof.invokeExact(image, arena.allocateFrom(field)) != 0;
    } catch (Throwable t) {
      throw propagate(t);
    }
  }

  /** A fully decoded copy of the image in memory; NULL on error. */
  MemorySegment copyMemory(MemorySegment image) {
    try {
      return (MemorySegment) copyMemory.invokeExact(image);
    } catch (Throwable t) {
      throw propagate(t);
    }
  }

  /**
   * The image's pixels, decoded into a fresh buffer (free it with {@link #free}) whose size is
   * written to {@code size}; NULL on error.
   */
  MemorySegment writeToMemory(MemorySegment image, MemorySegment size) {
    try {
      return (MemorySegment) writeToMemory.invokeExact(image, size);
    } catch (Throwable t) {
      throw propagate(t);
    }
  }

  /** A VipsArrayDouble holding {@code values}; release it with {@link #areaUnref}. */
  MemorySegment arrayDouble(Arena arena, double... values) {
    try {
      return (MemorySegment)
          arrayDoubleNew.invokeExact(arena.allocateFrom(JAVA_DOUBLE, values), values.length);
    } catch (Throwable t) {
      throw propagate(t);
    }
  }

  void areaUnref(MemorySegment area) {
    try {
      areaUnref.invokeExact(area);
    } catch (Throwable t) {
      throw propagate(t);
    }
  }

  private static int intOf(MethodHandle handle, MemorySegment image) {
    try {
      return (int) handle.invokeExact(image);
    } catch (Throwable t) {
      throw propagate(t);
    }
  }

  /**
   * Calls a libvips function whose required arguments ({@code fixed}, laid out as {@code layouts})
   * are followed by name/value option pairs and a terminating NULL. Each distinct shape gets its
   * own downcall handle, since C varargs are laid out per call site.
   *
   * @return the C result: 0 on success, non-zero on error
   */
  int call(
      Arena arena,
      String function,
      List<MemoryLayout> layouts,
      List<Object> fixed,
      Option... options) {
    List<MemoryLayout> argLayouts = new ArrayList<>(layouts);
    List<Object> args = new ArrayList<>(fixed);
    StringBuilder key = new StringBuilder(function);
    for (Option option : options) {
      argLayouts.add(ADDRESS);
      args.add(arena.allocateFrom(option.name()));
      MemoryLayout layout =
          switch (option.value()) {
            case Integer i -> JAVA_INT;
            case Double d -> JAVA_DOUBLE;
            case MemorySegment m -> ADDRESS;
            default -> throw new IllegalArgumentException("option type " + option.value());
          };
      argLayouts.add(layout);
      args.add(option.value());
      key.append(',').append(layout);
    }
    argLayouts.add(ADDRESS);
    args.add(MemorySegment.NULL);
    MethodHandle handle =
        variadic.computeIfAbsent(
            key.toString(),
            k ->
                LINKER.downcallHandle(
                    lookup
                        .find(function)
                        .orElseThrow(
                            () -> new VipsException("libvips lacks the function " + function)),
                    FunctionDescriptor.of(JAVA_INT, argLayouts.toArray(MemoryLayout[]::new)),
                    Linker.Option.firstVariadicArg(layouts.size())));
    try {
      return (int) handle.invokeWithArguments(args);
    } catch (Throwable t) {
      throw propagate(t);
    }
  }

  private static RuntimeException propagate(Throwable t) {
    if (t instanceof RuntimeException r) {
      return r;
    }
    if (t instanceof Error e) {
      throw e;
    }
    return new IllegalStateException(t);
  }
}
