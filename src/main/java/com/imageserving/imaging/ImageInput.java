package com.imageserving.imaging;

import com.imageserving.imaging.vips.NativeBytes;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An image's encoded bytes on their way to the pipeline, held outside the Java heap where libvips
 * reads them in place.
 *
 * <p>Ownership: whoever holds one closes it, until it is passed to {@link ImageProcessor#process},
 * which takes it over and frees the memory when the image is done, whatever the outcome. From then
 * on {@link #close} does nothing, so a holder can always use try-with-resources and never frees
 * memory that libvips may still be reading. {@code close} is idempotent and thread-safe.
 */
public final class ImageInput implements AutoCloseable {
  /** First block for a streamed body; it doubles as bytes arrive, up to the expected length. */
  static final int INITIAL_CAPACITY = 64 * 1024;

  private static final int CHUNK = 16 * 1024;

  private final NativeBytes bytes;
  // Set once, by whichever comes first: close() or the hand-over to the processor.
  private final AtomicBoolean released = new AtomicBoolean();

  /** Takes over {@code bytes}, already filled. */
  ImageInput(NativeBytes bytes) {
    this.bytes = bytes;
  }

  /**
   * Streams a body into native memory, with the rules of a request body: a declared length over
   * {@code limit} is refused before reading; more bytes than declared, or past {@code limit} when
   * no length is declared, are refused as soon as they arrive. A body that ends before its declared
   * length gives what was received, as {@link InputStream#readNBytes} does (the pipeline then finds
   * it truncated); errors of the stream itself propagate.
   *
   * @param declaredLength the length the sender announced, or -1 when unknown (chunked)
   * @param budget the memory all bodies in flight share; {@code expected} bytes are reserved until
   *     the memory is freed
   * @throws InputTooLargeException the body is over its limit or its declared length
   * @throws ProcessingOverloadedException the budget is spent (503)
   */
  public static ImageInput read(InputStream in, long declaredLength, long limit, InputBudget budget)
      throws IOException {
    if (declaredLength > limit) {
      throw new InputTooLargeException();
    }
    long expected = declaredLength >= 0 ? declaredLength : limit;
    budget.reserve(expected);
    NativeBytes bytes;
    try {
      // Grown as bytes arrive rather than reserved up front: a client that declares a large body
      // and then trickles it must not hold megabytes per connection.
      bytes =
          NativeBytes.allocate(
              Math.min(expected, INITIAL_CAPACITY), expected, () -> budget.release(expected));
    } catch (RuntimeException | Error e) {
      budget.release(expected);
      throw e;
    }
    try {
      fill(bytes, in, expected);
      return new ImageInput(bytes);
    } catch (IOException | RuntimeException | Error e) {
      bytes.close();
      throw e;
    }
  }

  /**
   * A stored image's bytes, which must be exactly the {@code size} storage described. Fewer or more
   * is a failed read (a delete or a storage fault meeting the read), not a body to decode: decoding
   * the part that came would blame the image (400) for storage's failure.
   *
   * @throws IOException the stream failed, or gave other than {@code size} bytes
   * @throws ProcessingOverloadedException the budget is spent (503)
   */
  public static ImageInput readStored(InputStream in, long size, InputBudget budget)
      throws IOException {
    ImageInput input;
    try {
      input = read(in, size, size, budget);
    } catch (InputTooLargeException e) {
      throw new IOException("Stored image is longer than its size, " + size + " bytes", e);
    }
    if (input.size() != size) {
      long got = input.size();
      input.close();
      throw new EOFException("Stored image ended after " + got + " of " + size + " bytes");
    }
    return input;
  }

  private static void fill(NativeBytes bytes, InputStream in, long expected) throws IOException {
    byte[] chunk = new byte[(int) Math.min(CHUNK, Math.max(1, expected))];
    while (bytes.size() < expected) {
      int n = in.read(chunk, 0, (int) Math.min(chunk.length, expected - bytes.size()));
      if (n < 0) {
        return;
      }
      bytes.append(chunk, 0, n);
    }
    if (in.read() != -1) {
      throw new InputTooLargeException();
    }
  }

  /** A native copy of bytes that arrived as a Java array (base64, fetched, stored). */
  public static ImageInput copyOf(byte[] data) {
    return new ImageInput(NativeBytes.copyOf(data));
  }

  /** The number of bytes. */
  public long size() {
    return bytes.size();
  }

  /**
   * The bytes, for the processor, which from now on owns them: this object's {@link #close} no
   * longer frees them.
   *
   * @throws IllegalStateException it was closed or handed over already
   */
  NativeBytes handOver() {
    if (!released.compareAndSet(false, true)) {
      throw new IllegalStateException("image input already closed or handed over");
    }
    return bytes;
  }

  /** Whether the memory has been freed, by this holder or by the processor it went to. */
  boolean isClosed() {
    return bytes.isClosed();
  }

  /** Frees the memory unless it has been handed over to the processor; idempotent. */
  @Override
  public void close() {
    if (released.compareAndSet(false, true)) {
      bytes.close();
    }
  }
}
