package com.imageserving.imaging.vips;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import com.imageserving.imaging.vips.Natives.Option;
import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The native scope of one image's work, to be used from one thread in try-with-resources. Every
 * image it returns is released when it closes, whether the work succeeded or failed. The input is
 * read in place, not copied, so its owner frees it only after the session has closed. Each
 * operation throws {@link VipsException} with libvips' message.
 */
public final class VipsSession implements AutoCloseable {
  // Enum values from the libvips headers (image.h, foreign.h, resample.h)
  private static final int ACCESS_SEQUENTIAL = 1;
  private static final int FAIL_ON_ERROR = 2;
  private static final int KERNEL_LANCZOS3 = 5;
  private static final int HEIF_COMPRESSION_AV1 = 4;
  private static final int INTERESTING_ATTENTION = 3;
  private static final int TRUE = 1;

  private final Natives natives;
  private final Arena arena = Arena.ofConfined();
  private final Deque<MemorySegment> owned = new ArrayDeque<>();

  VipsSession(Natives natives) {
    this.natives = natives;
  }

  /**
   * Opens {@code data} with this one loader, reading only the header; pixels are decoded later, top
   * to bottom, when an image derived from it is saved. Undecodable data fails here or at save.
   * libvips keeps reading {@code data} in place until this session closes, so it must stay open
   * until then.
   *
   * @param shrink 1, 2, 4 or 8: decode at 1/shrink size where the loader can (JPEG, WebP)
   */
  public VipsImage load(Loader loader, NativeBytes data, int shrink) {
    MemorySegment input = data.segment();
    List<Option> options = new ArrayList<>();
    options.add(new Option("access", ACCESS_SEQUENTIAL));
    // Fail on truncation and decoder errors instead of returning a half-grey picture.
    options.add(new Option("fail_on", FAIL_ON_ERROR));
    if (shrink > 1 && loader == Loader.JPEG) {
      options.add(new Option("shrink", shrink));
    } else if (shrink > 1 && loader == Loader.WEBP) {
      options.add(new Option("scale", 1.0 / shrink));
    }
    MemorySegment out = arena.allocate(ADDRESS);
    int result =
        natives.call(
            arena,
            loader.function(),
            List.of(ADDRESS, JAVA_LONG, ADDRESS),
            List.of(input, input.byteSize(), out),
            options.toArray(Option[]::new));
    return take(result, out);
  }

  /** Applies the EXIF orientation and removes the tag. */
  public VipsImage autorot(VipsImage in) {
    return unary("vips_autorot", in);
  }

  /**
   * Converts to 8-bit sRGB through ICC profiles: the embedded one when {@code inputProfile} is
   * null, otherwise that built-in profile (e.g. "cmyk"). Extra bands such as alpha pass through.
   */
  public VipsImage iccToSrgb(VipsImage in, @Nullable String inputProfile) {
    MemorySegment out = arena.allocate(ADDRESS);
    Option source =
        inputProfile == null
            ? new Option("embedded", TRUE)
            : new Option("input_profile", arena.allocateFrom(inputProfile));
    int result =
        natives.call(
            arena,
            "vips_icc_transform",
            List.of(ADDRESS, ADDRESS, ADDRESS),
            List.of(in.pointer, out, arena.allocateFrom("srgb")),
            source,
            new Option("depth", 8));
    return take(result, out);
  }

  /** Converts to another VipsInterpretation, e.g. {@link VipsImage#SRGB}, without profiles. */
  public VipsImage colourspace(VipsImage in, int interpretation) {
    MemorySegment out = arena.allocate(ADDRESS);
    int result =
        natives.call(
            arena,
            "vips_colourspace",
            List.of(ADDRESS, ADDRESS, JAVA_INT),
            List.of(in.pointer, out, interpretation));
    return take(result, out);
  }

