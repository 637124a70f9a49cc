package com.imageserving.imaging;

import com.imageserving.config.ImagingSettings;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * A cap on the native memory that upload bodies on their way to the pipeline may hold together.
 * Bodies live outside the Java heap (see {@link ImageInput}), so {@code -Xmx} no longer bounds
 * them: without a cap, many large uploads arriving at once would grow the process until the kernel
 * or the container kills it. Each body reserves the length it declares (the upload limit when it
 * declares none) before a byte is read, and gives it back when its memory is freed; a body that
 * does not fit is refused with 503 and Retry-After, like a full processing queue.
 *
 * <p>The default is twice what the pool and its queue can hold at the upload limit, so bodies still
 * arriving can overlap with those being processed.
 */
@Component
public final class InputBudget {
  private final long limit;
  private final AtomicLong reserved = new AtomicLong();

  @Autowired
  public InputBudget(ImagingSettings settings) {
    this(
        2L
            * (settings.processingConcurrency() + settings.processingQueue())
            * settings.maxUploadBytes());
  }

  public InputBudget(long limit) {
    this.limit = limit;
  }

  /**
   * Reserves {@code bytes}, or refuses when they do not fit.
   *
   * @throws ProcessingOverloadedException the budget is spent (the API answers 503)
   */
  void reserve(long bytes) {
    long now;
    do {
      now = reserved.get();
      if (now + bytes > limit) {
        throw new ProcessingOverloadedException();
      }
    } while (!reserved.compareAndSet(now, now + bytes));
  }

  void release(long bytes) {
    reserved.addAndGet(-bytes);
  }

  /** Bytes reserved now. */
  public long reserved() {
    return reserved.get();
  }

  public long limit() {
    return limit;
  }
}
