package com.imageserving.imaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.imageserving.support.ChildProcess;
import com.imageserving.support.TestImages;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Base64 uploads as the original's clients send them, many at once and near the upload limit,
 * against the packaged jar run as in production ({@code -XX:+UseSerialGC -Xmx160m}, the
 * Dockerfile's malloc settings, default limits): every answer is 200, a 4xx or 503 with
 * Retry-After, never a 500 (before JSON bodies streamed, two such uploads in parallel ran the heap
 * out), and the resident set stays within the memory the service is given: the heap, the input
 * budget that bodies in native memory share, and a fixed allowance for the JVM itself and libvips's
 * working memory.
 *
 * <p>The jar of the version before (base64 decoded on the heap) answered 500 to 32 of these 48
 * uploads, with a peak of 402 MB; this one 200 or 503, with peaks of 436 and 454 MB in two runs
 * against a bound of 816 MB (2 cores: a budget of 400 MB).
 */
class Base64MemoryIT {
  private static final int PARALLEL = 16;
  private static final int ROUNDS = 3;
  private static final long BODY_BYTES = 15_000_000;
  private static final long HEAP_MB = 160;

  /** The JVM's own memory (code, metaspace, threads) and libvips decoding two images at a time. */
  private static final long ALLOWANCE_MB = 256;

  @TempDir Path work;

  @Test
  void parallelBase64UploadsAreAnsweredWithinTheMemoryBudget() throws Exception {
    byte[] body = body(TestImages.photo(6000, 4000));
    Map<String, String> env =
        Map.of(
            "UPLOADS_PATH", work.resolve("uploads").toString(),
            "MALLOC_ARENA_MAX", "8",
            "MALLOC_MMAP_THRESHOLD_", "4194304",
            "MALLOC_TRIM_THRESHOLD_", "8388608");
    HttpClient client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    try (ChildProcess child =
        ChildProcess.start(work, env, List.of("-XX:+UseSerialGC", "-Xmx" + HEAP_MB + "m"))) {
      HttpRequest upload =
          HttpRequest.newBuilder(URI.create(child.base() + "/images/memory"))
              .timeout(Duration.ofMinutes(2))
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofByteArray(body))
              .build();
      HttpResponse<String> first = client.send(upload, HttpResponse.BodyHandlers.ofString());
      assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
      long budgetMb = inputBudgetMb();
      long warmMb = statusKb(child, "VmRSS") / 1024;

      Map<String, Integer> answers = new TreeMap<>();
      List<String> wrong = new ArrayList<>();
      try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
        for (int round = 0; round < ROUNDS; round++) {
          List<Future<HttpResponse<String>>> sent = new ArrayList<>();
          for (int i = 0; i < PARALLEL; i++) {
            sent.add(
                clients.submit(() -> client.send(upload, HttpResponse.BodyHandlers.ofString())));
          }
          for (Future<HttpResponse<String>> future : sent) {
            HttpResponse<String> response = future.get();
            int status = response.statusCode();
            answers.merge(Integer.toString(status), 1, Integer::sum);
            boolean fine =
                status == 200
                    || (status >= 400 && status < 500)
                    || (status == 503 && response.headers().firstValue("Retry-After").isPresent());
            if (!fine) {
              wrong.add(status + " " + response.body());
            }
          }
        }
      }
      long hwmMb = statusKb(child, "VmHWM") / 1024;
      String log = Files.readString(work.resolve("child.log"));
      // In target/failsafe-reports, to follow the figures over time.
      System.out.printf(
          "%d x %d parallel %d-byte base64 uploads: %s; VmRSS after one %d MB, VmHWM %d MB"
              + " (bound %d + %d + %d MB)%n",
          ROUNDS, PARALLEL, body.length, answers, warmMb, hwmMb, HEAP_MB, budgetMb, ALLOWANCE_MB);
      assertThat(wrong).as("answers other than 200, 4xx, 503 with Retry-After").isEmpty();
      assertThat(answers).containsKey("200");
      assertThat(log).doesNotContain("OutOfMemoryError");
      assertThat(child.process().isAlive()).isTrue();
      assertThat(hwmMb)
          .as("peak resident set, MB: heap + input budget + allowance")
          .isLessThanOrEqualTo(HEAP_MB + budgetMb + ALLOWANCE_MB);
    }
  }

  /**
   * {@code {"data": base64}} of {@code image}, in lines of 76 characters with escaped CRLF breaks
   * as MIME encoders write them, spaces filling it out to about {@link #BODY_BYTES}.
   */
  private static byte[] body(byte[] image) {
    String lines = Base64.getMimeEncoder().encodeToString(image).replace("\r\n", "\\r\\n");
    StringBuilder json = new StringBuilder("{\"data\": \"").append(lines);
    while (json.length() < BODY_BYTES - 2) {
      json.append(' ');
    }
    return json.append("\"}").toString().getBytes(StandardCharsets.US_ASCII);
  }

  /** The input budget, in MiB, of the child, which runs with the default limits (InputBudget). */
  private static long inputBudgetMb() {
    // Twice (PROCESSING_CONCURRENCY + PROCESSING_QUEUE) x MAX_UPLOAD_BYTES: one worker per core,
    // a queue of four per core, 20 MiB.
    int cores = Runtime.getRuntime().availableProcessors();
    return 2L * (cores + 4L * cores) * 20;
  }

  private static long statusKb(ChildProcess child, String field) throws Exception {
    for (String line :
        Files.readAllLines(Path.of("/proc", Long.toString(child.process().pid()), "status"))) {
      if (line.startsWith(field + ":")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    throw new IllegalStateException("no " + field + " in /proc/PID/status");
  }
}
