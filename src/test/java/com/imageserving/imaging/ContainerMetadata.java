package com.imageserving.imaging;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads an encoded file's container, independently of libvips, and names every place metadata can
 * hide in it: JPEG APPn segments, PNG chunks, WebP RIFF chunks and VP8X flags, HEIF/AVIF items and
 * colour profiles. An empty list means the file carries no EXIF, GPS, XMP, IPTC or ICC data.
 */
public final class ContainerMetadata {
  private ContainerMetadata() {}

  public static List<String> found(byte[] file) {
    if (startsWith(file, 0, new byte[] {(byte) 0xFF, (byte) 0xD8})) {
      return jpeg(file);
    }
    if (startsWith(file, 0, new byte[] {(byte) 0x89, 'P', 'N', 'G'})) {
      return png(file);
    }
    if (ascii(file, 0, 4).equals("RIFF") && ascii(file, 8, 4).equals("WEBP")) {
      return webp(file);
    }
    if (ascii(file, 4, 4).equals("ftyp")) {
      List<String> found = new ArrayList<>();
      isobmff(file, 0, file.length, found);
      return found;
    }
    throw new IllegalArgumentException("not a JPEG, PNG, WebP or HEIF/AVIF file");
  }

  /** Segments up to the start of scan: APP1 (EXIF, XMP), APP2 (ICC), APP13 (IPTC), COM. */
  private static List<String> jpeg(byte[] f) {
    List<String> found = new ArrayList<>();
    int offset = 2;
    while (offset + 4 <= f.length) {
      if ((f[offset] & 0xFF) != 0xFF) {
        throw new IllegalArgumentException("bad JPEG marker at " + offset);
      }
      int marker = f[offset + 1] & 0xFF;
      if (marker == 0xDA || marker == 0xD9) {
        break;
      }
      int length = u16(f, offset + 2);
      String payload = ascii(f, offset + 4, Math.min(30, length - 2));
      if (marker == 0xE1) {
        found.add("JPEG APP1 " + payload.replaceAll("[^ -~].*", ""));
      } else if (marker == 0xE2 && payload.startsWith("ICC_PROFILE")) {
        found.add("JPEG APP2 ICC_PROFILE");
      } else if (marker == 0xED) {
        found.add("JPEG APP13 (IPTC)");
      } else if (marker == 0xFE) {
        found.add("JPEG COM");
      } else if (marker >= 0xE3 && marker <= 0xEF) {
        found.add("JPEG APP" + (marker - 0xE0));
      }
      offset += 2 + length;
    }
    return found;
  }

  /** eXIf, iCCP, and every text chunk (tEXt, zTXt, iTXt: XMP lives in iTXt). */
  private static List<String> png(byte[] f) {
    List<String> found = new ArrayList<>();
    int offset = 8;
    while (offset + 8 <= f.length) {
      int length = ByteBuffer.wrap(f, offset, 4).getInt();
      String type = ascii(f, offset + 4, 4);
      if (List.of("eXIf", "iCCP", "tEXt", "zTXt", "iTXt").contains(type)) {
        found.add("PNG " + type);
      }
      offset += 12 + length;
    }
    return found;
  }

  /** EXIF, XMP and ICCP chunks, and the VP8X flags that announce them. */
  private static List<String> webp(byte[] f) {
    List<String> found = new ArrayList<>();
    int offset = 12;
    while (offset + 8 <= f.length) {
      String name = ascii(f, offset, 4);
      long size = Integer.toUnsignedLong(u32le(f, offset + 4));
      if (List.of("EXIF", "XMP ", "ICCP").contains(name)) {
        found.add("WebP chunk " + name.strip());
      }
      if (name.equals("VP8X") && (f[offset + 8] & (0x20 | 0x08 | 0x04)) != 0) {
        found.add("WebP VP8X metadata flags " + Integer.toHexString(f[offset + 8] & 0xFF));
      }
      offset += (int) (8 + size + (size & 1));
    }
    return found;
  }

  /**
   * Walks ISO BMFF boxes: items of type Exif or mime (XMP) in meta/iinf, and colr boxes holding an
   * ICC profile (prof, rICC).
   */
  private static void isobmff(byte[] f, int start, int end, List<String> found) {
    int offset = start;
    while (offset + 8 <= end) {
      long size = Integer.toUnsignedLong(ByteBuffer.wrap(f, offset, 4).getInt());
      String type = ascii(f, offset + 4, 4);
      int header = 8;
      if (size == 1) {
        size = ByteBuffer.wrap(f, offset + 8, 8).getLong();
        header = 16;
      } else if (size == 0) {
        size = end - offset;
      }
      int boxEnd = (int) Math.min(end, offset + size);
      int body = offset + header;
      switch (type) {
        case "meta" -> isobmff(f, body + 4, boxEnd, found); // full box: version + flags
        case "iprp", "ipco" -> isobmff(f, body, boxEnd, found);
        case "iinf" -> {
          int version = f[body] & 0xFF;
          isobmff(f, body + 4 + (version == 0 ? 2 : 4), boxEnd, found);
        }
        case "infe" -> {
          int version = f[body] & 0xFF;
          if (version >= 2) {
            int itemType = body + 4 + (version == 2 ? 2 : 4) + 2;
            String item = ascii(f, itemType, 4);
            if (item.equals("Exif") || item.equals("mime")) {
              found.add("HEIF item " + item);
            }
          }
        }
        case "colr" -> {
          String colour = ascii(f, body, 4);
          if (colour.equals("prof") || colour.equals("rICC")) {
            found.add("HEIF colr " + colour);
          }
        }
        default -> {}
      }
      if (size < 8) {
        return;
      }
      offset = boxEnd;
    }
  }

  private static boolean startsWith(byte[] f, int offset, byte[] prefix) {
    if (f.length < offset + prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (f[offset + i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  private static String ascii(byte[] f, int offset, int length) {
    int n = Math.max(0, Math.min(length, f.length - offset));
    return new String(f, offset, n, StandardCharsets.ISO_8859_1);
  }

  private static int u16(byte[] f, int offset) {
    return ((f[offset] & 0xFF) << 8) | (f[offset + 1] & 0xFF);
  }

  private static int u32le(byte[] f, int offset) {
    return (f[offset] & 0xFF)
        | (f[offset + 1] & 0xFF) << 8
        | (f[offset + 2] & 0xFF) << 16
        | (f[offset + 3] & 0xFF) << 24;
  }
}
