package com.imageserving.imaging;

import com.imageserving.config.OutputFormat;
import com.imageserving.imaging.ImageRejectedException.Reason;
import com.imageserving.imaging.Layout.Region;
import com.imageserving.imaging.vips.Loader;
import com.imageserving.imaging.vips.NativeBytes;
import com.imageserving.imaging.vips.Saver;
import com.imageserving.imaging.vips.Vips;
import com.imageserving.imaging.vips.VipsException;
import com.imageserving.imaging.vips.VipsImage;
import com.imageserving.imaging.vips.VipsSession;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * The steps from untrusted bytes to the output image, each a small method, run in order: sniff,
 * load (checking the pixel count from the header first, shrinking on load when the result is small
 * enough), orient, sRGB, crop, resize, crop to the result, blur, sharpen, flatten, encode. Uploads
 * and variant renders are the same run with different {@link Job}s; steps a job does not ask for do
 * nothing. Runs on the calling thread; {@link VipsImageProcessor} gives it a worker thread.
 */
final class Pipeline {
  private final Vips vips;
  private final Set<Loader> loaders;
  private final long maxInputPixels;

  /**
   * Runs with a smart crop take turns. libvips' attention strategy is some 25 operations, mostly on
   * a small copy of the image: nearly all of its cost is libvips' bookkeeping per operation, which
   * takes a process-wide mutex for argument lookups (vips__argument_get_instance, in 8.14). Two
   * such runs at once spent a quarter of their CPU queuing for it (perf: futex calls by the
   * thousand per render). One at a time, a 96×96 smart crop of a 1200×900 JPEG took 11.2–11.9 ms of
   * CPU instead of 14.2–16.9, at the same renders per second. Runs without a smart crop are mostly
   * pixel work, and keep running side by side: serialised, 320 px WebP renders lost a third of
   * their throughput for no CPU saved.
   */
  private final ReentrantLock attention = new ReentrantLock();

  Pipeline(Vips vips, long maxInputPixels) {
    this.vips = vips;
    this.maxInputPixels = maxInputPixels;
    Set<Loader> found = EnumSet.noneOf(Loader.class);
    for (Loader loader : Loader.values()) {
      if (vips.hasOperation(loader.nickname())) {
        found.add(loader);
      }
    }
    this.loaders = found;
  }

  /** The loaders usable here: JPEG, PNG, GIF, WebP always; HEIF and TIFF when libvips has them. */
  Set<Loader> loaders() {
    return loaders;
  }

  /** How the size of a run's result is decided. */
  interface Sizing {
    /** The layout for an oriented source of {@code width × height}, before anything is decoded. */
    Layout plan(int width, int height);

    /**
     * The layout for the loaded, oriented image, which shrink-on-load may have made smaller than
     * the source.
     */
    Layout plan(int sourceWidth, int sourceHeight, int loadedWidth, int loadedHeight);

    /**
     * How many times smaller than the oriented source the result is on its less reduced axis:
     * shrink-on-load may take half of that.
     */
    default double reduction(int width, int height) {
      return plan(width, height).reduction(width, height);
    }
  }

  /** Uploads: the longer side at most {@code maxSize}, as measured on the image as loaded. */
  record FitWithin(int maxSize) implements Sizing {
    @Override
    public Layout plan(int width, int height) {
      return Layout.fitWithin(width, height, maxSize);
    }

    @Override
    public Layout plan(int sourceWidth, int sourceHeight, int loadedWidth, int loadedHeight) {
      // Measured after shrink-on-load, as uploads always were: their sizes stay exactly the same.
      return Layout.fitWithin(loadedWidth, loadedHeight, maxSize);
    }

    @Override
    public double reduction(int width, int height) {
      // The longer side's factor, as uploads always measured it (the shorter side's rounding
      // down can only make its own factor larger).
      return (double) Math.max(width, height) / maxSize;
    }
  }

  /** Variants: imgproxy's geometry, measured on the source whatever the loader could shrink. */
  record Render(RenderSpec spec) implements Sizing {
    @Override
    public Layout plan(int width, int height) {
      return Layout.of(spec, width, height);
    }

