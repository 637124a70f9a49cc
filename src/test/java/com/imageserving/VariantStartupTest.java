package com.imageserving;

import static org.assertj.core.api.Assertions.assertThat;

import com.imageserving.support.ChildProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Bad variant settings stop the real main() before Spring starts, with one line and exit 2. */
class VariantStartupTest {
  @TempDir Path dir;

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "PRESETS|{\"thumb\": \"w:100/zoom:2\"}|PRESETS: preset 'thumb': Unknown option: zoom",
        "URL_SIGNING_KEY|not-hex|URL_SIGNING_KEY: expected hex-encoded bytes",
      })
  void anInvalidVariantSettingStopsStartUpWithOneLine(String name, String value, String message)
      throws Exception {
    Process process = ChildProcess.command(dir, Map.of(name, value)).start();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("exited").isTrue();
    String output = Files.readString(dir.resolve("child.log"), StandardCharsets.UTF_8);
    assertThat(process.exitValue()).as(output).isEqualTo(2);
    assertThat(output.strip().lines()).hasSize(1);
    assertThat(output).startsWith("Invalid configuration: " + message);
  }
}
