package com.imageserving.imaging;

import com.imageserving.config.OutputFormat;
import com.imageserving.imaging.ImageRejectedException.Reason;
import com.imageserving.imaging.vips.Loader;
import com.imageserving.imaging.vips.NativeBytes;
import com.imageserving.imaging.vips.Saver;
import com.imageserving.imaging.vips.Vips;
import com.imageserving.imaging.vips.VipsException;
import com.imageserving.imaging.vips.VipsImage;
import com.imageserving.imaging.vips.VipsSession;
import java.util.EnumSet;
import java.util.Set;

/**
 * The steps from untrusted bytes to the output image, each a small method, run in order: sniff,
 * load (checking the pixel count from the header first), orient, sRGB, resize, flatten, encode.
 * Runs on the calling thread; {@link VipsImageProcessor} gives it a worker thread.
 */
final class Pipeline {
  private final Vips vips;
  private final Set<Loader> loaders;
  private final long maxInputPixels;
  private final OutputFormat format;
  private final int quality;

  Pipeline(Vips vips, long maxInputPixels, OutputFormat format, int quality) {
    this.vips = vips;
    this.maxInputPixels = maxInputPixels;
    this.format = format;
    this.quality = quality;
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

  /** Reads {@code input} in place; it must stay open until this returns. */
  ProcessedImage run(NativeBytes input, int maxSize) {
    Loader loader = Sniffer.sniff(input.head(Sniffer.HEAD_BYTES), loaders);
    try (VipsSession session = vips.session()) {
      VipsImage image = load(session, loader, input, maxSize);
      image = orient(session, image);
      image = toSrgb(session, image);
      image = resize(session, image, maxSize);
      image = flatten(session, image);
      byte[] data = encode(session, image);
      return new ProcessedImage(data, format, image.width(), image.height());
    } catch (VipsException e) {
      // Pixels are decoded lazily, so a corrupt body can fail in any step up to encoding.
      throw new ImageRejectedException(
          Reason.UNDECODABLE, "Image could not be decoded: " + firstLine(e.getMessage()));
    }
  }

  /**
   * Reads the header alone, refuses pixel bombs before any pixel is decoded, then reopens with
   * shrink-on-load when the image is at least twice too large (leaving Lanczos the last step, so
   * the DCT/libwebp box filter does not alias).
   */
  private VipsImage load(VipsSession session, Loader loader, NativeBytes input, int maxSize) {
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
    int shrink =
        shrinkOnLoad(
            Math.max(header.width(), header.height()),
            Math.min(header.width(), header.height()),
            maxSize);
    if (shrink == 1 || !loader.shrinksOnLoad()) {
      return header;
    }
    return session.load(loader, input, shrink);
  }

  static int shrinkOnLoad(int longer, int shorter, int maxSize) {
    double factor = (double) longer / maxSize;
    int shrink = factor >= 16 ? 8 : factor >= 8 ? 4 : factor >= 4 ? 2 : 1;
    // Never shrink the shorter side below one pixel: libvips 8.14's JPEG loader then builds a
    // zero-height image and aborts the whole process on an assertion (found by the fuzzer: a
    // 6344×2 JPEG); a strip like that gains nothing from shrink-on-load anyway.
    while (shrink > 1 && shorter / shrink < 1) {
      shrink /= 2;
    }
    return shrink;
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
    if (image.interpretation() != VipsImage.SRGB) {
      image = session.colourspace(image, VipsImage.SRGB);
    }
    if (image.format() != VipsImage.UCHAR) {
      image = session.castUchar(image);
    }
    return image;
  }

  /**
   * Scales down so the longer side is {@code maxSize}, never up. The target is computed from the
   * current size (after shrink-on-load and rotation) with the shorter side rounded down; the two
   * axes get separate factors so both land exactly on it. Alpha is premultiplied so that
   * transparent pixels' colour does not bleed into the edges.
   */
  private static VipsImage resize(VipsSession session, VipsImage image, int maxSize) {
    int width = image.width();
    int height = image.height();
    int longer = Math.max(width, height);
    if (longer <= maxSize) {
      return image;
    }
    int targetWidth;
    int targetHeight;
    if (width >= height) {
      targetWidth = maxSize;
      targetHeight = Math.max(1, (int) ((long) height * maxSize / width));
    } else {
      targetHeight = maxSize;
      targetWidth = Math.max(1, (int) ((long) width * maxSize / height));
    }
    double hscale = (double) targetWidth / width;
    double vscale = (double) targetHeight / height;
    if (!image.hasAlpha()) {
      return session.resize(image, hscale, vscale);
    }
    VipsImage resized = session.resize(session.premultiply(image), hscale, vscale);
    return session.castUchar(session.unpremultiply(resized));
  }

  /** Transparent areas become white when the output format has no alpha channel. */
  private VipsImage flatten(VipsSession session, VipsImage image) {
    if (format.hasAlpha() || !image.hasAlpha()) {
      return image;
    }
    VipsImage flat = session.flatten(image, 255, 255, 255);
    return flat.format() == VipsImage.UCHAR ? flat : session.castUchar(flat);
  }

  /** Encodes with all metadata stripped, checked in the container for WebP (see WebpMetadata). */
  private byte[] encode(VipsSession session, VipsImage image) {
    byte[] data = session.save(image, saverFor(format), quality);
    return format == OutputFormat.WEBP ? WebpMetadata.strip(data) : data;
  }

  static Saver saverFor(OutputFormat format) {
    return switch (format) {
      case JPEG -> Saver.JPEG;
      case WEBP -> Saver.WEBP;
      case PNG -> Saver.PNG;
      case AVIF -> Saver.AVIF;
    };
  }

  private static String firstLine(@org.jspecify.annotations.Nullable String message) {
    if (message == null) {
      return "unknown error";
    }
    int end = message.indexOf('\n');
    return end < 0 ? message : message.substring(0, end);
  }
}