    @Override
    public Layout plan(int sourceWidth, int sourceHeight, int loadedWidth, int loadedHeight) {
      return Layout.of(spec, sourceWidth, sourceHeight)
          .onLoaded(sourceWidth, sourceHeight, loadedWidth, loadedHeight);
    }
  }

  /** One run: its sizing, filters and encoding, and whether it computes a placeholder. */
  record Job(
      Sizing sizing,
      OutputFormat format,
      int quality,
      double blur,
      double sharpen,
      Rgb background,
      boolean placeholder) {

    static Job upload(int maxSize, OutputFormat format, int quality) {
      return new Job(new FitWithin(maxSize), format, quality, 0, 0, Rgb.WHITE, true);
    }

    static Job render(RenderSpec spec) {
      return new Job(
          new Render(spec),
          spec.format(),
          spec.quality(),
          spec.blur(),
          spec.sharpen(),
          spec.background(),
          false);
    }
  }

  /** Reads {@code input} in place; it must stay open until this returns. */
  ProcessedImage run(NativeBytes input, Job job) {
    Loader loader = Sniffer.sniff(input.head(Sniffer.HEAD_BYTES), loaders);
    boolean turn = false;
    try (VipsSession session = vips.session()) {
      Loaded loaded = load(session, loader, input, job.sizing());
      VipsImage image = orient(session, loaded.image());
      image = toSrgb(session, image);
      Layout layout =
          job.sizing().plan(loaded.width(), loaded.height(), image.width(), image.height());
      checkScaledPixels(layout);
      if (layout.hasSmartCrop()) {
        // Held until the session has freed its objects too (in close, before finally).
        attention.lock();
        turn = true;
      }
      return finish(session, image, layout, job);
    } catch (VipsException e) {
      // Pixels are decoded lazily, so a corrupt body can fail in any step up to encoding.
      throw new ImageRejectedException(
          Reason.UNDECODABLE, "Image could not be decoded: " + firstLine(e.getMessage()));
    } finally {
      if (turn) {
        attention.unlock();
      }
    }
  }

  /** The steps after loading: crop, resize, crop to the result, filters, flatten, encode. */
  private static ProcessedImage finish(
      VipsSession session, VipsImage loaded, Layout layout, Job job) {
    VipsImage image = crop(session, loaded, layout.crop());
    image = resize(session, image, layout.scaledWidth(), layout.scaledHeight());
    image = crop(session, image, layout.resultCrop());
    image = blur(session, image, job.blur());
    image = sharpen(session, image, job.sharpen());
    image = flatten(session, image, job.format(), job.background());
    Placeholder placeholder = null;
    if (job.placeholder()) {
      // The image is read sequentially as it is decoded: once in memory (one output-sized
      // frame), the placeholder and the encoder can both read it without decoding twice.
      image = session.copyMemory(image);
      placeholder = placeholder(session, image);
    }
    byte[] data = encode(session, image, job.format(), job.quality());
    return new ProcessedImage(data, job.format(), image.width(), image.height(), placeholder);
  }

  /**
   * The (oriented) size and placeholder of a stored image, the placeholder from a rendition of at
   * most {@link Placeholder#SIZE} pixels a side (decoded with shrink-on-load where the loader can):
   * for images stored before uploads carried one. Reads {@code input} in place; it must stay open
   * until this returns.
   */
  ImageSummary summarize(NativeBytes input) {
    Loader loader = Sniffer.sniff(input.head(Sniffer.HEAD_BYTES), loaders);
    try (VipsSession session = vips.session()) {
      Loaded loaded = load(session, loader, input, new FitWithin(Placeholder.SIZE));
      VipsImage image = toSrgb(session, orient(session, loaded.image()));
      return new ImageSummary(loaded.width(), loaded.height(), placeholder(session, image));
    } catch (VipsException e) {
      throw new ImageRejectedException(
          Reason.UNDECODABLE, "Image could not be decoded: " + firstLine(e.getMessage()));
    }
  }