  /** Casts every band to 8-bit unsigned, clipping. */
  public VipsImage castUchar(VipsImage in) {
    return unary("vips_cast_uchar", in);
  }

  /**
   * Multiplies colour by alpha (the result is float), so that resampling does not leak colour from
   * transparent pixels.
   */
  public VipsImage premultiply(VipsImage in) {
    return unary("vips_premultiply", in);
  }

  public VipsImage unpremultiply(VipsImage in) {
    return unary("vips_unpremultiply", in);
  }

  /** Resamples with the Lanczos3 kernel by separate horizontal and vertical factors. */
  public VipsImage resize(VipsImage in, double hscale, double vscale) {
    MemorySegment out = arena.allocate(ADDRESS);
    int result =
        natives.call(
            arena,
            "vips_resize",
            List.of(ADDRESS, ADDRESS, JAVA_DOUBLE),
            List.of(in.pointer, out, hscale),
            new Option("vscale", vscale),
            new Option("kernel", KERNEL_LANCZOS3));
    return take(result, out);
  }

  /** The {@code width × height} area at ({@code left}, {@code top}); it must lie inside. */
  public VipsImage extractArea(VipsImage in, int left, int top, int width, int height) {
    MemorySegment out = arena.allocate(ADDRESS);
    int result =
        natives.call(
            arena,
            "vips_extract_area",
            List.of(ADDRESS, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT),
            List.of(in.pointer, out, left, top, width, height));
    return take(result, out);
  }

  /**
   * The {@code width × height} area libvips finds most interesting by its attention strategy
   * (edges, skin tones, saturated colour). Reads the image several times: give it an image in
   * memory ({@link #copyMemory}), not a sequentially loaded one.
   */
  public VipsImage smartcrop(VipsImage in, int width, int height) {
    MemorySegment out = arena.allocate(ADDRESS);
    int result =
        natives.call(
            arena,
            "vips_smartcrop",
            List.of(ADDRESS, ADDRESS, JAVA_INT, JAVA_INT),
            List.of(in.pointer, out, width, height),
            new Option("interesting", INTERESTING_ATTENTION));
    return take(result, out);
  }

  /** Gaussian blur of standard deviation {@code sigma} pixels; 8-bit input stays 8-bit. */
  public VipsImage gaussblur(VipsImage in, double sigma) {
    MemorySegment out = arena.allocate(ADDRESS);
    int result =
        natives.call(
            arena,
            "vips_gaussblur",
            List.of(ADDRESS, ADDRESS, JAVA_DOUBLE),
            List.of(in.pointer, out, sigma));
    return take(result, out);
  }

  /**
   * libvips' sharpen: an unsharp mask of standard deviation {@code sigma} on the lightness channel
   * (it works in LabS and converts back).
   */
  public VipsImage sharpen(VipsImage in, double sigma) {
    MemorySegment out = arena.allocate(ADDRESS);
    int result =
        natives.call(
            arena,
            "vips_sharpen",
            List.of(ADDRESS, ADDRESS),
            List.of(in.pointer, out),
            new Option("sigma", sigma));
    return take(result, out);
  }

  /** Removes alpha by blending onto {@code background} (one value per colour band). */
  public VipsImage flatten(VipsImage in, double... background) {
    MemorySegment out = arena.allocate(ADDRESS);
    MemorySegment array = natives.arrayDouble(arena, background);
    try {
      int result =
          natives.call(
              arena,
              "vips_flatten",
              List.of(ADDRESS, ADDRESS),
              List.of(in.pointer, out),
              new Option("background", array));
      return take(result, out);
    } finally {
      natives.areaUnref(array);
    }
  }

  /**
   * Decodes the whole image into memory. Needed before operations that read out of order (such as
   * rotation) on a sequentially loaded image; use it on small images only.
   */
  public VipsImage copyMemory(VipsImage in) {
    MemorySegment image = natives.copyMemory(in.pointer);
    if (image.equals(MemorySegment.NULL)) {
      throw natives.error();
    }
    return own(image);
  }

