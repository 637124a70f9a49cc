package com.imageserving.imaging;

import com.imageserving.imaging.vips.NativeBytes;
import java.util.Arrays;
import java.util.Base64;
import java.util.Locale;

/**
 * An image arriving as base64 text, as the original's JSON uploads send it, decoded into native
 * memory while the text arrives: no string or array of the whole image on the Java heap.
 *
 * <p>It takes exactly what the original took, with the same answers: whitespace around the text, an
 * optional {@code data:image/...;base64,} prefix (in any case; {@code data:;base64,} too), then
 * base64 decoded leniently. Characters outside the alphabet (line breaks, spaces, {@code -} and
 * {@code _}, anything non-ASCII) are skipped, padding may be left out, and after padding only
 * skipped characters may follow. That is what {@code java.util.Base64}'s strict decoder with its
 * MIME decoder as the fallback did to the whole string before; Base64InputTest compares the two on
 * random text.
 *
 * <p>The text comes in pieces, split anywhere; {@link #finish} gives the image or the reason there
 * is none. The memory is reserved in the {@link InputBudget} up front for the largest image the
 * text could hold and given back when it is freed. One thread fills it.
 */
public final class Base64Input implements AutoCloseable {
  private static final String INVALID = "Invalid base64 data";
  private static final String NOT_BASE64_URL = "Invalid data URL: expected base64";
  private static final String NOT_IMAGE_URL = "Invalid data URL: not an image type";

  private static final int SKIPPED = -1;
  private static final int PADDING = -2;
  // Value of each byte: 0..63 in the alphabet, PADDING for '=', SKIPPED for the rest.
  private static final int[] VALUES = new int[256];

  static {
    Arrays.fill(VALUES, SKIPPED);
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (int i = 0; i < alphabet.length(); i++) {
      VALUES[alphabet.charAt(i)] = i;
    }
    VALUES['='] = PADDING;
  }

  /** Whole base64 text, not one character skipped, goes to the JDK's (vectorised) decoder. */
  private static final Base64.Decoder STRICT = Base64.getDecoder();

  private static final int BLOCK = 4 * 1024;

  // Of a data URL's header (between "data:" and the comma) only its start and end matter.
  private static final int HEAD_KEPT = 64;
  private static final int TAIL_KEPT = 16;
  private static final int OUT = 8 * 1024;

  private enum Phase {
    /** Whitespace before the text, skipped. */
    LEADING,
    /** The first five characters, which may be "data:". */
    PREFIX,
    /** A data URL's header, up to its comma. */
    HEADER,
    DECODING,
    /** An error was found; the rest of the text does not matter. */
    FAILED
  }

  private final NativeBytes bytes;
  private final byte[] out = new byte[OUT];
  private final byte[] block = new byte[BLOCK];
  private final byte[] decodedBlock = new byte[BLOCK / 4 * 3];
  private int outLength;
  private Phase phase = Phase.LEADING;
  private final char[] prefix = new char[5];
  private int prefixLength;
  private final StringBuilder headerHead = new StringBuilder();
  private final char[] headerTail = new char[TAIL_KEPT];
  private long headerLength;
  // Decoding, as java.util.Base64 does it: bits of the current quantum, and where the next six go.
  private int bits;
  private int shift = 18;
  private boolean awaitingSecondPad;
  private boolean padded;
  private int noBlocksFor;
  private String error = "";
  private boolean handedOver;

  private Base64Input(NativeBytes bytes) {
    this.bytes = bytes;
  }

  /**
   * Ready for at most {@code maxTextLength} characters of text, with the memory its image can need
   * reserved in {@code budget}. The caller owns the result.
   *
   * @throws ProcessingOverloadedException the budget is spent (503)
   */
  public static Base64Input start(long maxTextLength, InputBudget budget) {
    long max = (maxTextLength / 4 + 1) * 3;
    budget.reserve(max);
    try {
      return new Base64Input(
          NativeBytes.allocate(
              Math.min(max, ImageInput.INITIAL_CAPACITY), max, () -> budget.release(max)));
    } catch (RuntimeException | Error e) {
      budget.release(max);
      throw e;
    }
  }

  /** More text, one character per byte (ISO-8859-1), as JSON strings mostly are. */
  public void append(byte[] text, int offset, int length) {
    int i = offset;
    int end = offset + length;
    while (i < end) {
      if (phase == Phase.DECODING && !padded && !awaitingSecondPad) {
        i = decodeRun(text, i, end);
        if (i == end) {
          return;
        }
      }
      accept(text[i++] & 0xff);
    }
  }

