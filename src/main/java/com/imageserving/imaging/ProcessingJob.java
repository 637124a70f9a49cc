package com.imageserving.imaging;

import com.imageserving.imaging.vips.NativeBytes;
import java.util.concurrent.Callable;
import java.util.concurrent.FutureTask;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One image's work on the processing pool, owning the input's native memory. The memory is freed
 * exactly once: by the worker as soon as the work ends (before the caller can see the result, so a
 * returned or thrown {@code process} has always freed it), or at once by {@link #abandon} when the
 * work will never start (pool full, caller gave up while it was queued, pool shut down). A job that
 * has started is only ever freed by its own worker, after libvips is done with the bytes: a caller
 * that stops waiting cannot pull them from under native code.
 */
final class ProcessingJob<T> extends FutureTask<T> {
  private final NativeBytes input;
  // Who decides the input's fate: the worker starting the job, or abandon(), whichever is first.
  private final AtomicBoolean claimed = new AtomicBoolean();

  ProcessingJob(NativeBytes input, Callable<T> work) {
    super(() -> {
      try {
        return work.call();
      } finally {
        input.close();
      }
    });
    this.input = input;
  }

  @Override
  public void run() {
    if (!claimed.compareAndSet(false, true)) {
      return; // abandoned: already freed and cancelled
    }
    try {
      super.run();
    } finally {
      // The work freed it already, unless the job was cancelled before it began.
      input.close();
    }
  }

  /**
   * Gives up on the job: frees the input and cancels the job if no worker has started it, else
   * leaves both to the worker.
   */
  void abandon() {
    if (claimed.compareAndSet(false, true)) {
      input.close();
      cancel(false);
    }
  }
}
