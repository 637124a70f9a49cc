package com.imageserving.api;

import com.imageserving.imaging.Base64Input;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads the rest of a JSON string from a UTF-8 body, from just after its opening quote, and passes
 * its characters on as they arrive, never holding the whole string. Jackson's parser cannot do
 * that: it only hands out a string once it has all of it, and its streaming base64 reader refuses
 * what the original accepted (stray characters, missing padding).
 *
 * <p>Printable ASCII, almost all of a base64 string, goes on a byte per character; escapes are
 * decoded here. Anything else (non-ASCII, control characters, odd escapes) is what Jackson decides:
 * a run of it, up to the next quote or backslash, is parsed by Jackson as a string of its own, so
 * that it is accepted, refused and decoded exactly as in the whole string. The string's length is
 * held to Jackson's limit as well.
 */
final class JsonStringReader {
  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  private final JsonMapper json;
  private final long maxLength;
  private final byte[] buffer = new byte[16 * 1024];
  private final byte[] window = new byte[buffer.length + 2];
  private int pos;
  private int end;

  /** The JSON is malformed: 422 json_invalid. */
  static final class MalformedException extends RuntimeException {
    MalformedException() {
      super("malformed JSON", null, false, false);
    }
  }

  JsonStringReader(JsonMapper json) {
    this.json = json;
    this.maxLength = json.tokenStreamFactory().streamReadConstraints().getMaxStringLength();
  }

  /**
   * Reads up to and including the closing quote, giving the characters to {@code sink} (none: they
   * are only checked); the bytes read beyond go back to {@code body}.
   *
   * @return the string's length in characters
   * @throws MalformedException the string is not valid JSON, or the body ends inside it
   */
  long read(BodySource body, @Nullable Base64Input sink) throws IOException {
    pos = 0;
    end = 0;
    long length = 0;
    while (true) {
      if (pos == end && !fill(body, 1)) {
        throw new MalformedException();
      }
      byte[] bytes = buffer;
      int start = pos;
      int i = start;
      while (i + 8 <= end && plain((long) LONGS.get(bytes, i))) {
        i += 8;
      }
      // Negative bytes (non-ASCII) stop here too.
      while (i < end && bytes[i] >= 0x20 && bytes[i] != '"' && bytes[i] != '\\') {
        i++;
      }
      if (i > start) {
        if (sink != null) {
          sink.append(bytes, start, i - start);
        }
        length = counted(length, i - start);
      }
      pos = i;
      if (i == end) {
        continue;
      }
      if (bytes[i] == '"') {
        pos++;
        body.unread(buffer, pos, end - pos);
        return length;
      }
      if (bytes[i] == '\\') {
        char c = escape(body);
        if (sink != null) {
          sink.append(c);
        }
        length = counted(length, 1);
      } else {
        String text = byJackson(body);
        if (sink != null) {
          sink.append(text);
        }
        length = counted(length, text.length());
      }
    }
  }

  /**
   * Whether none of eight bytes is non-ASCII, a control character, a quote or a backslash: eight at
   * a time, with the "has a byte less than" tests of Hacker's Delight (exact as a yes or no).
   */
  private static boolean plain(long v) {
    long high = 0x8080808080808080L;
    long ones = 0x0101010101010101L;
    long quote = v ^ 0x2222222222222222L;
    long backslash = v ^ 0x5C5C5C5C5C5C5C5CL;
    long control = (v - 0x2020202020202020L) & ~v;
    return ((v | control | ((quote - ones) & ~quote) | ((backslash - ones) & ~backslash)) & high)
        == 0;
  }

  private long counted(long length, int more) {
    long total = length + more;
    if (total > maxLength) {
      throw new MalformedException();
    }
    return total;
  }

  /** Makes at least {@code need} bytes available from {@code pos}; false at the end of the body. */
  private boolean fill(BodySource body, int need) throws IOException {
    if (end - pos >= need) {
      return true;
    }
    System.arraycopy(buffer, pos, buffer, 0, end - pos);
    end -= pos;
    pos = 0;
    while (end < need) {
      int n = body.read(buffer, end, buffer.length - end);
      if (n < 0) {
        return false;
      }
      end += n;
    }
    return true;
  }

  /** The escape at {@code pos}: the ones JSON has, as Jackson reads them by default. */
  private char escape(BodySource body) throws IOException {
    if (!fill(body, 2)) {
      throw new MalformedException();
    }
    byte kind = buffer[pos + 1];
    if (kind == 'u') {
      return unicode(body);
    }
    char c =
        switch (kind) {
          case '"' -> '"';
          case '\\' -> '\\';
          case '/' -> '/';
          case 'b' -> '\b';
          case 'f' -> '\f';
          case 'n' -> '\n';
          case 'r' -> '\r';
          case 't' -> '\t';
          default -> throw new MalformedException();
        };
    pos += 2;
    return c;
  }

  /** {@code \}{@code uXXXX}; a lone surrogate is taken as it is, as Jackson does. */
  private char unicode(BodySource body) throws IOException {
    if (!fill(body, 6)) {
      throw new MalformedException();
    }
    int value = 0;
    for (int k = 2; k < 6; k++) {
      value = value << 4 | hex(buffer[pos + k]);
    }
    pos += 6;
    return (char) value;
  }

  private static int hex(byte b) {
    if (b >= '0' && b <= '9') {
      return b - '0';
    }
    if (b >= 'a' && b <= 'f') {
      return b - 'a' + 10;
    }
    if (b >= 'A' && b <= 'F') {
      return b - 'A' + 10;
    }
    throw new MalformedException();
  }

  /**
   * The text from {@code pos} to the next quote or backslash (or as far as the buffer goes without
   * cutting a UTF-8 sequence), parsed by Jackson as a string of its own.
   */
  private String byJackson(BodySource body) throws IOException {
    while (true) {
      int k = pos;
      while (k < end && buffer[k] != '"' && buffer[k] != '\\') {
        k++;
      }
      if (k == end) {
        k = beforeOpenSequence(pos, end);
        if (k == pos) {
          // Only the start of one sequence so far: read on (the end of the body ends the string).
          if (!fill(body, end - pos + 1)) {
            throw new MalformedException();
          }
          continue;
        }
      }
      int n = k - pos;
      window[0] = '"';
      System.arraycopy(buffer, pos, window, 1, n);
      window[n + 1] = '"';
      try (JsonParser parser = json.createParser(window, 0, n + 2)) {
        if (parser.nextToken() != JsonToken.VALUE_STRING) {
          throw new MalformedException();
        }
        String text = parser.getString();
        if (parser.nextToken() != null) {
          throw new MalformedException();
        }
        pos = k;
        return text;
      } catch (JacksonException e) {
        throw new MalformedException();
      }
    }
  }

  /**
   * Where the bytes {@code from..to} end without an incomplete UTF-8 sequence at their end: before
   * the last lead byte when fewer bytes than it announces follow it, else {@code to}.
   */
  private int beforeOpenSequence(int from, int to) {
    for (int j = to - 1; j >= Math.max(from, to - 3); j--) {
      int b = buffer[j] & 0xff;
      if (b < 0x80) {
        return to;
      }
      if (b >= 0xC0) {
        int length = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : 2;
        return to - j < length ? j : to;
      }
    }
    return to;
  }
}