  /** More text. */
  public void append(CharSequence text) {
    for (int i = 0; i < text.length(); i++) {
      accept(text.charAt(i));
    }
  }

  /** One more character. */
  public void append(char c) {
    accept(c);
  }

  /** Forgets the text so far, to take another (a JSON body whose last {@code data} counts). */
  public void restart() {
    bytes.clear();
    outLength = 0;
    phase = Phase.LEADING;
    prefixLength = 0;
    headerHead.setLength(0);
    headerLength = 0;
    bits = 0;
    shift = 18;
    awaitingSecondPad = false;
    padded = false;
    noBlocksFor = 0;
    error = "";
  }

  /**
   * The image the text held; from now on its memory belongs to the result, not to this object.
   *
   * @throws InvalidBase64Exception not a base64 image, with the client's answer as its message
   */
  public ImageInput finish() {
    switch (phase) {
      case PREFIX -> endPrefix();
      case HEADER -> fail(NOT_BASE64_URL);
      default -> {}
    }
    if (phase == Phase.DECODING && !padded) {
      if (awaitingSecondPad || shift == 12) {
        fail(INVALID); // "xx=" without its second '=', or one character too many
      } else if (shift == 6) {
        put(bits >> 16);
      } else if (shift == 0) {
        put(bits >> 16);
        put(bits >> 8);
      }
    }
    if (phase == Phase.FAILED) {
      throw new InvalidBase64Exception(error);
    }
    flush();
    if (bytes.size() == 0) {
      throw new InvalidBase64Exception(INVALID + ": empty");
    }
    handedOver = true;
    return new ImageInput(bytes);
  }

  /** Frees the memory unless {@link #finish} has handed it on; idempotent. */
  @Override
  public void close() {
    if (!handedOver) {
      bytes.close();
    }
  }

  private void accept(int c) {
    switch (phase) {
      case LEADING -> {
        if (!Character.isWhitespace(c)) {
          phase = Phase.PREFIX;
          prefix(c);
        }
      }
      case PREFIX -> prefix(c);
      case HEADER -> header(c);
      case DECODING -> decode(c > 0xff ? '?' : c); // as String.getBytes(ISO_8859_1) had it
      case FAILED -> {}
    }
  }

  private void prefix(int c) {
    prefix[prefixLength++] = (char) c;
    if (prefixLength == prefix.length) {
      if (new String(prefix).regionMatches(true, 0, "data:", 0, 5)) {
        phase = Phase.HEADER;
      } else {
        endPrefix();
      }
    }
  }

  /** Not a data URL: the characters held back are the start of the base64. */
  private void endPrefix() {
    phase = Phase.DECODING;
    for (int i = 0; i < prefixLength && phase == Phase.DECODING; i++) {
      decode(prefix[i] > 0xff ? '?' : prefix[i]);
    }
  }

  private void header(int c) {
    if (c == ',') {
      endHeader();
      return;
    }
    if (headerHead.length() < HEAD_KEPT) {
      headerHead.append((char) c);
    }
    headerTail[(int) (headerLength % TAIL_KEPT)] = (char) c;
    headerLength++;
  }

  private void endHeader() {
    boolean base64;
    boolean image;
    if (headerLength <= HEAD_KEPT) {
      String header = headerHead.toString().toLowerCase(Locale.ROOT);
      base64 = header.endsWith(";base64");
      String mime = base64 ? header.substring(0, header.length() - ";base64".length()) : "";
      image = mime.isEmpty() || mime.startsWith("image/");
    } else {
      // Lower-casing never shortens a string, so the type is not empty; its start decides.
      StringBuilder tail = new StringBuilder(TAIL_KEPT);
      for (int i = 0; i < TAIL_KEPT; i++) {
        tail.append(headerTail[(int) ((headerLength + i) % TAIL_KEPT)]);
      }
      base64 = tail.toString().toLowerCase(Locale.ROOT).endsWith(";base64");
      image = headerHead.toString().toLowerCase(Locale.ROOT).startsWith("image/");
    }
    if (!base64) {
      fail(NOT_BASE64_URL);
    } else if (!image) {
      fail(NOT_IMAGE_URL);
    } else {
      phase = Phase.DECODING;
    }
  }