  /**
   * BlurHash and dominant colour of an 8-bit sRGB image, from its pixels shrunk to at most {@link
   * Placeholder#SIZE} a side; transparency is shown on white, as a page usually is.
   */
  private static Placeholder placeholder(VipsSession session, VipsImage image) {
    Layout layout = Layout.fitWithin(image.width(), image.height(), Placeholder.SIZE);
    VipsImage small = resize(session, image, layout.scaledWidth(), layout.scaledHeight());
    if (small.hasAlpha()) {
      small = flatten(session, small, OutputFormat.JPEG, Rgb.WHITE);
    }
    small = srgbUchar(session, small);
    byte[] pixels = session.pixels(small);
    int bands = small.bands();
    if (bands != 3) {
      throw new VipsException("expected 3 bands for a placeholder, got " + bands);
    }
    return Placeholder.of(pixels, small.width(), small.height());
  }

  /** The image as first loaded, and the source's oriented size before any shrink-on-load. */
  private record Loaded(VipsImage image, int width, int height) {}

  /**
   * Reads the header alone, refuses pixel bombs before any pixel is decoded, then reopens with
   * shrink-on-load when the result is at least twice smaller than the source (leaving Lanczos the
   * last step, so the DCT/libwebp box filter does not alias).
   */
  private Loaded load(VipsSession session, Loader loader, NativeBytes input, Sizing sizing) {
    VipsImage header = session.load(loader, input, 1);
    long pixels = (long) header.width() * header.height();
    if (pixels > maxInputPixels) {
      throw new ImageRejectedException(
          Reason.TOO_MANY_PIXELS,
          "Image has "
              + header.width()
              + "×"
              + header.height()
              + " pixels, over the limit of "
              + maxInputPixels);
    }
    // Orientations 5 to 8 turn the image a quarter: the layout is planned on the upright size.
    boolean quarterTurn = header.orientation() >= 5 && header.orientation() <= 8;
    int width = quarterTurn ? header.height() : header.width();
    int height = quarterTurn ? header.width() : header.height();
    int shrink = shrinkOnLoad(sizing.reduction(width, height), Math.min(width, height));
    if (shrink == 1 || !loader.shrinksOnLoad()) {
      return new Loaded(header, width, height);
    }
    return new Loaded(session.load(loader, input, shrink), width, height);
  }

  /**
   * The loader's shrink for a resize that reduces by {@code reduction}: at most half of it, so
   * Lanczos always does the last factor of two or more.
   */
  static int shrinkOnLoad(double reduction, int shorter) {
    int shrink = reduction >= 16 ? 8 : reduction >= 8 ? 4 : reduction >= 4 ? 2 : 1;
    // Never shrink the shorter side below one pixel: libvips 8.14's JPEG loader then builds a
    // zero-height image and aborts the whole process on an assertion (found by the fuzzer: a
    // 6344×2 JPEG); a strip like that gains nothing from shrink-on-load anyway.
    while (shrink > 1 && shorter / shrink < 1) {
      shrink /= 2;
    }
    return shrink;
  }

  /**
   * A render whose resize would make more pixels than a decode may have (e.g. fill-enlarging a
   * 10000×1 strip into a square) is refused rather than given the memory.
   */
  private void checkScaledPixels(Layout layout) {
    long pixels = (long) layout.scaledWidth() * layout.scaledHeight();
    if (pixels > maxInputPixels) {
      throw new ImageRejectedException(
          Reason.TOO_MANY_PIXELS,
          "The resize would make "
              + layout.scaledWidth()
              + "×"
              + layout.scaledHeight()
              + " pixels, over the limit of "
              + maxInputPixels);
    }
  }

  /**
   * Applies the EXIF orientation. Rotating or flipping reads the source out of order, which a
   * sequentially loaded image cannot do, so the (already shrunk) image is decoded to memory first.
   */
  private static VipsImage orient(VipsSession session, VipsImage image) {
    if (image.orientation() == 1) {
      return image;
    }
    return session.autorot(session.copyMemory(image));
  }

  /** 8-bit sRGB through the embedded ICC profile when there is one (CMYK, 16-bit, grey...). */
  private static VipsImage toSrgb(VipsSession session, VipsImage image) {
    if (image.hasIccProfile()) {
      try {
        image = session.iccToSrgb(image, null);
      } catch (VipsException brokenProfile) {
        // Browsers ignore a profile they cannot parse; so do we, and convert without it.
      }
    } else if (image.interpretation() == VipsImage.CMYK) {
      image = session.iccToSrgb(image, "cmyk");
    }
    return srgbUchar(session, image);
  }

