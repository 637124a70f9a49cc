package com.imageserving.imaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.imageserving.config.OutputFormat;
import com.imageserving.support.Json;
import com.imageserving.support.TestImages;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * BlurHash and dominant colour against references: the BlurHash reference implementation (the npm
 * package {@code blurhash}, installed into src/test/node by {@code make install}) run by node on
 * the same pixels must give the very same hash, and decode our hashes back to the image's colour;
 * the dominant colour of synthetic images of known colours is the expected one.
 */
class PlaceholderReferenceTest {
  private static final Path NODE_DIR = Path.of("src", "test", "node").toAbsolutePath();
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static VipsImageProcessor png;
  private static VipsImageProcessor jpeg;

  @BeforeAll
  static void start() {
    png = TestImages.processor(OutputFormat.PNG);
    jpeg = TestImages.processor(OutputFormat.JPEG);
  }

  @AfterAll
  static void stop() {
    png.close();
    jpeg.close();
  }

  private record Pixels(int width, int height, byte[] rgb) {}

  @Test
  void hashesAreTheReferenceEncodersOnTheSamePixels() throws Exception {
    Random random = new Random(15);
    List<Pixels> images = new ArrayList<>();
    for (int[] size : new int[][] {{32, 24}, {1, 1}, {7, 3}, {24, 32}, {32, 1}, {5, 17}}) {
      byte[] noise = new byte[3 * size[0] * size[1]];
      random.nextBytes(noise);
      images.add(new Pixels(size[0], size[1], noise));
      byte[] gradient = new byte[noise.length];
      for (int y = 0; y < size[1]; y++) {
        for (int x = 0; x < size[0]; x++) {
          int p = 3 * (x + y * size[0]);
          gradient[p] = (byte) (255 * x / Math.max(1, size[0] - 1));
          gradient[p + 1] = (byte) (255 * y / Math.max(1, size[1] - 1));
          gradient[p + 2] = (byte) 90;
        }
      }
      images.add(new Pixels(size[0], size[1], gradient));
    }
    byte[] black = new byte[3 * 16 * 16];
    images.add(new Pixels(16, 16, black));
    byte[] white = new byte[3 * 16 * 16];
    java.util.Arrays.fill(white, (byte) 255);
    images.add(new Pixels(16, 16, white));

    JsonNode reference = reference(images, List.of());
    List<String> ours =
        images.stream().map(i -> BlurHash.encode(i.rgb(), i.width(), i.height(), 4, 3)).toList();
    List<String> theirs = new ArrayList<>();
    reference.get("hashes").forEach(h -> theirs.add(h.asString()));
    assertThat(ours).isEqualTo(theirs);
    assertThat(ours).allSatisfy(h -> assertThat(h).hasSize(1 + 1 + 4 + 2 * (4 * 3 - 1)));
  }

  @Test
  void uploadAndStoredPlaceholdersDecodeToTheImagesColour() throws Exception {
    List<String> hashes = new ArrayList<>();
    List<int[]> expected = new ArrayList<>();
    for (Color colour : List.of(new Color(0x33, 0x66, 0xcc), new Color(0xe0, 0x40, 0x20))) {
      byte[] image = twoColours(300, 200, colour.getRGB() & 0xffffff, 0, 1.0, false);
      ProcessedImage processed = jpeg.process(ImageInput.copyOf(image), 1200);
      assertThat(processed.placeholder()).isNotNull();
      hashes.add(processed.placeholder().blurhash());
      ImageSummary summary = jpeg.summarize(ImageInput.copyOf(processed.data()));
      assertThat(summary.width()).isEqualTo(300);
      assertThat(summary.height()).isEqualTo(200);
      hashes.add(summary.placeholder().blurhash());
      for (int i = 0; i < 2; i++) {
        expected.add(new int[] {colour.getRed(), colour.getGreen(), colour.getBlue()});
      }
    }
    JsonNode averages = reference(List.of(), hashes).get("averages");
    for (int i = 0; i < hashes.size(); i++) {
      for (int c = 0; c < 3; c++) {
        // JPEG and the hash's quantisation move a flat colour by a few levels at most.
        assertThat(averages.get(i).get(c).asInt())
            .as("hash %s channel %d", hashes.get(i), c)
            .isCloseTo(expected.get(i)[c], org.assertj.core.data.Offset.offset(6));
      }
    }
  }

