package com.imageserving;

import static org.assertj.core.api.Assertions.assertThat;

import com.imageserving.support.ChildProcess;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Starts the real main() in a child JVM, as an operator would, and reads what it prints. */
class StartupTest {
  @TempDir Path dir;

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "PROXIES|{not json|PROXIES: invalid JSON",
        "MAX_FETCH_BYTES|-1|MAX_FETCH_BYTES: must be between",
        "OUTPUT_FORMAT|bmp|OUTPUT_FORMAT: expected one of",
        "PROXY_STRATEGY|sticky|PROXY_STRATEGY: expected one of",
        "OUTPUT_QUALITY|150|OUTPUT_QUALITY: must be between 1 and 100",
        "PROXIES|{\"a\": [\"ftp://user:pw123@h:1\"]}|PROXIES: invalid proxy URL in pool 'a'",
        "VIPS_LIBRARY|/nonexistent/libvips.so.42|VIPS_LIBRARY: libvips >= 8.14 not found",
        "VIPS_LIBRARY|libz.so.1|VIPS_LIBRARY: ",
      })
  void anInvalidValueStopsStartUpWithOneLine(String name, String value, String message)
      throws Exception {
    Result result = run(Map.of(name, value), Duration.ofSeconds(30));
    assertThat(result.exitCode).isEqualTo(2);
    assertThat(result.output.strip().lines().toList())
        .containsExactly("Invalid configuration: " + result.output.strip().substring(23));
    assertThat(result.output).startsWith("Invalid configuration: " + message);
    assertThat(result.output).doesNotContain("Exception", "\tat ", "pw123");
  }

  @Test
  void aMissingLibvipsSaysHowToInstallIt() throws Exception {
    Result result =
        run(Map.of("VIPS_LIBRARY", "/nonexistent/libvips.so.42"), Duration.ofSeconds(30));
    assertThat(result.exitCode).isEqualTo(2);
    assertThat(result.output).contains("apt-get install libvips42", "brew install vips");
  }

  @Test
  void aDotEnvFileInTheWorkingDirectoryIsRead() throws Exception {
    Files.writeString(dir.resolve(".env"), "OUTPUT_QUALITY=0\n");
    Result result = run(Map.of(), Duration.ofSeconds(30));
    assertThat(result.exitCode).isEqualTo(2);
    assertThat(result.output).startsWith("Invalid configuration: OUTPUT_QUALITY");
  }

  @Test
  void theEnvironmentOverridesDotEnvAndTheServiceStarts() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    Files.writeString(dir.resolve(".env"), "OUTPUT_QUALITY=0\nPORT=1\n");
    Process process =
        start(
            Map.of(
                "OUTPUT_QUALITY",
                "80",
                "PORT",
                Integer.toString(port),
                "HOST",
                "127.0.0.1",
                "UPLOADS_PATH",
                dir.resolve("up").toString()));
    try {
      HttpClient client = HttpClient.newHttpClient();
      HttpResponse<String> health = null;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (health == null && System.nanoTime() < deadline && process.isAlive()) {
        try {
          health =
              client.send(
                  HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
        } catch (IOException notYet) {
          Thread.sleep(200);
        }
      }
      assertThat(health).isNotNull();
      assertThat(health.statusCode()).isEqualTo(200);
      assertThat(health.body()).isEqualTo("{\"status\":\"ok\"}");
    } finally {
      process.destroy();
      assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
    // SIGTERM: graceful shutdown, exit status 0 (143 would mean killed by the signal).
    assertThat(process.exitValue()).isIn(0, 143);
  }

  private Process start(Map<String, String> env) throws IOException {
    return ChildProcess.command(dir, env).start();
  }

  private Result run(Map<String, String> env, Duration timeout) throws Exception {
    Process process = start(env);
    if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("did not exit");
    }
    return new Result(
        process.exitValue(), Files.readString(dir.resolve("child.log"), StandardCharsets.UTF_8));
  }

  private record Result(int exitCode, String output) {}
}
