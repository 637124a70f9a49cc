package com.imageserving.imaging.vips;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The native buffer uploads are streamed into: growth, copies, limits, freeing. */
class NativeBytesTest {

  private static byte[] random(int length) {
    byte[] data = new byte[length];
    new Random(length).nextBytes(data);
    return data;
  }

  @Test
  void copyOfHoldsTheBytesExactly() {
    byte[] data = random(1000);
    try (NativeBytes bytes = NativeBytes.copyOf(data)) {
      assertThat(bytes.size()).isEqualTo(1000);
      assertThat(bytes.capacity()).isEqualTo(1000);
      assertThat(bytes.segment().toArray(JAVA_BYTE)).isEqualTo(data);
    }
  }

  @Test
  void appendGrowsByDoublingAndKeepsEveryByte() {
    byte[] data = random(100_000);
    List<Long> capacities = new ArrayList<>();
    try (NativeBytes bytes = NativeBytes.allocate(1000, 1_000_000)) {
      // Uneven pieces, as a socket delivers them, so that growth happens mid-piece.
      for (int at = 0, piece = 1; at < data.length; at += piece, piece = piece * 3 % 7919 + 1) {
        bytes.append(data, at, Math.min(piece, data.length - at));
        if (capacities.isEmpty() || capacities.getLast() != bytes.capacity()) {
          capacities.add(bytes.capacity());
        }
      }
      assertThat(bytes.size()).isEqualTo(data.length);
      assertThat(bytes.segment().toArray(JAVA_BYTE)).isEqualTo(data);
      // 1000 -> ... -> 128000: several moves, each at least doubling, never far past the need.
      assertThat(capacities).hasSizeGreaterThanOrEqualTo(6);
      for (int i = 1; i < capacities.size(); i++) {
        assertThat(capacities.get(i)).isGreaterThanOrEqualTo(2 * capacities.get(i - 1));
      }
      assertThat(bytes.capacity()).isLessThan(2L * data.length);
    }
  }

  @Test
  void growthStopsAtTheMaximum() {
    byte[] data = random(5000);
    try (NativeBytes bytes = NativeBytes.allocate(1000, 4500)) {
      bytes.append(data, 0, 1500);
      assertThat(bytes.capacity()).isEqualTo(2000);
      bytes.append(data, 1500, 1500);
      assertThat(bytes.capacity()).isEqualTo(4000);
      bytes.append(data, 3000, 1500);
      assertThat(bytes.capacity()).isEqualTo(4500);
      assertThatThrownBy(() -> bytes.append(data, 4500, 1))
          .isInstanceOf(IllegalStateException.class);
      assertThat(bytes.segment().toArray(JAVA_BYTE)).isEqualTo(Arrays.copyOf(data, 4500));
    }
  }

  @Test
  void headIsACopyOfTheFirstBytes() {
    byte[] data = random(300);
    try (NativeBytes bytes = NativeBytes.copyOf(data)) {
      assertThat(bytes.head(12)).isEqualTo(Arrays.copyOf(data, 12));
      assertThat(bytes.head(1024)).isEqualTo(data);
    }
    try (NativeBytes empty = NativeBytes.copyOf(new byte[0])) {
      assertThat(empty.head(12)).isEmpty();
    }
  }

  @Test
  void closeFreesOnceAndLaterUseFails() {
    NativeBytes bytes = NativeBytes.copyOf(random(10));
    assertThat(bytes.isClosed()).isFalse();
    bytes.close();
    assertThat(bytes.isClosed()).isTrue();
    bytes.close();
    assertThatThrownBy(() -> bytes.head(4)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> bytes.append(new byte[1], 0, 1))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void closeRacingFromManyThreadsFreesOnceWithoutErrors() throws Exception {
    for (int round = 0; round < 50; round++) {
      NativeBytes bytes = NativeBytes.copyOf(random(4096));
      CountDownLatch go = new CountDownLatch(1);
      List<Future<?>> closers = new ArrayList<>();
      try (ExecutorService threads = Executors.newFixedThreadPool(4)) {
        for (int i = 0; i < 4; i++) {
          closers.add(
              threads.submit(() -> {
                go.await();
                bytes.close();
                return null;
              }));
        }
        go.countDown();
        for (Future<?> closer : closers) {
          closer.get(); // a second arena.close() would throw here
        }
      }
      assertThat(bytes.isClosed()).isTrue();
    }
  }
}
