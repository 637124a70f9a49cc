package com.imageserving.storage;

import com.imageserving.storage.ImageStore.StoredImage;
import java.io.IOException;
import java.io.InputStream;
import org.jspecify.annotations.Nullable;

/**
 * An image (or kept variant) found for a GET or HEAD, with what storage answered in the same
 * request: its bytes already open (all of them, or the range asked for), or "not modified". The
 * local backend only finds the file ({@link State#FULL} without a body: the API opens or sends it
 * itself). Close it: a body nobody took is aborted, not read to its end.
 */
public final class ImageRead implements AutoCloseable {

  /** What storage answered. */
  public enum State {
    /** The image; its whole body when {@link #hasBody()}. */
    FULL,
    /** Part of the image: {@code bodyLength} bytes from {@code bodyStart}. */
    PARTIAL,
    /**
     * The validators matched (S3's own 304). {@code image} has the ETag and date, but its size is
     * unknown (0).
     */
    NOT_MODIFIED
  }

  /** Ends a body that was not read to its end (S3: aborts the connection rather than drain it). */
  @FunctionalInterface
  public interface Discard {
    void discard(InputStream body) throws IOException;
  }

  private final StoredImage image;
  private final State state;
  private final long bodyStart;
  private final long bodyLength;
  private final Discard discard;
  private @Nullable InputStream body;

  private ImageRead(
      StoredImage image,
      State state,
      @Nullable InputStream body,
      long bodyStart,
      long bodyLength,
      Discard discard) {
    this.image = image;
    this.state = state;
    this.body = body;
    this.bodyStart = bodyStart;
    this.bodyLength = bodyLength;
    this.discard = discard;
  }

  /** Found, nothing read yet. */
  public static ImageRead found(StoredImage image) {
    return new ImageRead(image, State.FULL, null, 0, 0, InputStream::close);
  }

  /** Found with its whole body (null for a HEAD). */
  static ImageRead full(StoredImage image, @Nullable InputStream body, Discard discard) {
    return new ImageRead(image, State.FULL, body, 0, image.size(), discard);
  }

  static ImageRead partial(
      StoredImage image, InputStream body, long start, long length, Discard discard) {
    return new ImageRead(image, State.PARTIAL, body, start, length, discard);
  }

  static ImageRead notModified(StoredImage image) {
    return new ImageRead(image, State.NOT_MODIFIED, null, 0, 0, InputStream::close);
  }

  public StoredImage image() {
    return image;
  }

  public State state() {
    return state;
  }

  public boolean hasBody() {
    return body != null;
  }

  /**
   * The bytes from {@code offset}, {@code length} long, when the body at hand holds them (skipping
   * to {@code offset} if it starts earlier); the caller closes the stream. Null when it does not
   * hold them, or was taken already: then open them from storage.
   */
  public @Nullable InputStream take(long offset, long length) throws IOException {
    InputStream in = body;
    if (in == null || offset < bodyStart || offset + length > bodyStart + bodyLength) {
      return null;
    }
    body = null;
    try {
      in.skipNBytes(offset - bodyStart);
    } catch (IOException e) {
      discard.discard(in);
      throw e;
    }
    // Exactly the bytes asked for: callers copy the stream to its end.
    return length == bodyStart + bodyLength - offset ? in : new BoundedInputStream(in, length);
  }

  /** Ends the body if nobody took it. */
  @Override
  public void close() throws IOException {
    InputStream in = body;
    body = null;
    if (in != null) {
      discard.discard(in);
    }
  }
}
