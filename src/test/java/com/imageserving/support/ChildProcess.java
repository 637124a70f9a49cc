package com.imageserving.support;

import com.imageserving.Application;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The service's real main() in a child JVM, for kill -9 and signal tests. It binds port 0 and the
 * port it got is read from its log ("Tomcat started on port N", logged at INFO).
 */
public final class ChildProcess implements AutoCloseable {
  private final Process process;
  private final int port;

  private ChildProcess(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  private static final Pattern STARTED_ON = Pattern.compile("Tomcat started on port (\\d+)");

  /**
   * The service in a child JVM (the packaged jar for integration tests, else main() from the test
   * classpath), in {@code workDir}, with only PATH and HOME of our environment plus {@code env};
   * output goes to {@code workDir/child.log}.
   */
  public static ProcessBuilder command(Path workDir, Map<String, String> env) {
    return command(workDir, env, List.of());
  }

  /** As {@link #command(Path, Map)}, with JVM options ({@code -Xmx160m}) before the jar. */
  public static ProcessBuilder command(
      Path workDir, Map<String, String> env, List<String> jvmOptions) {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    // Integration tests (run by failsafe after packaging) start the jar users run; unit tests,
    // which run before there is a jar, start main() from the test classpath.
    String jar = System.getProperty("service.jar");
    List<String> command = new ArrayList<>(List.of(java));
    command.addAll(jvmOptions);
    command.addAll(
        jar != null
            ? List.of("-jar", jar)
            : List.of(
                "--enable-native-access=ALL-UNNAMED",
                "-cp",
                System.getProperty("java.class.path"),
                Application.class.getName()));
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(workDir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(
                ProcessBuilder.Redirect.appendTo(workDir.resolve("child.log").toFile()));
    builder.environment().keySet().removeIf(k -> !k.equals("PATH") && !k.equals("HOME"));
    builder.environment().putAll(env);
    return builder;
  }

  /**
   * Starts on port 0 (PORT in {@code env} is overridden) and waits until /health answers (at most a
   * minute).
   */
  public static ChildProcess start(Path workDir, Map<String, String> env) throws Exception {
    return start(workDir, env, List.of());
  }

  /** As {@link #start(Path, Map)}, with JVM options. */
  public static ChildProcess start(Path workDir, Map<String, String> env, List<String> jvmOptions)
      throws Exception {
    return start(workDir, env, jvmOptions, 0);
  }

  /**
   * As {@link #start(Path, Map)} on a given port, e.g. to bring a killed instance back where a load
   * balancer expects it.
   */
  public static ChildProcess startOnPort(Path workDir, Map<String, String> env, int port)
      throws Exception {
    return start(workDir, env, List.of(), port);
  }

  private static ChildProcess start(
      Path workDir, Map<String, String> env, List<String> jvmOptions, int port) throws Exception {
    ProcessBuilder builder = command(workDir, env, jvmOptions);
    builder.environment().put("PORT", String.valueOf(port));
    builder.environment().put("HOST", "127.0.0.1");
    Path log = workDir.resolve("child.log");
    // A restart in the same folder appends: only what this child writes counts.
    long from = Files.exists(log) ? Files.size(log) : 0;
    Process process = builder.start();
    ChildProcess child;
    try {
      child = new ChildProcess(process, awaitPort(process, log, from, Duration.ofSeconds(60)));
      child.awaitHealthy(Duration.ofSeconds(60));
    } catch (Exception | AssertionError e) {
      process.destroyForcibly();
      throw e;
    }
    return child;
  }

  /** The port the child reports in its log after {@code from}, once it has bound it. */
  private static int awaitPort(Process process, Path log, long from, Duration timeout)
      throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (Files.exists(log)) {
        String text;
        try (var in = Files.newInputStream(log)) {
          in.skipNBytes(from);
          text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Matcher started = STARTED_ON.matcher(text);
        if (started.find()) {
          return Integer.parseInt(started.group(1));
        }
        if (!process.isAlive()) {
          throw new IllegalStateException(
              "child exited with " + process.exitValue() + " before listening:\n" + text);
        }
      }
      Thread.sleep(50);
    }
    throw new IllegalStateException("child reported no port within " + timeout);
  }

  private void awaitHealthy(Duration timeout) throws Exception {
    HttpClient client = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("child exited with " + process.exitValue());
      }
      try {
        HttpResponse<String> health =
            client.send(
                HttpRequest.newBuilder(URI.create(base() + "/health")).build(),
                HttpResponse.BodyHandlers.ofString());
        if (health.statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("child did not become healthy");
  }

  public String base() {
    return "http://127.0.0.1:" + port;
  }

  public int port() {
    return port;
  }

  /** SIGTERM, as an orchestrator stops a service; does not wait. */
  public void terminate() {
    process.destroy();
  }

  public Process process() {
    return process;
  }

  /** SIGKILL: no shutdown hook, no flush, nothing. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      kill();
    }
  }
}