  /** One byte of base64 text, by the rules of java.util.Base64's decoder in MIME mode. */
  private void decode(int c) {
    int value = VALUES[c];
    if (padded) {
      if (value >= 0) {
        fail(INVALID); // base64 after the padding
      }
      return;
    }
    if (awaitingSecondPad) {
      if (c != '=') {
        fail(INVALID); // "xx=" must be followed at once by '='
        return;
      }
      awaitingSecondPad = false;
      padded = true;
      put(bits >> 16);
      return;
    }
    if (value >= 0) {
      bits |= value << shift;
      shift -= 6;
      if (shift < 0) {
        put(bits >> 16);
        put(bits >> 8);
        put(bits);
        bits = 0;
        shift = 18;
      }
    } else if (value == PADDING) {
      switch (shift) {
        case 6 -> awaitingSecondPad = true;
        case 0 -> {
          put(bits >> 16);
          put(bits >> 8);
          padded = true;
        }
        default -> fail(INVALID); // padding with nothing, or one character, before it
      }
    }
  }

  /**
   * Decodes whole blocks from {@code from}, at the start of a quantum, with the JDK's decoder as
   * long as they hold only the alphabet (and padding at their very end, which ends the text): there
   * the strict decoder and the lenient one agree. The index of the first byte left, or {@code end}.
   */
  private int decodeBlocks(byte[] text, int from, int end) {
    int i = from;
    while (end - i >= BLOCK && !padded) {
      System.arraycopy(text, i, block, 0, BLOCK);
      int n;
      try {
        n = STRICT.decode(block, decodedBlock);
      } catch (IllegalArgumentException skippedOrMisplaced) {
        noBlocksFor = BLOCK;
        return i; // characters to skip, or padding inside: one at a time, by the rules below
      }
      flush();
      bytes.append(decodedBlock, 0, n);
      padded = n < decodedBlock.length;
      i += BLOCK;
    }
    return i;
  }

  /**
   * Decodes from {@code from} while the bytes are in the alphabet: whole blocks by the JDK where it
   * can, else four at a time; the index of the first byte left to {@link #decode}, or {@code end}.
   */
  private int decodeRun(byte[] text, int from, int end) {
    int[] values = VALUES;
    byte[] out = this.out;
    int i = from;
    int o = outLength;
    int bits = this.bits;
    int shift = this.shift;
    // After a block the JDK refused, the next tries wait for a block's length: one exception per
    // block at most, whatever the text.
    boolean blocks = noBlocksFor <= 0;
    while (i < end) {
      if (shift == 18) {
        if (blocks && end - i >= BLOCK) {
          outLength = o;
          int next = decodeBlocks(text, i, end);
          o = outLength;
          // It stops at a block it cannot take (or after padding): no more tries in this run.
          blocks = false;
          i = next;
          if (padded) {
            break;
          }
          continue;
        }
        for (int quads = Math.min((end - i) >> 2, (OUT - o) / 3); quads > 0; quads--) {
          int a = values[text[i] & 0xff];
          int b = values[text[i + 1] & 0xff];
          int c = values[text[i + 2] & 0xff];
          int d = values[text[i + 3] & 0xff];
          if ((a | b | c | d) < 0) {
            break;
          }
          int quantum = a << 18 | b << 12 | c << 6 | d;
          out[o] = (byte) (quantum >> 16);
          out[o + 1] = (byte) (quantum >> 8);
          out[o + 2] = (byte) quantum;
          o += 3;
          i += 4;
        }
        if (OUT - o < 3) {
          outLength = o;
          flush();
          o = 0;
          continue;
        }
        if (i == end) {
          break;
        }
      }
      int value = values[text[i] & 0xff];
      if (value < 0) {
        break;
      }
      bits |= value << shift;
      shift -= 6;
      if (shift < 0) {
        if (OUT - o < 3) {
          outLength = o;
          flush();
          o = 0;
        }
        out[o] = (byte) (bits >> 16);
        out[o + 1] = (byte) (bits >> 8);
        out[o + 2] = (byte) bits;
        o += 3;
        bits = 0;
        shift = 18;
      }
      i++;
    }
    outLength = o;
    this.bits = bits;
    this.shift = shift;
    noBlocksFor -= i - from;
    return i;
  }

  private void put(int b) {
    if (outLength == OUT) {
      flush();
    }
    out[outLength++] = (byte) b;
  }

  private void flush() {
    if (outLength > 0) {
      bytes.append(out, 0, outLength);
      outLength = 0;
    }
  }

  private void fail(String message) {
    if (phase != Phase.FAILED) {
      error = message;
      phase = Phase.FAILED;
    }
  }
}