  /**
   * Encodes without any metadata (EXIF, GPS, XMP, IPTC, ICC are stripped); {@code quality} is
   * ignored for PNG, which is lossless.
   */
  public byte[] save(VipsImage in, Saver saver, int quality) {
    if (saver == Saver.WEBP) {
      // libvips 8.14's webpsave leaks the whole pipeline (every image and operation, with the
      // input buffer's source) when decoding fails during the save, e.g. on a truncated JPEG
      // with fail_on=error; `VIPS_LEAK=1 vips copy 'cut.jpg[fail_on=error]' x.webp` shows it
      // without this binding. Decoding first makes such failures happen here, where libvips
      // cleans up, so webpsave only ever reads memory. The copy is one output-sized frame.
      in = copyMemory(in);
    }
    List<Option> options = new ArrayList<>();
    options.add(new Option("strip", TRUE));
    switch (saver) {
      case JPEG -> {
        options.add(new Option("Q", quality));
        options.add(new Option("optimize_coding", TRUE));
      }
      case WEBP -> options.add(new Option("Q", quality));
      case PNG -> options.add(new Option("compression", 6));
      case AVIF -> {
        options.add(new Option("Q", quality));
        options.add(new Option("compression", HEIF_COMPRESSION_AV1));
      }
    }
    MemorySegment buffer = arena.allocate(ADDRESS);
    MemorySegment length = arena.allocate(JAVA_LONG);
    int result =
        natives.call(
            arena,
            saver.function(),
            List.<MemoryLayout>of(ADDRESS, ADDRESS, ADDRESS),
            List.of(in.pointer, buffer, length),
            options.toArray(Option[]::new));
    MemorySegment data = buffer.get(ADDRESS, 0);
    try {
      if (result != 0) {
        throw natives.error();
      }
      byte[] encoded = data.reinterpret(length.get(JAVA_LONG, 0)).toArray(JAVA_BYTE);
      // libvips 8.14's webpsave ignores strip: it writes the EXIF, XMP and ICC blobs it finds
      // (GPS included), and builds a fresh EXIF block when there is none.
      return saver == Saver.WEBP ? WebpMetadata.strip(encoded) : encoded;
    } finally {
      if (!data.equals(MemorySegment.NULL)) {
        natives.free(data);
      }
    }
  }

  /**
   * The pixels of {@code in}, band-interleaved, row by row (for an 8-bit sRGB image: R, G, B per
   * pixel). Decodes the whole image: use it on small images only.
   */
  public byte[] pixels(VipsImage in) {
    MemorySegment size = arena.allocate(JAVA_LONG);
    MemorySegment data = natives.writeToMemory(in.pointer, size);
    if (data.equals(MemorySegment.NULL)) {
      throw natives.error();
    }
    try {
      return data.reinterpret(size.get(JAVA_LONG, 0)).toArray(JAVA_BYTE);
    } finally {
      natives.free(data);
    }
  }

  private VipsImage unary(String function, VipsImage in) {
    MemorySegment out = arena.allocate(ADDRESS);
    int result = natives.call(arena, function, List.of(ADDRESS, ADDRESS), List.of(in.pointer, out));
    return take(result, out);
  }

  /** Owns the image a call wrote to {@code out}, or turns its failure into an exception. */
  private VipsImage take(int result, MemorySegment out) {
    MemorySegment image = out.get(ADDRESS, 0);
    if (result != 0) {
      // On failure libvips releases its outputs itself and leaves out unset.
      throw natives.error();
    }
    return own(image);
  }

  private VipsImage own(MemorySegment image) {
    owned.push(image);
    return new VipsImage(natives, image);
  }

  @Override
  public void close() {
    try {
      while (!owned.isEmpty()) {
        natives.unref(owned.pop());
      }
    } finally {
      arena.close();
    }
  }
}