  private static VipsImage srgbUchar(VipsSession session, VipsImage image) {
    if (image.interpretation() != VipsImage.SRGB) {
      image = session.colourspace(image, VipsImage.SRGB);
    }
    if (image.format() != VipsImage.UCHAR) {
      image = session.castUchar(image);
    }
    return image;
  }

  /**
   * Keeps one area: a fixed one, or the most interesting one by libvips' attention strategy, which
   * reads the image several times and so needs it decoded in memory.
   */
  private static VipsImage crop(VipsSession session, VipsImage image, @Nullable Region region) {
    if (region == null || (region.width() >= image.width() && region.height() >= image.height())) {
      return image;
    }
    int width = Math.min(region.width(), image.width());
    int height = Math.min(region.height(), image.height());
    if (region.smart()) {
      return session.smartcrop(session.copyMemory(image), width, height);
    }
    return session.extractArea(image, region.left(), region.top(), width, height);
  }

  /**
   * Resamples (Lanczos3) to exactly {@code width × height}: the two axes get separate factors so
   * both land on their integer target. Alpha is premultiplied so that transparent pixels' colour
   * does not bleed into the edges.
   */
  private static VipsImage resize(VipsSession session, VipsImage image, int width, int height) {
    if (image.width() == width && image.height() == height) {
      return image;
    }
    double hscale = (double) width / image.width();
    double vscale = (double) height / image.height();
    if (!image.hasAlpha()) {
      return session.resize(image, hscale, vscale);
    }
    VipsImage resized = session.resize(session.premultiply(image), hscale, vscale);
    return session.castUchar(session.unpremultiply(resized));
  }

  /** Gaussian blur; alpha premultiplied for the same reason as when resizing. */
  private static VipsImage blur(VipsSession session, VipsImage image, double sigma) {
    if (sigma <= 0) {
      return image;
    }
    return withPremultipliedAlpha(session, image, in -> session.gaussblur(in, sigma));
  }

  /** libvips' sharpen (an unsharp mask on lightness). */
  private static VipsImage sharpen(VipsSession session, VipsImage image, double sigma) {
    if (sigma <= 0) {
      return image;
    }
    return withPremultipliedAlpha(session, image, in -> session.sharpen(in, sigma));
  }

  private static VipsImage withPremultipliedAlpha(
      VipsSession session, VipsImage image, UnaryOperator<VipsImage> filter) {
    if (!image.hasAlpha()) {
      return srgbUchar(session, filter.apply(image));
    }
    // Back to 8 bits between the steps, as imgproxy does: the filters keep their integer paths.
    VipsImage premultiplied = session.castUchar(session.premultiply(image));
    VipsImage filtered = srgbUchar(session, filter.apply(premultiplied));
    return session.castUchar(session.unpremultiply(filtered));
  }

  /** Transparent areas become {@code background} when the output format has no alpha channel. */
  private static VipsImage flatten(
      VipsSession session, VipsImage image, OutputFormat format, Rgb background) {
    if (format.hasAlpha() || !image.hasAlpha()) {
      return image;
    }
    VipsImage flat = session.flatten(image, background.r(), background.g(), background.b());
    return flat.format() == VipsImage.UCHAR ? flat : session.castUchar(flat);
  }

  /** Encodes with all metadata stripped. */
  private static byte[] encode(
      VipsSession session, VipsImage image, OutputFormat format, int quality) {
    return session.save(image, saverFor(format), quality);
  }

  static Saver saverFor(OutputFormat format) {
    return switch (format) {
      case JPEG -> Saver.JPEG;
      case WEBP -> Saver.WEBP;
      case PNG -> Saver.PNG;
      case AVIF -> Saver.AVIF;
    };
  }

  private static String firstLine(@Nullable String message) {
    if (message == null) {
      return "unknown error";
    }
    int end = message.indexOf('\n');
    return end < 0 ? message : message.substring(0, end);
  }
}
