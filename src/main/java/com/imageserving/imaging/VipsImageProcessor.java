package com.imageserving.imaging;

import com.imageserving.config.ImagingSettings;
import com.imageserving.config.OutputFormat;
import com.imageserving.imaging.ImageRejectedException.Reason;
import com.imageserving.imaging.Pipeline.Job;
import com.imageserving.imaging.vips.NativeBytes;
import com.imageserving.imaging.vips.Vips;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.MDC;
import org.springframework.stereotype.Component;

/**
 * The image pipeline on libvips. Work runs on a fixed pool of platform threads with a bounded
 * queue: libvips blocks in native code and keeps per-thread state, which suits neither virtual
 * threads nor an unbounded backlog. Request threads only wait; when the pool and queue are full the
 * request is refused at once (503) rather than piling up memory.
 */
@Component
public final class VipsImageProcessor implements ImageProcessor, AutoCloseable {
  private final Pipeline pipeline;
  private final OutputFormat outputFormat;
  private final int outputQuality;
  private final ThreadPoolExecutor pool;
  private final Timer timer;
  private final Map<Reason, Counter> rejections = new EnumMap<>(Reason.class);
  private final Counter overloads;

  public VipsImageProcessor(ImagingSettings settings, MeterRegistry registry) {
    Vips vips = Vips.load(settings.vipsLibrary());
    int workers = Math.max(1, settings.processingConcurrency());
    // libvips parallelises inside each operation too; keep workers × its threads near the cores.
    int cores = Runtime.getRuntime().availableProcessors();
    vips.setConcurrency(Math.max(1, cores / workers));
    this.pipeline = new Pipeline(vips, settings.maxInputPixels());
    this.outputFormat = settings.outputFormat();
    this.outputQuality = settings.outputQuality();
    BlockingQueue<Runnable> queue =
        settings.processingQueue() > 0
            ? new ArrayBlockingQueue<>(settings.processingQueue())
            : new SynchronousQueue<>();
    ThreadFactory threads = new WorkerThreads(vips);
    this.pool =
        new ThreadPoolExecutor(
            workers,
            workers,
            0,
            TimeUnit.SECONDS,
            queue,
            threads,
            new ThreadPoolExecutor.AbortPolicy());
    String format = settings.outputFormat().name().toLowerCase(Locale.ROOT);
    this.timer =
        Timer.builder("image.processing")
            .description("Time to decode, transform and encode one image")
            .tag("format", format)
            .register(registry);
    for (Reason reason : Reason.values()) {
      rejections.put(reason, rejectionCounter(registry, reason.name()));
    }
    this.overloads = rejectionCounter(registry, "OVERLOADED");
  }

  private static Counter rejectionCounter(MeterRegistry registry, String reason) {
    return Counter.builder("image.rejections")
        .description("Images refused, by reason")
        .tag("reason", reason.toLowerCase(Locale.ROOT))
        .register(registry);
  }

  @Override
  public ProcessedImage process(ImageInput input, int maxSize) {
    Job job = Job.upload(maxSize, outputFormat, outputQuality);
    return submit(input, bytes -> timer.recordCallable(() -> pipeline.run(bytes, job)));
  }

  @Override
  public ProcessedImage render(ImageInput input, RenderSpec spec) {
    Job job = Job.render(spec);
    return submit(input, bytes -> pipeline.run(bytes, job));
  }

  @Override
  public ImageSummary summarize(ImageInput input) {
    return submit(input, pipeline::summarize);
  }

  /** One piece of pipeline work on the input's bytes, run on a worker. */
  private interface Work<T> {
    T run(NativeBytes bytes) throws Exception;
  }

  /**
   * Runs {@code work} on the pool and waits for it, owning {@code input} from now on (see {@link
   * ProcessingJob}); refuses at once when the pool and its queue are full.
   */
  private <T> T submit(ImageInput input, Work<T> work) {
    // The worker logs under the caller's request id.
    Map<String, String> context = MDC.getCopyOfContextMap();
    NativeBytes bytes = input.handOver();
    ProcessingJob<T> job =
        new ProcessingJob<>(
            bytes,
            () -> {
              if (context != null) {
                MDC.setContextMap(context);
              }
              try {
                return work.run(bytes);
              } finally {
                MDC.clear();
              }
            });
    try {
      pool.execute(job);
    } catch (RejectedExecutionException full) {
      job.abandon();
      overloads.increment();
      throw new ProcessingOverloadedException();
    }
    try {
      return job.get();
    } catch (InterruptedException e) {
      // A queued image is dropped and freed now; a running one is finished by the worker anyway
      // (native code cannot be interrupted), which then frees it.
      job.abandon();
      job.cancel(true);
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while waiting for image processing", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof ImageRejectedException rejected) {
        Objects.requireNonNull(rejections.get(rejected.reason())).increment();
        throw rejected;
      }
      if (cause instanceof RuntimeException runtime) {
        throw runtime;
      }
      if (cause instanceof Error error) {
        throw error;
      }
      throw new IllegalStateException("Image processing failed", cause);
    }
  }

  /**
   * Stops taking work, lets queued images finish for a short while, then stops the threads. Images
   * still queued then are dropped: their inputs are freed and their callers get a cancellation
   * instead of waiting forever.
   */
  @Override
  public void close() {
    pool.shutdown();
    try {
      if (!pool.awaitTermination(30, TimeUnit.SECONDS)) {
        abandon(pool.shutdownNow());
      }
    } catch (InterruptedException e) {
      abandon(pool.shutdownNow());
      Thread.currentThread().interrupt();
    }
  }

  private static void abandon(List<Runnable> neverRun) {
    for (Runnable work : neverRun) {
      if (work instanceof ProcessingJob<?> job) {
        job.abandon();
      }
    }
  }

  /** Platform worker threads that free libvips' per-thread state when they end. */
  private static final class WorkerThreads implements ThreadFactory {
    private static final int WORKER_NICE = 10;
    private final Vips vips;
    private final ThreadFactory platform =
        Thread.ofPlatform().name("image-worker-", 0).daemon(true).factory();

    WorkerThreads(Vips vips) {
      this.vips = vips;
    }

    @Override
    public Thread newThread(Runnable work) {
      return platform.newThread(() -> {
        // Below request handling: serving stays responsive while uploads saturate the cores.
        Niceness.lowerCurrentThread(WORKER_NICE);
        try {
          work.run();
        } finally {
          vips.threadShutdown();
        }
      });
    }
  }
}
