package com.imageserving.imaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.imageserving.imaging.vips.NativeBytes;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Streaming a body into native memory with the request-body rules, and who frees it. */
class ImageInputTest {
  private static final InputBudget UNLIMITED = new InputBudget(Long.MAX_VALUE / 2);

  private static final long LIMIT = 1024 * 1024;

  private static byte[] random(int length) {
    byte[] data = new byte[length];
    new Random(length).nextBytes(data);
    return data;
  }

  /** Hands a few bytes at a time, as a socket does, so reads end mid-chunk and mid-block. */
  private static InputStream trickle(byte[] data) {
    return new ByteArrayInputStream(data) {
      private int turn;

      @Override
      public synchronized int read(byte[] b, int off, int len) {
        return super.read(b, off, Math.min(len, 1 + (turn++ * 7919) % 20_000));
      }
    };
  }

  /** The bytes of an input (it is handed over, read and freed). */
  private static byte[] contents(ImageInput input) {
    try (NativeBytes bytes = input.handOver()) {
      return bytes.head(Integer.MAX_VALUE);
    }
  }

  @Test
  void bodiesReserveTheirLengthUntilTheirMemoryIsFreed() throws IOException {
    InputBudget budget = new InputBudget(1000);
    ImageInput first = ImageInput.read(trickle(random(600)), 600, LIMIT, budget);
    assertThat(budget.reserved()).isEqualTo(600);
    // A second body that does not fit is refused before a byte of it is read.
    InputStream untouchable = untouchable();
    assertThatThrownBy(() -> ImageInput.read(untouchable, 600, LIMIT, budget))
        .isInstanceOf(ProcessingOverloadedException.class);
    assertThat(budget.reserved()).isEqualTo(600);
    first.close();
    assertThat(budget.reserved()).isZero();
    first.close();
    assertThat(budget.reserved()).isZero();
    ImageInput second = ImageInput.read(trickle(random(600)), 600, LIMIT, budget);
    // Handed over and freed by its new owner: the reservation goes with the memory.
    second.handOver().close();
    assertThat(budget.reserved()).isZero();
  }

  @Test
  void aBodyWithoutALengthReservesTheLimitAndFailuresGiveItBack() {
    InputBudget budget = new InputBudget(LIMIT);
    assertThatThrownBy(() -> ImageInput.read(trickle(random(5000)), 4999, LIMIT, budget))
        .isInstanceOf(InputTooLargeException.class);
    assertThat(budget.reserved()).isZero();
    InputStream broken =
        new InputStream() {
          @Override
          public int read() throws IOException {
            throw new IOException("connection reset");
          }
        };
    assertThatThrownBy(() -> ImageInput.read(broken, -1, LIMIT, budget))
        .isInstanceOf(IOException.class);
    assertThat(budget.reserved()).isZero();
    assertThatThrownBy(() -> ImageInput.read(trickle(random(10)), -1, LIMIT + 1, budget))
        .isInstanceOf(ProcessingOverloadedException.class);
  }

  @Test
  void declaredLengthIsReadExactly() throws IOException {
    byte[] data = random(200_000);
    ImageInput input = ImageInput.read(trickle(data), data.length, LIMIT, UNLIMITED);
    assertThat(input.size()).isEqualTo(data.length);
    assertThat(contents(input)).isEqualTo(data);
  }

  @Test
  void undeclaredLengthGrowsThroughSeveralBlocks() throws IOException {
    // 64 KB, then 128, 256, 512 KB and 1 MB: four moves, each copying what came before.
    byte[] data = random(900_000);
    ImageInput input = ImageInput.read(trickle(data), -1, LIMIT, UNLIMITED);
    assertThat(input.size()).isEqualTo(data.length);
    assertThat(contents(input)).isEqualTo(data);
  }

  @Test
  void bodiesExactlyAtTheLimitAreAccepted() throws IOException {
    byte[] data = random((int) LIMIT);
    assertThat(ImageInput.read(trickle(data), -1, LIMIT, UNLIMITED).size()).isEqualTo(LIMIT);
    assertThat(ImageInput.read(trickle(data), LIMIT, LIMIT, UNLIMITED).size()).isEqualTo(LIMIT);
  }

  /** A body that must not be read. */
  private static InputStream untouchable() {
    return new InputStream() {
      @Override
      public int read() {
        throw new AssertionError("read a body that was refused");
      }
    };
  }

  @Test
  void aDeclaredLengthOverTheLimitIsRefusedBeforeReading() {
    InputStream untouchable = untouchable();
    assertThatThrownBy(() -> ImageInput.read(untouchable, LIMIT + 1, LIMIT, UNLIMITED))
        .isInstanceOf(InputTooLargeException.class);
  }

