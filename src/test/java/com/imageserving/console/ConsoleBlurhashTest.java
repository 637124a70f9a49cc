package com.imageserving.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.imageserving.support.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The console's BlurHash decoder (console/blurhash.js, run in Node) gives exactly the pixels of the
 * npm package "blurhash", the reference implementation, for the published example hash and for
 * hashes the reference encodes with every component count; malformed hashes are refused.
 */
class ConsoleBlurhashTest {
  private static final Path NODE_DIR = Path.of("src", "test", "node").toAbsolutePath();
  private static final Path DECODER =
      Path.of("src", "main", "resources", "console", "blurhash.js").toAbsolutePath();

  @Test
  void decodesLikeTheReferenceImplementation() throws Exception {
    assertThat(NODE_DIR.resolve("node_modules/blurhash/package.json"))
        .as("the npm package blurhash is not installed: run make install (npm ci in src/test/node)")
        .exists();
    Process node =
        new ProcessBuilder("node", "console-blurhash.mjs", DECODER.toString())
            .directory(NODE_DIR.toFile())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    String output;
    try (var out = node.getInputStream()) {
      output = new String(out.readAllBytes(), StandardCharsets.UTF_8);
    }
    assertThat(node.waitFor(60, TimeUnit.SECONDS)).as("node finished").isTrue();
    assertThat(node.exitValue()).as("node exit status").isZero();

    JsonNode result = Json.read(output.strip());
    assertThat(result.get("hashes").asInt()).isEqualTo(41);
    assertThat(result.get("pixelsCompared").asInt()).isGreaterThan(100_000);
    assertThat(result.get("differing").toString()).isEqualTo("[]");
    assertThat(result.get("wronglyAccepted").toString()).isEqualTo("[]");
    assertThat(result.get("validRefused").toString()).isEqualTo("[]");
  }
}
