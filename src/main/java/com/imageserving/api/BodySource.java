package com.imageserving.api;

import java.io.IOException;
import java.io.InputStream;
import org.jspecify.annotations.Nullable;

/**
 * A request body with a byte limit, to which bytes read ahead can be given back: a streaming JSON
 * parser buffers ahead, and {@link JsonImageBody} hands what it did not use to the next reader.
 * Bytes given back are read again first and are not counted twice.
 */
final class BodySource extends InputStream {
  private final InputStream in;
  private final long limit;
  private long received;
  private byte[] pending = new byte[0];
  private int pendingStart;
  private @Nullable IOException failure;

  /** More than the limit has arrived (413). */
  static final class TooLargeException extends IOException {
    TooLargeException() {
      super("Request body too large");
    }
  }

  BodySource(InputStream in, long limit) {
    this.in = in;
    this.limit = limit;
  }

  /** Bytes received from the client so far. */
  long received() {
    return received;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    int left = pending.length - pendingStart;
    if (left > 0) {
      int n = Math.min(left, len);
      System.arraycopy(pending, pendingStart, b, off, n);
      pendingStart += n;
      return n;
    }
    int n;
    try {
      n = in.read(b, off, len);
    } catch (IOException e) {
      failure = e;
      throw e;
    }
    if (n > 0) {
      received += n;
      if (received > limit) {
        failure = new TooLargeException();
        throw failure;
      }
    }
    return n;
  }

  /**
   * What reading the body failed with, if it did: the caller's answer even where a parser wrapped
   * it or went on regardless.
   */
  @Nullable IOException failure() {
    return failure;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    return read(one, 0, 1) == -1 ? -1 : one[0] & 0xff;
  }

  /** Puts {@code len} bytes back in front of what is left to read. */
  void unread(byte[] b, int off, int len) {
    if (len == 0) {
      return;
    }
    int left = pending.length - pendingStart;
    byte[] joined = new byte[len + left];
    System.arraycopy(b, off, joined, 0, len);
    System.arraycopy(pending, pendingStart, joined, len, left);
    pending = joined;
    pendingStart = 0;
  }

  /**
   * Reads and drops the rest, so that a body over the limit is refused as such whatever it holds.
   *
   * @throws TooLargeException the limit is passed
   */
  void drain() throws IOException {
    byte[] skipped = new byte[8192];
    while (read(skipped, 0, skipped.length) != -1) {
      // nothing to keep
    }
  }

  /** The container owns the request's stream; parsers closing this must not close it. */
  @Override
  public void close() {}
}
