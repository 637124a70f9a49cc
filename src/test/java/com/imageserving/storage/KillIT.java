package com.imageserving.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.imageserving.support.ChildProcess;
import com.imageserving.support.Json;
import com.imageserving.support.TestImages;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * kill -9 of the packaged jar during a stream of uploads, then a restart on the same folder: every
 * upload answered 200 is served intact, and no partial or temporary file is left.
 */
class KillIT {
  @TempDir Path work;

  @Test
  void acknowledgedUploadsSurviveKillNine() throws Exception {
    Path uploads = work.resolve("uploads");
    Map<String, String> env = Map.of("UPLOADS_PATH", uploads.toString(), "DEBUG", "true");
    Map<String, Long> acknowledged = new ConcurrentHashMap<>();
    String body = Json.upload(TestImages.jpeg(800, 600));
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    AtomicBoolean running = new AtomicBoolean(true);

    List<String> unexpected = new CopyOnWriteArrayList<>();
    List<Future<?>> tasks = new ArrayList<>();

    try (ChildProcess child = ChildProcess.start(work, env)) {
      ExecutorService uploaders = Executors.newFixedThreadPool(4);
      for (int t = 0; t < 4; t++) {
        tasks.add(
            uploaders.submit(() -> {
              while (running.get()) {
                HttpResponse<String> response;
                try {
                  response =
                      client.send(
                          HttpRequest.newBuilder(URI.create(child.base() + "/images/crash"))
                              .header("Content-Type", "application/json")
                              .POST(HttpRequest.BodyPublishers.ofString(body))
                              .build(),
                          HttpResponse.BodyHandlers.ofString());
                } catch (IOException killed) {
                  // the process died under us (or is gone): expected, and nothing else is
                  continue;
                }
                if (response.statusCode() == 200) {
                  JsonNode json = Json.read(response.body());
                  acknowledged.put(json.get("image_id").asString(), json.get("size").asLong());
                } else {
                  unexpected.add(response.statusCode() + " " + response.body());
                }
              }
              return null;
            }));
      }
      try {
        await("30 acknowledged uploads")
            .atMost(Duration.ofSeconds(60))
            .until(() -> acknowledged.size() >= 30 || !unexpected.isEmpty());
      } finally {
        child.kill();
        running.set(false);
        uploaders.shutdown();
      }
      assertThat(uploaders.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
      for (Future<?> task : tasks) {
        task.get(); // anything an uploader did not expect fails the test here
      }
    }
    assertThat(unexpected).as("answers other than 200").isEmpty();
    assertThat(acknowledged).hasSizeGreaterThanOrEqualTo(30);

    try (ChildProcess restarted = ChildProcess.start(work, env)) {
      for (Map.Entry<String, Long> image : acknowledged.entrySet()) {
        HttpResponse<byte[]> served =
            client.send(
                HttpRequest.newBuilder(
                        URI.create(restarted.base() + "/images/crash/" + image.getKey()))
                    .build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(served.statusCode()).isEqualTo(200);
        assertThat((long) served.body().length).isEqualTo(image.getValue());
        assertThat(TestImages.decode(served.body()).getWidth()).isEqualTo(800);
      }
      try (Stream<Path> files = Files.list(uploads.resolve("images").resolve("crash"))) {
        assertThat(files.map(p -> p.getFileName().toString()))
            .allMatch(name -> name.matches("[0-9a-f]{32}-[A-Za-z0-9_-]{11}\\.jpg"));
      }
    }
  }
}
