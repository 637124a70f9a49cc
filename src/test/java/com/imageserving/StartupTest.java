package com.imageserving;

import static org.assertj.core.api.Assertions.assertThat;

import com.imageserving.support.ChildProcess;
import java.io.IOException;
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
    // Were .env to win, start-up would stop at OUTPUT_QUALITY=0, or listen on port 1.
    Files.writeString(dir.resolve(".env"), "OUTPUT_QUALITY=0\nPORT=1\n");
    try (ChildProcess child =
        ChildProcess.start(
            dir, Map.of("OUTPUT_QUALITY", "80", "UPLOADS_PATH", dir.resolve("up").toString()))) {
      assertThat(child.port()).isNotEqualTo(1);
      HttpResponse<String> health =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(child.base() + "/health")).build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(health.statusCode()).isEqualTo(200);
      assertThat(health.body()).isEqualTo("{\"status\":\"ok\"}");

      child.terminate();
      assertThat(child.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
      // SIGTERM is how a service is asked to stop: graceful shutdown, and success (0), not the
      // JVM's 143 for "killed by the signal".
      assertThat(child.process().exitValue())
          .as(() -> "exit status; child.log:\n" + log())
          .isZero();
    }
  }

  private String log() {
    try {
      return Files.readString(dir.resolve("child.log"));
    } catch (IOException e) {
      return e.toString();
    }
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
