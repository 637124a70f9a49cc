package com.imageserving.imaging;

import static com.imageserving.support.TestImages.decode;
import static com.imageserving.support.TestImages.encode;
import static com.imageserving.support.TestImages.fixture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.imageserving.config.OutputFormat;
import com.imageserving.support.TestImages;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The pipeline's rules (API.md §4), one test each, on real images through real libvips. */
class VipsImageProcessorTest {
  private static VipsImageProcessor jpeg;
  private static VipsImageProcessor png;

  @BeforeAll
  static void start() {
    jpeg = TestImages.processor(OutputFormat.JPEG);
    png = TestImages.processor(OutputFormat.PNG);
  }

  @AfterAll
  static void stop() {
    jpeg.close();
    png.close();
  }

  @Test
  void thinStripsShrinkWithoutAbortingTheProcess() {
    // Shrink-on-load by 8 would leave these 0 pixels high: libvips 8.14 aborts on that.
    for (String format : new String[] {"jpeg", "png"}) {
      ProcessedImage out = jpeg.process(ImageInput.copyOf(encode(format, 6344, 2, Color.BLUE)), 64);
      assertThat(out.width()).isEqualTo(64);
      assertThat(out.height()).isEqualTo(1);
    }
  }

  @Test
  void landscapeShrinksToTheLongerSide() {
    ProcessedImage out =
        jpeg.process(ImageInput.copyOf(encode("jpeg", 4000, 3000, Color.RED)), 1200);
    assertThat(out.width()).isEqualTo(1200);
    assertThat(out.height()).isEqualTo(900);
    BufferedImage decoded = decode(out.data());
    assertThat(decoded.getWidth()).isEqualTo(1200);
    assertThat(decoded.getHeight()).isEqualTo(900);
  }

  @Test
  void portraitShrinksToTheLongerSide() {
    ProcessedImage out =
        jpeg.process(ImageInput.copyOf(encode("png", 3000, 4000, Color.BLUE)), 1200);
    BufferedImage decoded = decode(out.data());
    assertThat(decoded.getWidth()).isEqualTo(900);
    assertThat(decoded.getHeight()).isEqualTo(1200);
  }

  @Test
  void shorterSideIsRoundedDown() {
    ProcessedImage out =
        jpeg.process(ImageInput.copyOf(encode("jpeg", 4001, 2999, Color.RED)), 1200);
    assertThat(out.width()).isEqualTo(1200);
    // 2999 × 1200 / 4001 = 899.47…
    assertThat(out.height()).isBetween(898, 900);
    assertThat(decode(out.data()).getHeight()).isEqualTo(out.height());
  }

  @Test
  void smallImageIsNotUpscaled() {
    ProcessedImage out =
        jpeg.process(ImageInput.copyOf(encode("jpeg", 100, 100, Color.GREEN)), 1200);
    BufferedImage decoded = decode(out.data());
    assertThat(decoded.getWidth()).isEqualTo(100);
    assertThat(decoded.getHeight()).isEqualTo(100);
    assertThat(out.format()).isEqualTo(OutputFormat.JPEG);
  }

  @Test
  void exifOrientationSixSwapsWidthAndHeight() {
    ProcessedImage out = jpeg.process(ImageInput.copyOf(fixture("orientation-6.jpg")), 1200);
    assertThat(out.width()).isEqualTo(100);
    assertThat(out.height()).isEqualTo(200);
    assertThat(decode(out.data()).getWidth()).isEqualTo(100);
  }

  @Test
  void exifOrientationIsAppliedToLargeImagesToo() {
    // 4000×3000 read sequentially, shrunk on load, then rotated: must not fail "out of order".
    byte[] big = encode("jpeg", 4000, 3000, Color.RED);
    byte[] rotated = TestImages.withOrientation6(big);
    ProcessedImage out = jpeg.process(ImageInput.copyOf(rotated), 1200);
    assertThat(out.width()).isEqualTo(900);
    assertThat(out.height()).isEqualTo(1200);
  }

  @Test
  void transparentPixelBecomesWhiteInJpeg() {
    BufferedImage out =
        decode(jpeg.process(ImageInput.copyOf(fixture("transparent.png")), 1200).data());
    Color left = new Color(out.getRGB(5, 10));
    Color right = new Color(out.getRGB(35, 10));
    assertThat(right.getRed()).isGreaterThan(245);
    assertThat(right.getGreen()).isGreaterThan(245);
    assertThat(right.getBlue()).isGreaterThan(245);
    assertThat(left.getBlue()).isGreaterThan(200);
    assertThat(left.getRed()).isLessThan(40);
  }

  @Test
  void transparencyIsKeptInPng() {
    BufferedImage out =
        decode(png.process(ImageInput.copyOf(fixture("transparent.png")), 1200).data());
    assertThat(out.getColorModel().hasAlpha()).isTrue();
    assertThat(out.getRGB(35, 10) >>> 24).isZero();
  }

  @ParameterizedTest
  @ValueSource(strings = {"cmyk.jpg", "rgb16.png", "palette.png", "grey.jpg", "progressive.jpg"})
  void inputsBecomeEightBitSrgb(String name) {
    for (VipsImageProcessor processor : new VipsImageProcessor[] {jpeg, png}) {
      BufferedImage out = decode(processor.process(ImageInput.copyOf(fixture(name)), 1200).data());
      assertThat(out.getWidth()).isEqualTo(64);
      assertThat(out.getColorModel().getNumColorComponents()).isEqualTo(3);
      assertThat(out.getColorModel().getColorSpace().isCS_sRGB()).isTrue();
      for (int bits : out.getColorModel().getComponentSize()) {
        assertThat(bits).isEqualTo(8);
      }
    }
  }

