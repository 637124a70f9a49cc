package com.imageserving.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.imageserving.support.OpenFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What only the local backend has: variant folders on disk, leftovers of crashes. */
class LocalImageStoreTest {
  @TempDir Path uploads;

  @Test
  void temporaryVariantFilesLeftByACrashAreRemovedAtStartUp() throws Exception {
    Path dir = Files.createDirectories(uploads.resolve("variants/ns/id"));
    Files.write(dir.resolve(".upload-0123"), new byte[] {1});
    Files.write(dir.resolve("k.png"), new byte[] {2});

    LocalImageStore store = new LocalImageStore(uploads);

    assertThat(dir.resolve(".upload-0123")).doesNotExist();
    assertThat(dir.resolve("k.png")).exists();
    assertThat(store.countVariants("ns", "id")).isEqualTo(1);
  }

  @Test
  void aVariantIsWrittenToItsPathWithNothingElseLeft() throws Exception {
    LocalImageStore store = new LocalImageStore(uploads);
    store.save("ns", "id", "jpg", new byte[] {1});

    var saved = store.saveVariant("ns", "id", "abc", "webp", new byte[] {1, 2, 3});

    Path file = uploads.resolve("variants/ns/id/abc.webp").toAbsolutePath();
    assertThat(saved.file()).isEqualTo(file);
    assertThat(Files.readAllBytes(file)).containsExactly(1, 2, 3);
    try (Stream<Path> files = Files.list(file.getParent())) {
      assertThat(files).containsExactly(file);
    }
  }

  /**
   * A kept variant read for a GET comes opened (its folders are not checked a second time); a HEAD
   * or a range only finds it. Whoever closes the read untaken (a 304, sendfile) closes the file.
   */
  @Test
  void aKeptVariantReadForAGetIsOpenAndClosingTheReadClosesIt() throws Exception {
    LocalImageStore store = new LocalImageStore(uploads);
    store.save("ns", "id", "jpg", new byte[] {1});
    store.saveVariant("ns", "id", "abc", "webp", new byte[] {1, 2, 3});
    Path dir = uploads.toRealPath();

    ImageRead read = store.readVariant("ns", "id", "abc", "webp", ReadRequest.GET).orElseThrow();
    assertThat(read.hasBody()).isTrue();
    assertThat(OpenFiles.under(dir)).hasSize(1);
    read.close();
    assertThat(OpenFiles.under(dir)).isEmpty();

    try (ImageRead taken =
        store.readVariant("ns", "id", "abc", "webp", ReadRequest.GET).orElseThrow()) {
      try (var in = taken.take(0, 3)) {
        assertThat(in.readAllBytes()).containsExactly(1, 2, 3);
      }
    }
    assertThat(OpenFiles.under(dir)).isEmpty();

    ReadRequest head = new ReadRequest(true, null, null, null);
    ReadRequest range = new ReadRequest(false, null, null, "bytes=0-1");
    for (ReadRequest request : List.of(head, range)) {
      try (ImageRead found = store.readVariant("ns", "id", "abc", "webp", request).orElseThrow()) {
        assertThat(found.hasBody()).isFalse();
      }
    }
    assertThat(store.readVariant("ns", "id", "other", "webp", ReadRequest.GET)).isEmpty();
  }

  /**
   * Variant and info saves racing namespace deletes, with no HTTP in between so the windows are hit
   * often: folders vanish under the saves, which must either keep their variant (with its original)
   * or refuse with OriginalDeletedException, and never fail otherwise or leave a temporary file.
   */
  @Test
  void variantAndInfoSavesRacingNamespaceDeletesNeverFailNorOutliveTheirImage() throws Exception {
    LocalImageStore store = new LocalImageStore(uploads);
    ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
    AtomicBoolean saving = new AtomicBoolean(true);
    Thread deleter =
        Thread.ofPlatform()
            .start(() -> {
              while (saving.get()) {
                try {
                  store.deleteNamespace("race");
                } catch (Exception e) {
                  failures.add(e);
                }
              }
            });
    List<Thread> savers = new ArrayList<>();
    for (int t = 0; t < 3; t++) {
      savers.add(
          Thread.ofPlatform()
              .start(() -> {
                for (int i = 0; i < 500; i++) {
                  String id = Names.newImageId();
                  try {
                    store.save("race", id, "jpg", new byte[] {1});
                    store.saveVariant("race", id, "k", "png", new byte[] {2});
                    store.saveInfo("race", id, "{}".getBytes(StandardCharsets.UTF_8));
                  } catch (ImageStore.OriginalDeletedException expected) {
                    // the delete was first
                  } catch (Exception e) {
                    failures.add(e);
                  }
                }
              }));
    }
    for (Thread saver : savers) {
      saver.join();
    }
    saving.set(false);
    deleter.join();
    assertThat(failures).isEmpty();
    // Every variant still there has its original, and no temporary file is left anywhere.
    Path variants = uploads.resolve("variants");
    if (Files.isDirectory(variants)) {
      try (Stream<Path> files = Files.walk(variants)) {
        for (Path file : files.filter(Files::isRegularFile).toList()) {
          assertThat(file.getFileName().toString()).doesNotStartWith(".");
          String id = file.getParent().getFileName().toString();
          assertThat(store.find("race", id)).as("original of %s", file).isPresent();
        }
      }
    }
  }

  @Test
  void infoIsNoVariantAndGoesWithItsImage() throws Exception {
    LocalImageStore store = new LocalImageStore(uploads);
    store.save("ns", "id", "jpg", new byte[] {1});
    assertThat(store.readInfo("ns", "id")).isEmpty();
    store.saveInfo("ns", "id", "{\"a\":1}".getBytes(StandardCharsets.UTF_8));
    assertThat(store.readInfo("ns", "id"))
        .hasValueSatisfying(
            b -> assertThat(new String(b, StandardCharsets.UTF_8)).isEqualTo("{\"a\":1}"));
    assertThat(store.countVariants("ns", "id")).isZero();
    store.saveVariant("ns", "id", "k", "png", new byte[] {2});
    assertThat(store.countVariants("ns", "id")).isEqualTo(1);
    assertThat(store.delete("ns", "id")).isTrue();
    assertThat(store.readInfo("ns", "id")).isEmpty();
    assertThat(uploads.resolve("variants").resolve("ns")).doesNotExist();
    // Without its image, nothing is kept.
    assertThatThrownBy(() -> store.saveInfo("ns", "id", new byte[] {'{', '}'}))
        .isInstanceOf(ImageStore.OriginalDeletedException.class);
    assertThat(uploads.resolve("variants").resolve("ns")).doesNotExist();
  }
}
