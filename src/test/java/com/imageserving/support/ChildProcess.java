package com.imageserving.support;

import com.imageserving.Application;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** The service's real main() in a child JVM on a free port, for kill -9 and signal tests. */
public final class ChildProcess implements AutoCloseable {
  private final Process process;
  private final int port;

  private ChildProcess(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  public static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /**
   * The service in a child JVM (the packaged jar for integration tests, else main() from the test
   * classpath), in {@code workDir}, with only PATH and HOME of our environment plus {@code env};
   * output goes to {@code workDir/child.log}.
   */
  public static ProcessBuilder command(Path workDir, Map<String, String> env) {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    // Integration tests (run by failsafe after packaging) start the jar users run; unit tests,
    // which run before there is a jar, start main() from the test classpath.
    String jar = System.getProperty("service.jar");
    List<String> command =
        jar != null
            ? List.of(java, "-jar", jar)
            : List.of(
                java,
                "--enable-native-access=ALL-UNNAMED",
                "-cp",
                System.getProperty("java.class.path"),
                Application.class.getName());
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

  /** Starts and waits until /health answers (at most a minute). */
  public static ChildProcess start(Path workDir, Map<String, String> env) throws Exception {
    int port = freePort();
    ProcessBuilder builder = command(workDir, env);
    builder.environment().put("PORT", Integer.toString(port));
    builder.environment().put("HOST", "127.0.0.1");
    ChildProcess child = new ChildProcess(builder.start(), port);
    child.awaitHealthy(Duration.ofSeconds(60));
    return child;
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