  @Test
  void cmykColoursAreConverted() {
    Color c =
        new Color(
            decode(jpeg.process(ImageInput.copyOf(fixture("cmyk.jpg")), 1200).data())
                .getRGB(10, 10));
    // A saturated red stays a saturated red, not inverted or washed out.
    assertThat(c.getRed()).isGreaterThan(150);
    assertThat(c.getGreen()).isLessThan(90);
    assertThat(c.getBlue()).isLessThan(90);
  }

  @ParameterizedTest
  @EnumSource(OutputFormat.class)
  void metadataIsStripped(OutputFormat format) {
    byte[] input = fixture("gps.jpg");
    assertThat(TestImages.contains(input, "Exif")).isTrue();
    // libvips 8.14's webpsave ignored strip and kept all of it, GPS included.
    try (VipsImageProcessor processor = TestImages.processor(format)) {
      byte[] out = processor.process(ImageInput.copyOf(input), 1200).data();
      assertThat(TestImages.contains(out, "Exif")).isFalse();
      assertThat(TestImages.contains(out, "SecretArtist")).isFalse();
      assertThat(TestImages.contains(out, "SecretCreator")).isFalse();
      assertThat(TestImages.contains(out, "SecretKeyword")).isFalse();
      assertThat(TestImages.contains(out, "xmpmeta")).isFalse();
      assertThat(TestImages.contains(out, "Photoshop 3.0")).isFalse();
    }
  }

  @Test
  void animatedGifGivesTheFirstFrame() {
    ProcessedImage out = jpeg.process(ImageInput.copyOf(fixture("animated.gif")), 1200);
    assertThat(out.height()).isEqualTo(32);
    Color c = new Color(decode(out.data()).getRGB(16, 16));
    assertThat(c.getRed()).isGreaterThan(230);
    assertThat(c.getGreen()).isLessThan(30);
    assertThat(c.getBlue()).isLessThan(30);
  }

  @ParameterizedTest
  @ValueSource(strings = {"input.webp", "input.tif", "input.avif"})
  void optionalInputFormatsAreRead(String name) {
    ProcessedImage out = jpeg.process(ImageInput.copyOf(fixture(name)), 1200);
    BufferedImage decoded = decode(out.data());
    assertThat(decoded.getWidth()).isEqualTo(64);
    assertThat(decoded.getHeight()).isEqualTo(48);
  }

  @Test
  void theInputIsFreedWhenProcessingReturnsOrThrows() {
    ImageInput good = ImageInput.copyOf(encode("jpeg", 100, 80, Color.RED));
    jpeg.process(good, 1200);
    assertThat(good.isClosed()).isTrue();

    ImageInput text = ImageInput.copyOf("not an image".getBytes(StandardCharsets.US_ASCII));
    assertThatThrownBy(() -> jpeg.process(text, 1200)).isInstanceOf(ImageRejectedException.class);
    assertThat(text.isClosed()).as("refused by the sniffer").isTrue();

    byte[] whole = encode("jpeg", 400, 300, Color.RED);
    ImageInput truncated = ImageInput.copyOf(Arrays.copyOf(whole, whole.length / 2));
    assertThatThrownBy(() -> jpeg.process(truncated, 1200))
        .isInstanceOf(ImageRejectedException.class);
    assertThat(truncated.isClosed()).as("refused by libvips").isTrue();
  }

  @Test
  void anInputIsProcessedOnlyOnce() {
    ImageInput input = ImageInput.copyOf(encode("jpeg", 10, 10, Color.RED));
    jpeg.process(input, 1200);
    assertThatThrownBy(() -> jpeg.process(input, 1200)).isInstanceOf(IllegalStateException.class);
    ImageInput closed = ImageInput.copyOf(encode("jpeg", 10, 10, Color.RED));
    closed.close();
    assertThatThrownBy(() -> jpeg.process(closed, 1200)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void aStreamedInputIsReadInPlace() throws Exception {
    // Through ImageInput.read, as raw uploads arrive, grown over several blocks.
    byte[] png = noisePng(600, 400);
    assertThat(png.length).isGreaterThan(4 * ImageInput.INITIAL_CAPACITY);
    InputBudget budget = new InputBudget(png.length);
    ImageInput input = ImageInput.read(new ByteArrayInputStream(png), -1, png.length, budget);
    assertThat(budget.reserved()).isEqualTo(png.length);
    ProcessedImage out = jpeg.process(input, 300);
    assertThat(out.width()).isEqualTo(300);
    assertThat(out.height()).isEqualTo(200);
    assertThat(input.isClosed()).isTrue();
    // The worker freed the memory, and with it the reservation.
    assertThat(budget.reserved()).isZero();
  }

  /** A PNG that hardly compresses: random pixels. */
  private static byte[] noisePng(int width, int height) throws IOException {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Random random = new Random(1);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        image.setRGB(x, y, random.nextInt());
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(image, "png", out);
    return out.toByteArray();
  }
}
