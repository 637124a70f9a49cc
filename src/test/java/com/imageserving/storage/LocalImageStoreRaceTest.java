package com.imageserving.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Saves racing namespace deletes on the same folder, with no HTTP in between so the windows are hit
 * often: the folder may vanish at any moment while an upload creates it and its temporary file, and
 * no save may fail because of it (each has to come back with its image in place).
 */
class LocalImageStoreRaceTest {
  @TempDir Path uploads;

  @Test
  void savesNeverFailWhileTheNamespaceIsDeletedUnderThem() throws Exception {
    LocalImageStore store = new LocalImageStore(uploads);
    byte[] data = {1, 2, 3};
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
      int thread = t;
      savers.add(
          Thread.ofPlatform()
              .start(() -> {
                for (int i = 0; i < 1500; i++) {
                  String id = Names.newImageId();
                  try {
                    store.save("race", id, "jpg", data);
                  } catch (Exception e) {
                    failures.add(new AssertionError("save " + thread + "/" + i, e));
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
    // Whatever survived the deletes is whole, and no temporary file is left behind.
    Path dir = uploads.resolve("images").resolve("race");
    if (Files.isDirectory(dir)) {
      try (var files = Files.list(dir)) {
        assertThat(files)
            .allSatisfy(file -> assertThat(file.getFileName().toString()).doesNotStartWith("."));
      }
    }
  }
}
