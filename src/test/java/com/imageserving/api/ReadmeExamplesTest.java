package com.imageserving.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.imageserving.support.TestServer;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's curl examples, run as written with bash against a real server and a photo of over 5
 * MB (the old base64 example passed the data as one argument and failed past about 96 KB). Only the
 * host is changed, and the example id is replaced by a stored one.
 */
class ReadmeExamplesTest {
  private static final Pattern BLOCK = Pattern.compile("```bash\\n(.*?)```", Pattern.DOTALL);

  /** An example id, shortened ({@code 3f2a…-Zk3_qW9xL2c}) or whole. */
  private static final Pattern EXAMPLE_ID =
      Pattern.compile("[0-9a-f]{4}…-[A-Za-z0-9_-]+|[0-9a-f]{32}-[A-Za-z0-9_-]{11}");

  private static final Pattern OUTPUT_FILE = Pattern.compile(" -o (\\S+)");

  @TempDir Path work;

  @Test
  void everyCurlExampleWorksOnARealPhoto() throws Exception {
    Path photo = work.resolve("photo.jpg");
    writeNoisyJpeg(photo, 2800, 2200);
    assertThat(Files.size(photo)).isGreaterThan(5_000_000);
    List<String> blocks = curlBlocks(Files.readString(Path.of("README.md")));
    assertThat(blocks).isNotEmpty();
    try (TestServer server = TestServer.start()) {
      String storedId = upload(server, photo);
      // The blocks build on each other (variables such as $ID), as a reader runs them in order;
      // scripts/ is the repository's, as in a clone.
      Files.createSymbolicLink(work.resolve("scripts"), Path.of("scripts").toAbsolutePath());
      String block = String.join("\n", blocks);
      String script =
          EXAMPLE_ID
              .matcher(
                  block
                      .replace("localhost:8000", "127.0.0.1:" + server.port())
                      .replace("localhost%3A8000", "127.0.0.1%3A" + server.port()))
              .replaceAll(Matcher.quoteReplacement(storedId));
      List<Path> outputs = outputFiles(block);
      for (Path output : outputs) {
        Files.deleteIfExists(output);
      }
      Result result = bash(script);
      assertThat(result.exit()).as(script + "\n" + result.err()).isZero();
      // curl's progress meter may be on stderr; its own errors may not.
      assertThat(result.err()).as(script).doesNotContain("curl: (", "bash:", "command not found");
      for (Path output : outputs) {
        byte[] bytes = Files.readAllBytes(output);
        if (output.getFileName().toString().endsWith(".json")) {
          // A JSON answer (listing, info): an object, and no error.
          String json = new String(bytes, StandardCharsets.UTF_8);
          assertThat(json)
              .as(script + "\n-> " + output)
              .startsWith("{")
              .doesNotContain("\"detail\"");
          continue;
        }
        assertThat(bytes.length).as(script + "\n-> " + output).isGreaterThan(64);
        assertThat(bytes[0])
            .as(script + "\n-> " + output + " is an error")
            .isNotEqualTo((byte) '{');
      }
      assertThat(result.out()).as(script).doesNotContain("\"detail\"");
      int uploads = countUploads(block);
      assertThat(countOf(result.out(), "\"image_id\"")).as(script).isEqualTo(uploads);
    }
  }

  /** The ```bash blocks that talk to the service. */
  static List<String> curlBlocks(String readme) {
    List<String> blocks = new ArrayList<>();
    Matcher m = BLOCK.matcher(readme);
    while (m.find()) {
      if (m.group(1).contains("curl") && m.group(1).contains("localhost:8000")) {
        blocks.add(m.group(1));
      }
    }
    return blocks;
  }

  /** The files the block's commands write with {@code -o}, in the working folder. */
  private List<Path> outputFiles(String block) {
    List<Path> files = new ArrayList<>();
    Matcher m = OUTPUT_FILE.matcher(block);
    while (m.find()) {
      files.add(work.resolve(m.group(1)));
    }
    return files;
  }

  /** Commands that POST to /images/{ns}, each of which prints one upload answer. */
  private static int countUploads(String block) {
    int count = 0;
    for (String command : block.replace("|\n", "| ").split("\n")) {
      if (command.startsWith("#")) {
        continue;
      }
      if (command.matches(".*curl .*localhost:8000/images/[A-Za-z0-9_.-]+ .*")
          && (command.contains("--data-binary")
              || command.contains(" -d ")
              || command.contains(" -F "))) {
        count++;
      }
    }
    return count;
  }

  private String upload(TestServer server, Path photo) throws IOException {
    var response =
        server.send(
            server
                .request("/images/avatars")
                .header("Content-Type", "image/jpeg")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofFile(photo))
                .build());
    assertThat(response.statusCode()).isEqualTo(200);
    return response.body().replaceAll(".*\"image_id\":\"([^\"]+)\".*", "$1");
  }

  private record Result(int exit, String out, String err) {}

  private Result bash(String script) throws Exception {
    Process process =
        new ProcessBuilder("bash", "-e", "-o", "pipefail", "-c", script)
            .directory(work.toFile())
            .start();
    process.getOutputStream().close();
    byte[] out = process.getInputStream().readAllBytes();
    byte[] err = process.getErrorStream().readAllBytes();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Result(
        process.exitValue(),
        new String(out, StandardCharsets.UTF_8),
        new String(err, StandardCharsets.UTF_8));
  }

  private static int countOf(String text, String needle) {
    int count = 0;
    for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
      count++;
    }
    return count;
  }

  /** Noise compresses badly, so a modest size gives a photo-sized file. */
  private static void writeNoisyJpeg(Path file, int width, int height) throws IOException {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Random random = new Random(42);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        image.setRGB(x, y, random.nextInt(0x1000000));
      }
    }
    javax.imageio.ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    javax.imageio.ImageWriteParam param = writer.getDefaultWriteParam();
    param.setCompressionMode(javax.imageio.ImageWriteParam.MODE_EXPLICIT);
    param.setCompressionQuality(0.9f);
    try (var out = ImageIO.createImageOutputStream(file.toFile())) {
      writer.setOutput(out);
      writer.write(null, new javax.imageio.IIOImage(image, null, null), param);
    } finally {
      writer.dispose();
    }
  }
}