  @Test
  void anUndeclaredBodyPastTheLimitIsRefused() {
    byte[] data = random((int) LIMIT + 1);
    assertThatThrownBy(() -> ImageInput.read(trickle(data), -1, LIMIT, UNLIMITED))
        .isInstanceOf(InputTooLargeException.class);
  }

  @Test
  void aBodyLongerThanDeclaredIsRefused() {
    byte[] data = random(5000);
    assertThatThrownBy(() -> ImageInput.read(trickle(data), 4999, LIMIT, UNLIMITED))
        .isInstanceOf(InputTooLargeException.class);
  }

  @Test
  void aBodyShorterThanDeclaredGivesWhatArrived() throws IOException {
    // As InputStream.readNBytes did: the pipeline then refuses it as truncated (400).
    byte[] data = random(600);
    ImageInput input = ImageInput.read(trickle(data), 1000, LIMIT, UNLIMITED);
    assertThat(input.size()).isEqualTo(600);
    assertThat(contents(input)).isEqualTo(data);
  }

  @Test
  void aStoredImageIsReadToItsSizeOrNotAtAll() throws IOException {
    InputBudget budget = new InputBudget(LIMIT);
    byte[] data = random(70_000);
    ImageInput exact = ImageInput.readStored(trickle(data), data.length, budget);
    assertThat(contents(exact)).isEqualTo(data);
    // Storage giving fewer or more bytes than it described is a failed read, never a body handed to
    // the decoder; its memory and reservation go back at once.
    assertThatThrownBy(() -> ImageInput.readStored(InputStream.nullInputStream(), 8244, budget))
        .isInstanceOf(EOFException.class)
        .hasMessage("Stored image ended after 0 of 8244 bytes");
    assertThatThrownBy(() -> ImageInput.readStored(trickle(data), data.length + 1, budget))
        .isInstanceOf(EOFException.class)
        .hasMessage("Stored image ended after 70000 of 70001 bytes");
    assertThatThrownBy(() -> ImageInput.readStored(trickle(data), data.length - 1, budget))
        .isInstanceOf(IOException.class)
        .isNotInstanceOf(EOFException.class)
        .hasMessageContaining("longer than its size");
    assertThat(budget.reserved()).isZero();
  }

  @Test
  void emptyBodiesGiveAnEmptyInput() throws IOException {
    assertThat(ImageInput.read(InputStream.nullInputStream(), 0, LIMIT, UNLIMITED).size()).isZero();
    assertThat(ImageInput.read(InputStream.nullInputStream(), -1, LIMIT, UNLIMITED).size())
        .isZero();
  }

  @Test
  void aFailingStreamPropagatesItsError() {
    // What Tomcat does when the client goes away mid-body; it answers that with a 400 itself.
    InputStream source = trickle(random(300_000));
    InputStream cut =
        new InputStream() {
          private long delivered;

          @Override
          public int read() {
            throw new AssertionError("read past the failure");
          }

          @Override
          public int read(byte[] b, int off, int len) throws IOException {
            if (delivered > 200_000) {
              throw new IOException("connection reset");
            }
            int n = source.read(b, off, len);
            delivered += n;
            return n;
          }
        };
    assertThatThrownBy(() -> ImageInput.read(cut, 300_000, LIMIT, UNLIMITED))
        .isInstanceOf(IOException.class)
        .hasMessage("connection reset");
  }

  @Test
  void copyOfHoldsTheBytes() {
    byte[] data = random(1234);
    ImageInput input = ImageInput.copyOf(data);
    assertThat(input.size()).isEqualTo(1234);
    assertThat(contents(input)).isEqualTo(data);
  }

  @Test
  void closeFreesUntilHandedOverAndNeverAfter() {
    ImageInput kept = ImageInput.copyOf(random(10));
    kept.close();
    assertThat(kept.isClosed()).isTrue();
    kept.close(); // idempotent
    assertThatThrownBy(kept::handOver).isInstanceOf(IllegalStateException.class);

    ImageInput given = ImageInput.copyOf(random(10));
    NativeBytes bytes = given.handOver();
    given.close(); // the receiver owns it now: must not free it
    assertThat(given.isClosed()).isFalse();
    assertThat(bytes.head(10)).isEqualTo(random(10));
    assertThatThrownBy(given::handOver).isInstanceOf(IllegalStateException.class);
    bytes.close();
    assertThat(given.isClosed()).isTrue();
  }
}
