package com.imageserving;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Start-up without a usable libvips stops with one line saying how to install it. Runs the real
 * main in a child JVM, since a libvips once loaded stays loaded for the life of a process.
 */
class VipsStartupCheckTest {

  @Test
  void missingLibraryStopsStartupWithOneLine() throws Exception {
    Result result = start("/nonexistent/libvips.so.42");
    assertThat(result.exit()).isEqualTo(2);
    assertThat(result.stderrLines()).hasSize(1);
    assertThat(result.stderrLines().getFirst())
        .startsWith("Invalid configuration: VIPS_LIBRARY: libvips >= 8.14 not found")
        .contains("apt-get install libvips42")
        .contains("brew install vips");
  }

  @Test
  void aLibraryThatIsNotLibvipsIsRefusedToo() throws Exception {
    Result result = start("libz.so.1");
    assertThat(result.exit()).isEqualTo(2);
    assertThat(result.stderrLines()).hasSize(1);
    assertThat(result.stderrLines().getFirst())
        .contains("VIPS_LIBRARY")
        .contains("apt-get install libvips42");
  }

  private record Result(int exit, List<String> stderrLines) {}

  private static Result start(String vipsLibrary) throws IOException, InterruptedException {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    ProcessBuilder builder =
        new ProcessBuilder(
            java.toString(),
            "--enable-native-access=ALL-UNNAMED",
            "-cp",
            System.getProperty("java.class.path"),
            Application.class.getName());
    builder.environment().put("VIPS_LIBRARY", vipsLibrary);
    builder.redirectOutput(ProcessBuilder.Redirect.DISCARD);
    Process process = builder.start();
    String stderr = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("the application did not stop");
    }
    return new Result(process.exitValue(), stderr.lines().filter(l -> !l.isBlank()).toList());
  }
}
