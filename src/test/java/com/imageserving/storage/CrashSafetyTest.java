package com.imageserving.storage;

import static org.assertj.core.api.Assertions.assertThat;

import com.imageserving.support.Json;
import com.imageserving.support.TestImages;
import com.imageserving.support.TestServer;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Temporary files, leftovers of interrupted writes, and uploads racing namespace deletes. */
class CrashSafetyTest {
  /**
   * A write cut off by a crash leaves a hidden temporary file, never part of an image under an
   * image's name (the store writes aside and renames). Such a leftover is no image: it cannot be
   * asked for, a namespace delete does not count it, and the next start removes it, while the
   * finished image beside it is served whole.
   */
  @Test
  void anInterruptedWriteIsNeverServedCountedOrKept() throws Exception {
    byte[] png = TestImages.png(10, 10);
    Path uploads;
    String kept;
    byte[] keptBytes;
    try (TestServer server = TestServer.start()) {
      uploads = server.uploads();
      String deleted = server.uploadedId("ns", png);
      Path dir = uploads.resolve("images").resolve("ns");
      Files.write(dir.resolve(".upload-deadbeef"), new byte[] {(byte) 0xff, (byte) 0xd8, 1, 2, 3});

      assertThat(server.get("/images/ns/.upload-deadbeef").statusCode()).isEqualTo(400);
      HttpResponse<String> delete = server.send(server.request("/images/ns").DELETE().build());
      assertThat(delete.body()).isEqualTo("{\"deleted_count\":1}");
      assertThat(server.get("/images/ns/" + deleted).statusCode()).isEqualTo(404);

      kept = server.uploadedId("ns", png);
      keptBytes = server.sendForBytes(server.request("/images/ns/" + kept).build()).body();
    }
    try (TestServer restarted = TestServer.start(Map.of("UPLOADS_PATH", uploads.toString()))) {
      try (Stream<Path> files = Files.list(uploads.resolve("images").resolve("ns"))) {
        assertThat(files.map(p -> p.getFileName().toString())).containsExactly(kept + ".jpg");
      }
      HttpResponse<byte[]> served =
          restarted.sendForBytes(restarted.request("/images/ns/" + kept).build());
      assertThat(served.statusCode()).isEqualTo(200);
      assertThat(served.body()).isEqualTo(keptBytes);
    }
  }

  @Test
  void uploadsRacingNamespaceDeletesNeverFailNorLoseLaterFiles() throws Exception {
    try (TestServer server = TestServer.start()) {
      String body = Json.upload(TestImages.jpeg(64, 64));
      ConcurrentLinkedQueue<Integer> statuses = new ConcurrentLinkedQueue<>();
      List<Future<?>> tasks = new ArrayList<>();
      try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
        for (int t = 0; t < 6; t++) {
          tasks.add(
              pool.submit(() -> {
                for (int i = 0; i < 25; i++) {
                  statuses.add(server.postJson("/images/race", body).statusCode());
                }
              }));
        }
        tasks.add(
            pool.submit(() -> {
              for (int i = 0; i < 40; i++) {
                statuses.add(
                    server.send(server.request("/images/race").DELETE().build()).statusCode());
              }
            }));
        for (Future<?> task : tasks) {
          task.get();
        }
      }
      assertThat(statuses).hasSize(6 * 25 + 40).containsOnly(200);

      // After the last delete answered, every acknowledged upload stays.
      HttpResponse<String> last = server.send(server.request("/images/race").DELETE().build());
      assertThat(last.statusCode()).isEqualTo(200);
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        ids.add(Json.read(server.postJson("/images/race", body).body()).get("image_id").asString());
      }
      for (String id : ids) {
        assertThat(server.get("/images/race/" + id).statusCode()).isEqualTo(200);
      }
      try (Stream<Path> files = Files.list(server.uploads().resolve("images").resolve("race"))) {
        assertThat(files.filter(p -> p.getFileName().toString().startsWith("."))).isEmpty();
      }
    }
  }

  @Test
  void aFolderInTheOriginalsLayoutIsServedAsIs() throws Exception {
    Path uploads = Files.createTempDirectory("legacy-");
    Path dir = Files.createDirectories(uploads.resolve("images").resolve("legacy"));
    byte[] png = TestImages.png(7, 5);
    byte[] gif = TestImages.gif(3, 3);
    String pngId = "a1b2c3d4e5f60718293a4b5c6d7e8f90-abcdefghijk";
    String gifId = "00000000000000000000000000000000-___________";
    Files.write(dir.resolve(pngId + ".png"), png);
    Files.write(dir.resolve(gifId + ".gif"), gif);
    try (TestServer server = TestServer.start(Map.of("UPLOADS_PATH", uploads.toString()))) {
      HttpResponse<byte[]> served =
          server.sendForBytes(server.request("/images/legacy/" + pngId).build());
      assertThat(served.statusCode()).isEqualTo(200);
      assertThat(served.headers().firstValue("content-type")).hasValue("image/png");
      assertThat(served.body()).isEqualTo(png);
      HttpResponse<byte[]> servedGif =
          server.sendForBytes(server.request("/images/legacy/" + gifId).build());
      assertThat(servedGif.headers().firstValue("content-type")).hasValue("image/gif");
      assertThat(servedGif.body()).isEqualTo(gif);
      assertThat(server.send(server.request("/images/legacy").DELETE().build()).body())
          .isEqualTo("{\"deleted_count\":2}");
      assertThat(Files.exists(dir)).isFalse();
    }
  }
}
