package com.imageserving.imaging.vips;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A growable run of bytes in native memory, which {@link VipsSession#load} hands to libvips in
 * place. An upload streamed in here never becomes a multi-megabyte Java array, so under upload load
 * the heap sees almost no garbage and the collector has nothing large to promote.
 *
 * <p>Threads: one thread fills it ({@link #append}), then hands it to another (through an executor,
 * which orders the two) that reads it. The memory lives in a shared arena so that whichever thread
 * ends up with it may read or free it. {@link #close} frees it once, from any thread, and may be
 * called any number of times; it must not be called while a session that loaded these bytes is
 * open, since libvips reads them lazily and native code is not protected by the arena's checks.
 */
public final class NativeBytes implements AutoCloseable {
  private final long maxCapacity;
  private final Runnable afterClose;
  private final AtomicBoolean closed = new AtomicBoolean();
  // Replaced when growing, by the filling thread only, before the hand-over.
  private Block block;
  private long size;

  private NativeBytes(long capacity, long maxCapacity, Runnable afterClose) {
    if (capacity < 0 || capacity > maxCapacity) {
      throw new IllegalArgumentException("capacity " + capacity + " of at most " + maxCapacity);
    }
    this.maxCapacity = maxCapacity;
    this.afterClose = afterClose;
    this.block = new Block(capacity);
  }

  /** One allocation in an arena of its own, so that it can be freed alone when outgrown. */
  private static final class Block implements AutoCloseable {
    private final Arena arena = Arena.ofShared();
    private final MemorySegment memory;

    Block(long capacity) {
      try {
        memory = arena.allocate(capacity);
      } catch (RuntimeException | OutOfMemoryError e) {
        arena.close();
        throw e;
      }
    }

    @Override
    public void close() {
      arena.close();
    }
  }

  /**
   * Empty, with room for {@code capacity} bytes; {@link #append} grows it up to {@code
   * maxCapacity}.
   */
  public static NativeBytes allocate(long capacity, long maxCapacity) {
    return new NativeBytes(capacity, maxCapacity, () -> {});
  }

  /** As {@link #allocate(long, long)}; {@code afterClose} runs once, after the memory is freed. */
  public static NativeBytes allocate(long capacity, long maxCapacity, Runnable afterClose) {
    return new NativeBytes(capacity, maxCapacity, afterClose);
  }

  /** A native copy of {@code data}, for inputs that arrive as a Java array anyway. */
  public static NativeBytes copyOf(byte[] data) {
    NativeBytes bytes = new NativeBytes(data.length, data.length, () -> {});
    bytes.append(data, 0, data.length);
    return bytes;
  }

  /**
   * Adds {@code length} bytes of {@code source} at the end. When full, moves to a block twice the
   * size (or just large enough, and never past the maximum) and frees the old one, so the capacity
   * stays within twice what has been received: a client that declares a large body but sends little
   * holds little memory.
   *
   * @throws IllegalStateException the bytes would pass the maximum capacity, or it is closed
   */
  public void append(byte[] source, int offset, int length) {
    long needed = size + length;
    if (needed > maxCapacity) {
      throw new IllegalStateException(needed + " bytes is over the maximum of " + maxCapacity);
    }
    if (needed > capacity()) {
      grow(Math.min(maxCapacity, Math.max(needed, capacity() * 2)));
    }
    MemorySegment.copy(source, offset, block.memory, JAVA_BYTE, size, length);
    size = needed;
  }

  private void grow(long capacity) {
    Block larger = new Block(capacity);
    try {
      MemorySegment.copy(block.memory, 0, larger.memory, 0, size);
    } catch (RuntimeException e) {
      larger.close();
      throw e;
    }
    Block old = block;
    block = larger;
    old.close();
  }

  /**
   * Forgets the bytes appended so far and keeps the memory, so that it can be filled again (a JSON
   * upload whose {@code data} key comes twice counts the last one).
   */
  public void clear() {
    size = 0;
  }

  /** The number of bytes appended. */
  public long size() {
    return size;
  }

  /** The bytes currently reserved; at least {@link #size}. */
  long capacity() {
    return block.memory.byteSize();
  }

  /** A Java copy of the first {@code n} bytes, or of all when there are fewer (for sniffing). */
  public byte[] head(int n) {
    return block.memory.asSlice(0, Math.min(n, size)).toArray(JAVA_BYTE);
  }

  /** The bytes, for a libvips loader; valid until {@link #close}. */
  MemorySegment segment() {
    return block.memory.asSlice(0, size);
  }

  public boolean isClosed() {
    return closed.get();
  }

  /** Frees the memory; later calls, from any thread, do nothing. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      try {
        block.close();
      } finally {
        afterClose.run();
      }
    }
  }
}