  @Test
  void dominantColourOfKnownColours() throws Exception {
    // 70% one colour, 30% another, as stripes and as blocks, in several sizes.
    for (int[] size : new int[][] {{100, 100}, {640, 480}, {30, 90}, {1000, 800}}) {
      byte[] stripes = twoColours(size[0], size[1], 0x3366cc, 0xff9900, 0.7, true);
      byte[] blocks = twoColours(size[0], size[1], 0xff9900, 0x3366cc, 0.7, false);
      assertThat(png.process(ImageInput.copyOf(stripes), 1200).placeholder().dominantColor())
          .as("stripes %dx%d", size[0], size[1])
          .isEqualTo("#3366cc");
      assertThat(png.process(ImageInput.copyOf(blocks), 1200).placeholder().dominantColor())
          .as("blocks %dx%d", size[0], size[1])
          .isEqualTo("#ff9900");
      assertThat(png.summarize(ImageInput.copyOf(blocks)).placeholder().dominantColor())
          .isEqualTo("#ff9900");
    }
    // The minority colour does not win even when it is split into fewer, larger shades.
    byte[] pixels = new byte[3 * 10];
    for (int p = 0; p < 10; p++) {
      int rgb = p < 6 ? 0x102030 : 0xf0f0f0;
      pixels[3 * p] = (byte) (rgb >> 16);
      pixels[3 * p + 1] = (byte) (rgb >> 8);
      pixels[3 * p + 2] = (byte) rgb;
    }
    assertThat(Placeholder.dominantColor(pixels, 10, 1)).isEqualTo("#102030");
    // Near-equal shades count together: 4 pixels of one bucket beat 3 equal pixels elsewhere.
    int[] shades = {0x808080, 0x818181, 0x828282, 0x838383, 0x0000ff, 0x0000ff, 0x0000ff};
    byte[] mixed = new byte[3 * shades.length];
    for (int p = 0; p < shades.length; p++) {
      mixed[3 * p] = (byte) (shades[p] >> 16);
      mixed[3 * p + 1] = (byte) (shades[p] >> 8);
      mixed[3 * p + 2] = (byte) shades[p];
    }
    assertThat(Placeholder.dominantColor(mixed, shades.length, 1)).isEqualTo("#808080");
  }

  @Test
  void transparencyIsShownOnWhite() throws Exception {
    BufferedImage image = new BufferedImage(40, 40, BufferedImage.TYPE_INT_ARGB);
    byte[] png = encode(image, "png"); // all transparent
    assertThat(
            PlaceholderReferenceTest.png
                .summarize(ImageInput.copyOf(png))
                .placeholder()
                .dominantColor())
        .isEqualTo("#ffffff");
  }

  private static byte[] twoColours(
      int width, int height, int major, int minor, double share, boolean stripes) throws Exception {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setColor(new Color(minor));
    g.fillRect(0, 0, width, height);
    g.setColor(new Color(major));
    if (stripes) {
      // Ten horizontal bands, seven of the major colour.
      for (int band = 0; band < 10; band++) {
        if (band % 10 < share * 10) {
          g.fillRect(0, band * height / 10, width, (band + 1) * height / 10 - band * height / 10);
        }
      }
    } else {
      g.fillRect(0, 0, (int) Math.round(width * share), height);
    }
    g.dispose();
    return encode(image, "png");
  }

  private static byte[] encode(BufferedImage image, String format) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(image, format, out);
    return out.toByteArray();
  }

  /**
   * Runs src/test/node/blurhash.js: the reference's hashes of {@code encode}, averages of {@code
   * decode}.
   */
  private static JsonNode reference(List<Pixels> encode, List<String> decode) throws Exception {
    assertThat(NODE_DIR.resolve("node_modules/blurhash/package.json"))
        .as("the blurhash npm package is not installed: run make install (npm ci in src/test/node)")
        .exists();
    ObjectNode request = JSON.createObjectNode();
    ArrayNode images = request.putArray("encode");
    for (Pixels p : encode) {
      images
          .addObject()
          .put("width", p.width())
          .put("height", p.height())
          .put("rgb", Base64.getEncoder().encodeToString(p.rgb()));
    }
    ArrayNode hashes = request.putArray("decode");
    decode.forEach(hashes::add);
    Process node =
        new ProcessBuilder("node", "blurhash.js")
            .directory(NODE_DIR.toFile())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    try (var in = node.getOutputStream()) {
      in.write(JSON.writeValueAsBytes(request));
    }
    String out;
    try (var stream = node.getInputStream()) {
      out = new String(stream.readAllBytes(), StandardCharsets.UTF_8);
    }
    assertThat(node.waitFor(60, TimeUnit.SECONDS)).as("node finished").isTrue();
    assertThat(node.exitValue()).as("node exit status").isZero();
    return Json.read(out);
  }
}
