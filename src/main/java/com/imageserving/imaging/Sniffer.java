package com.imageserving.imaging;

import com.imageserving.imaging.ImageRejectedException.Reason;
import com.imageserving.imaging.vips.Loader;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Recognises an image format from its leading bytes (magic numbers), never from a name or a header,
 * and picks the one loader allowed to read it.
 */
final class Sniffer {
  /**
   * How many leading bytes {@link #sniff} needs: magic numbers are within the first 12, and the
   * rest leaves room for white space before an SVG's first tag. SVG behind more white space than
   * this is called undecodable instead of unsupported; refused either way.
   */
  static final int HEAD_BYTES = 1024;

  private static final Set<String> HEIF_BRANDS =
      Set.of(
          "heic", "heix", "hevc", "hevx", "heim", "heis", "hevm", "hevs", "mif1", "msf1", "avif",
          "avis");

  private Sniffer() {}

  /**
   * @param b the input's first {@link #HEAD_BYTES} bytes (or all of it when shorter)
   * @param available the loaders this libvips has (HEIF and TIFF are optional)
   * @throws ImageRejectedException UNSUPPORTED_FORMAT for a format we recognise but do not accept,
   *     UNDECODABLE for bytes that are no image at all
   */
  static Loader sniff(byte[] b, Set<Loader> available) {
    Loader loader = accepted(b);
    if (loader != null) {
      if (!available.contains(loader)) {
        throw unsupported(loader.name() + " images are not supported by this server");
      }
      return loader;
    }
    String refused = refusedFormat(b);
    if (refused != null) {
      throw unsupported(refused + " images are not supported");
    }
    throw new ImageRejectedException(Reason.UNDECODABLE, "Data is not a recognised image");
  }

  private static @Nullable Loader accepted(byte[] b) {
    if (starts(b, 0xFF, 0xD8, 0xFF)) {
      return Loader.JPEG;
    }
    if (starts(b, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)) {
      return Loader.PNG;
    }
    if (ascii(b, 0, "GIF87a") || ascii(b, 0, "GIF89a")) {
      return Loader.GIF;
    }
    if (ascii(b, 0, "RIFF") && ascii(b, 8, "WEBP")) {
      return Loader.WEBP;
    }
    if (ascii(b, 4, "ftyp") && b.length >= 12) {
      String brand = new String(b, 8, 4, StandardCharsets.ISO_8859_1);
      return HEIF_BRANDS.contains(brand) ? Loader.HEIF : null;
    }
    // Classic and BigTIFF, both byte orders.
    if (starts(b, 'I', 'I', 42, 0)
        || starts(b, 'M', 'M', 0, 42)
        || starts(b, 'I', 'I', 43, 0)
        || starts(b, 'M', 'M', 0, 43)) {
      return Loader.TIFF;
    }
    return null;
  }

  /** The name of a recognised format we refuse (415), or null when the bytes are unknown. */
  private static @Nullable String refusedFormat(byte[] b) {
    if (ascii(b, 0, "%PDF")) {
      return "PDF";
    }
    if (ascii(b, 0, "%!PS")) {
      return "PostScript";
    }
    if (ascii(b, 0, "BM") && b.length >= 14) {
      return "BMP";
    }
    if (starts(b, 0, 0, 1, 0) || starts(b, 0, 0, 2, 0)) {
      return "ICO";
    }
    if (ascii(b, 0, "8BPS")) {
      return "PSD";
    }
    if (ascii(b, 4, "ftyp")) {
      return "ISO media (video or other non-HEIF)";
    }
    if (starts(b, 0, 0, 0, 0x0C, 'j', 'P', ' ', ' ') || starts(b, 0xFF, 0x4F, 0xFF, 0x51)) {
      return "JPEG 2000";
    }
    if (starts(b, 0xFF, 0x0A) || starts(b, 0, 0, 0, 0x0C, 'J', 'X', 'L', ' ')) {
      return "JPEG XL";
    }
    if (ascii(b, 0, "#?RADIANCE") || ascii(b, 0, "#?RGBE")) {
      return "Radiance HDR";
    }
    if (starts(b, 0x76, 0x2F, 0x31, 0x01)) {
      return "OpenEXR";
    }
    if (looksLikeSvg(b)) {
      return "SVG";
    }
    return null;
  }

  /** XML or an svg element after an optional byte-order mark and white space. */
  private static boolean looksLikeSvg(byte[] b) {
    int i = starts(b, 0xEF, 0xBB, 0xBF) ? 3 : 0;
    while (i < b.length && Character.isWhitespace(b[i])) {
      i++;
    }
    return ascii(b, i, "<?xml") || ascii(b, i, "<svg") || ascii(b, i, "<!DOCTYPE svg");
  }

  private static ImageRejectedException unsupported(String message) {
    return new ImageRejectedException(Reason.UNSUPPORTED_FORMAT, message);
  }

  private static boolean starts(byte[] b, int... magic) {
    if (b.length < magic.length) {
      return false;
    }
    for (int i = 0; i < magic.length; i++) {
      if ((b[i] & 0xFF) != magic[i]) {
        return false;
      }
    }
    return true;
  }

  private static boolean ascii(byte[] b, int offset, String text) {
    if (b.length < offset + text.length()) {
      return false;
    }
    for (int i = 0; i < text.length(); i++) {
      if (b[offset + i] != text.charAt(i)) {
        return false;
      }
    }
    return true;
  }
}
