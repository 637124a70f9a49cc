package com.imageserving.support;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Debian's nginx run on a given configuration file (deploy/nginx.conf) in a folder of its own, in
 * the foreground, as a child process. Only what must differ on a test machine is rewritten: the
 * {@code listen} port, the {@code server} lines of the upstream (one per instance, in order), the
 * absolute paths under /var and /run (rooted in the folder), and the worker user (the current one).
 * Every rewrite must apply, so a changed example file fails here instead of being tested halfway.
 */
public final class Nginx implements AutoCloseable {
  private static final Pattern LISTEN = Pattern.compile("(?m)^(\\s*)listen\\s+\\d+;");
  private static final Pattern UPSTREAM_SERVER =
      Pattern.compile("(?m)^(\\s*server\\s+)127\\.0\\.0\\.1:\\d+(\\s)");
  private static final Pattern USER = Pattern.compile("(?m)^user\\s+[^;]+;");
  private static final Pattern ABSOLUTE = Pattern.compile("(?<=[\\s=])/(var|run)/");

  private final Process process;
  private final Path dir;
  private final int port;
  private final Path example;

  private Nginx(Process process, Path dir, int port, Path example) {
    this.process = process;
    this.dir = dir;
    this.port = port;
    this.example = example;
  }

  /** Starts nginx on a free loopback port with {@code example} over the given instance ports. */
  public static Nginx start(Path example, Path dir, List<Integer> instancePorts) throws Exception {
    int port;
    try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = free.getLocalPort();
    }
    Path config = dir.resolve("nginx.conf");
    Files.createDirectories(dir);
    Files.writeString(config, template(Files.readString(example), dir, port, instancePorts));
    for (String folder : List.of("var/log/nginx", "var/lib/nginx", "var/cache/nginx", "run")) {
      Files.createDirectories(dir.resolve(folder));
    }
    Process process =
        new ProcessBuilder(
                binary(),
                "-p",
                dir.toString(),
                "-c",
                config.toString(),
                "-e",
                dir.resolve("startup-error.log").toString(),
                "-g",
                "daemon off;")
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("nginx.out").toFile())
            .start();
    Nginx nginx = new Nginx(process, dir, port, example);
    nginx.awaitListening(Duration.ofSeconds(30));
    return nginx;
  }

  /** The example with this machine's ports and paths. */
  static String template(String example, Path dir, int port, List<Integer> instancePorts) {
    Matcher listen = LISTEN.matcher(example);
    require(listen.find(), "a 'listen PORT;' line");
    String text = listen.replaceFirst("$1listen 127.0.0.1:" + port + ";");

    Matcher servers = UPSTREAM_SERVER.matcher(text);
    StringBuilder out = new StringBuilder();
    int i = 0;
    while (servers.find()) {
      require(i < instancePorts.size(), "no more upstream servers than instances");
      servers.appendReplacement(
          out,
          Matcher.quoteReplacement(
              servers.group(1) + "127.0.0.1:" + instancePorts.get(i++) + servers.group(2)));
    }
    servers.appendTail(out);
    require(i == instancePorts.size(), "one upstream 'server 127.0.0.1:PORT' line per instance");
    text = out.toString();

    Matcher user = USER.matcher(text);
    require(user.find(), "a 'user' line");
    text = user.replaceFirst("user " + System.getProperty("user.name") + ";");

    Matcher paths = ABSOLUTE.matcher(text);
    require(paths.find(), "paths under /var and /run");
    return paths.replaceAll(Matcher.quoteReplacement(dir.toString()) + "/$1/");
  }

  private static void require(boolean holds, String what) {
    if (!holds) {
      throw new IllegalStateException("deploy/nginx.conf no longer has " + what);
    }
  }

  /** nginx on the PATH, else Debian's /usr/sbin/nginx (make install installs nginx-light). */
  private static String binary() {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "nginx"))) {
        return Path.of(dir, "nginx").toString();
      }
    }
    if (Files.isExecutable(Path.of("/usr/sbin/nginx"))) {
      return "/usr/sbin/nginx";
    }
    throw new IllegalStateException("nginx is not installed: run make install (nginx-light)");
  }

  private void awaitListening(Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("nginx exited with " + process.exitValue() + ":\n" + log());
      }
      try (Socket probe = new Socket(InetAddress.getLoopbackAddress(), port)) {
        return;
      } catch (IOException notYet) {
        Thread.sleep(50);
      }
    }
    throw new IllegalStateException("nginx is not listening on " + port + ":\n" + log());
  }

  public int port() {
    return port;
  }

  public String base() {
    return "http://127.0.0.1:" + port;
  }

  public Path example() {
    return example;
  }

  /** What nginx wrote: its output and error log. */
  public String log() {
    List<String> parts = new ArrayList<>();
    for (Path file :
        List.of(
            dir.resolve("nginx.out"),
            dir.resolve("startup-error.log"),
            dir.resolve("var/log/nginx/images-error.log"))) {
      try {
        if (Files.exists(file)) {
          parts.add(file.getFileName() + ":\n" + Files.readString(file));
        }
      } catch (IOException e) {
        parts.add(file + ": " + e);
      }
    }
    return String.join("\n", parts);
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor();
    }
  }
}
