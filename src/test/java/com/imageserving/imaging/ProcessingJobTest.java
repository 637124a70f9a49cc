package com.imageserving.imaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.imageserving.config.OutputFormat;
import com.imageserving.imaging.vips.NativeBytes;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** The input's memory is freed exactly once, and never while the work may still read it. */
class ProcessingJobTest {
  private static final ProcessedImage RESULT =
      new ProcessedImage(new byte[] {1}, OutputFormat.JPEG, 1, 1);

  private static NativeBytes input() {
    return NativeBytes.copyOf(new byte[] {1, 2, 3});
  }

  @Test
  void aJobThatRanHasFreedItsInputByTheTimeItsResultIsSeen() throws Exception {
    NativeBytes input = input();
    AtomicBoolean openDuringWork = new AtomicBoolean();
    ProcessingJob job =
        new ProcessingJob(
            input,
            () -> {
              openDuringWork.set(!input.isClosed());
              return RESULT;
            });
    Thread.ofPlatform().start(job);
    assertThat(job.get(10, TimeUnit.SECONDS)).isSameAs(RESULT);
    assertThat(input.isClosed()).isTrue();
    assertThat(openDuringWork).isTrue();
  }

  @Test
  void aJobThatFailedHasFreedItsInput() {
    NativeBytes input = input();
    ProcessingJob job =
        new ProcessingJob(
            input,
            () -> {
              throw new ImageRejectedException(ImageRejectedException.Reason.UNDECODABLE, "no");
            });
    job.run();
    assertThatThrownBy(job::get).isInstanceOf(ExecutionException.class);
    assertThat(input.isClosed()).isTrue();
  }

  /** A job whose work only records that it ran. */
  private static ProcessingJob recording(NativeBytes input, AtomicBoolean ran) {
    return new ProcessingJob(
        input,
        () -> {
          ran.set(true);
          return RESULT;
        });
  }

  @Test
  void abandoningAJobThatHasNotStartedFreesAtOnceAndItNeverRuns() {
    NativeBytes input = input();
    AtomicBoolean ran = new AtomicBoolean();
    ProcessingJob job = recording(input, ran);
    job.abandon();
    assertThat(input.isClosed()).isTrue();
    assertThatThrownBy(job::get).isInstanceOf(CancellationException.class);
    job.run(); // a worker reaching it later in the queue
    assertThat(ran).isFalse();
  }

  @Test
  void aJobCancelledInTheQueueIsFreedWhenAWorkerReachesIt() {
    NativeBytes input = input();
    AtomicBoolean ran = new AtomicBoolean();
    ProcessingJob job = recording(input, ran);
    job.cancel(true);
    job.run();
    assertThat(ran).isFalse();
    assertThat(input.isClosed()).isTrue();
  }

  @Test
  void abandoningARunningJobLeavesTheInputToItsWorker() throws Exception {
    NativeBytes input = input();
    CountDownLatch started = new CountDownLatch(1);
    AtomicBoolean release = new AtomicBoolean();
    ProcessingJob job =
        new ProcessingJob(
            input,
            () -> {
              started.countDown();
              // Like native code: deaf to interrupts, reading the input until it is done.
              while (!release.get()) {
                Thread.onSpinWait();
              }
              input.head(3);
              return RESULT;
            });
    Thread worker = Thread.ofPlatform().start(job);
    assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
    // What process() does when its caller is interrupted.
    job.abandon();
    job.cancel(true);
    assertThat(input.isClosed()).as("freed under running work").isFalse();
    release.set(true);
    worker.join(10_000);
    assertThat(worker.isAlive()).isFalse();
    assertThat(input.isClosed()).isTrue();
  }
}
