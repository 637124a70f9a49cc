package com.imageserving.imaging;

import static com.imageserving.imaging.Specs.spec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.imageserving.config.OutputFormat;
import com.imageserving.imaging.ImageRejectedException.Reason;
import com.imageserving.imaging.vips.Loader;
import com.imageserving.imaging.vips.NativeBytes;
import com.imageserving.imaging.vips.Saver;
import com.imageserving.imaging.vips.Vips;
import com.imageserving.imaging.vips.VipsImage;
import com.imageserving.imaging.vips.VipsSession;
import com.imageserving.support.TestImages;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Variant renders through real libvips, checked on the decoded pixels: sizes for every resizing
 * type, which part of the image each gravity keeps, filters, flattening, formats, metadata.
 */
class RenderTest {
  private static final Color RED = new Color(255, 0, 0);
  private static final Color GREEN = new Color(0, 255, 0);
  private static final Color BLUE = new Color(0, 0, 255);
  private static final Color YELLOW = new Color(255, 255, 0);
  private static final Color GREY = new Color(128, 128, 128);

  private static VipsImageProcessor processor;

  @BeforeAll
  static void start() {
    processor = TestImages.processor(OutputFormat.JPEG);
  }

  @AfterAll
  static void stop() {
    processor.close();
  }

  private static ProcessedImage render(byte[] source, Specs spec) {
    return processor.render(ImageInput.copyOf(source), spec.build());
  }

  /** Renders to PNG (lossless, so colours are exact) and decodes it. */
  private static BufferedImage png(byte[] source, Specs spec) {
    ProcessedImage out = render(source, spec.format(OutputFormat.PNG));
    BufferedImage decoded = TestImages.decode(out.data());
    assertThat(decoded.getWidth()).isEqualTo(out.width());
    assertThat(decoded.getHeight()).isEqualTo(out.height());
    return decoded;
  }

  @ParameterizedTest(name = "{0} {1}x{2} -> {3}x{4}")
  @CsvSource({
    "FIT, 320, 0, 320, 240",
    "FIT, 0, 240, 320, 240",
    "FIT, 320, 320, 320, 240",
    "FILL, 320, 320, 320, 320",
    "FILL, 320, 0, 320, 240",
    "FILL, 0, 100, 133, 100",
    "FILL_DOWN, 320, 320, 320, 320",
    "FILL_DOWN, 0, 240, 320, 240",
    "FORCE, 320, 100, 320, 100",
    "FORCE, 320, 0, 320, 900",
    "FORCE, 0, 100, 1200, 100",
    "AUTO, 400, 300, 400, 300",
    "AUTO, 300, 400, 300, 225",
  })
  void everyResizingTypeMakesItsSize(
      ResizingType type, int width, int height, int outWidth, int outHeight) {
    // A JPEG, so that shrink-on-load takes part whenever the reduction allows it.
    byte[] source = TestImages.encode("jpeg", 1200, 900, Color.RED);
    ProcessedImage out = render(source, spec(type, width, height).format(OutputFormat.JPEG));
    BufferedImage decoded = TestImages.decode(out.data());
    assertThat(decoded.getWidth()).isEqualTo(outWidth);
    assertThat(decoded.getHeight()).isEqualTo(outHeight);
    assertThat(out.width()).isEqualTo(outWidth);
    assertThat(out.height()).isEqualTo(outHeight);
    assertThat(out.format()).isEqualTo(OutputFormat.JPEG);
  }

  @Test
  void largeSourcesShrinkOnLoadToExactlyTheTarget() {
    byte[] source = TestImages.encode("jpeg", 4000, 3000, Color.RED);
    for (Specs spec :
        new Specs[] {
          spec(ResizingType.FIT, 320, 0),
          spec(ResizingType.FILL, 96, 96).gravity(Anchor.SMART),
          spec(ResizingType.FORCE, 333, 77),
          spec(ResizingType.FIT, 0, 0).crop(0.5, 0.5)
        }) {
      RenderSpec built = spec.build();
      Layout planned = Layout.of(built, 4000, 3000);
      BufferedImage out =
          TestImages.decode(processor.render(ImageInput.copyOf(source), built).data());
      assertThat(out.getWidth()).as("%s", built).isEqualTo(planned.width());
      assertThat(out.getHeight()).as("%s", built).isEqualTo(planned.height());
    }
  }

  @ParameterizedTest(name = "enlarge {0}")
  @CsvSource({"false, 100, 50", "true, 400, 200"})
  void smallSourcesAreEnlargedOnlyWhenAsked(boolean enlarge, int outWidth, int outHeight) {
    byte[] source = TestImages.encode("png", 100, 50, Color.BLUE);
    Specs spec = spec(ResizingType.FIT, 400, 0);
    if (enlarge) {
      spec.enlarge();
    }
    BufferedImage out = png(source, spec);
    assertThat(out.getWidth()).isEqualTo(outWidth);
    assertThat(out.getHeight()).isEqualTo(outHeight);
  }

  @Test
  void dprMultipliesTheSize() {
    byte[] source = TestImages.encode("png", 1200, 900, Color.BLUE);
    BufferedImage out = png(source, spec(ResizingType.FILL, 100, 100).dpr(2));
    assertThat(out.getWidth()).isEqualTo(200);
    assertThat(out.getHeight()).isEqualTo(200);
    BufferedImage capped = png(source, spec(ResizingType.FIT, 1000, 0).dpr(3));
    assertThat(capped.getWidth()).as("not enlarged past the source").isEqualTo(1200);
  }

  @Test
  void resultIsScaledDownToMaxDimension() {
    byte[] source = TestImages.encode("png", 300, 200, Color.BLUE);
    BufferedImage out =
        png(source, spec(ResizingType.FIT, 0, 0).enlarge().dpr(5).maxDimension(500));
    assertThat(out.getWidth()).isEqualTo(500);
    assertThat(out.getHeight()).isEqualTo(333);
    BufferedImage filled =
        png(source, spec(ResizingType.FILL, 2000, 1000).enlarge().maxDimension(400));
    assertThat(filled.getWidth()).isEqualTo(400);
    assertThat(filled.getHeight()).isEqualTo(200);
  }

  @ParameterizedTest(name = "crop {0}x{1} {2} -> {3}")
  @CsvSource({
    "200, 200, NORTH_WEST, 0, 0, RED",
    "200, 200, NORTH_EAST, 0, 0, GREEN",
    "200, 200, SOUTH_WEST, 0, 0, BLUE",
    "0.5, 0.5, SOUTH_EAST, 0, 0, YELLOW",
    "100, 100, NORTH_WEST, 250, 50, GREEN",
    "0.25, 0.25, SOUTH_EAST, 0.5, 0.5, RED",
    "100, 100, FOCUS_POINT, 0.75, 0.75, YELLOW",
    "100, 100, FOCUS_POINT, 0.25, 0.75, BLUE",
  })
  void cropKeepsTheAreaItsGravityNames(
      double width, double height, Anchor anchor, double x, double y, String colour) {
    byte[] source = quadrants(400, 400);
    BufferedImage out = png(source, spec(ResizingType.FIT, 0, 0).crop(width, height, anchor, x, y));
    int expectedWidth = width < 1 ? (int) Math.round(400 * width) : (int) width;
    assertThat(out.getWidth()).isEqualTo(expectedWidth);
    assertUniform(out, named(colour));
  }

  @Test
  void cropIsBeforeTheResizeAndUsesTheRenderGravityByDefault() {
    byte[] source = quadrants(400, 400);
    BufferedImage out =
        png(source, spec(ResizingType.FIT, 50, 0).gravity(Anchor.SOUTH_EAST).crop(200, 200));
    assertThat(out.getWidth()).isEqualTo(50);
    assertThat(out.getHeight()).isEqualTo(50);
    assertUniform(out, YELLOW);
  }

  @Test
  void cropAfterShrinkOnLoadStillKeepsItsArea() {
    // 4000×4000 JPEG quadrants, a quarter kept then 100 px: JPEG shrink-on-load by 8 underneath.
    byte[] source = quadrantsJpeg(4000, 4000);
    BufferedImage out =
        TestImages.decode(
            render(
                    source,
                    spec(ResizingType.FIT, 100, 0)
                        .crop(0.5, 0.5, Anchor.NORTH_EAST, 0, 0)
                        .format(OutputFormat.JPEG))
                .data());
    assertThat(out.getWidth()).isEqualTo(100);
    assertCloseTo(new Color(out.getRGB(5, 5)), GREEN, 40);
    assertCloseTo(new Color(out.getRGB(94, 94)), GREEN, 40);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "WEST, RED",
    "EAST, BLUE",
    "CENTER, MIXED",
    "NORTH_WEST, RED",
    "SOUTH_EAST, BLUE",
  })
  void fillCropsWithTheGravity(Anchor anchor, String expected) {
    // Left half red, right half blue; a square from the 2:1 image keeps one half, or both.
    byte[] source = halves(400, 200);
    BufferedImage out = png(source, spec(ResizingType.FILL, 100, 100).gravity(anchor));
    assertThat(out.getWidth()).isEqualTo(100);
    assertThat(out.getHeight()).isEqualTo(100);
    if (expected.equals("MIXED")) {
      assertCloseTo(new Color(out.getRGB(10, 50)), RED, 10);
      assertCloseTo(new Color(out.getRGB(89, 50)), BLUE, 10);
    } else {
      assertUniform(out, named(expected));
    }
  }

  @Test
  void fillGravityOffsetsMoveTheCrop() {
    // 400×200 -> 200×100, cropped 30 px in from the west edge: red, then blue from x = 70.
    byte[] source = halves(400, 200);
    BufferedImage out = png(source, spec(ResizingType.FILL, 100, 100).gravity(Anchor.WEST, 30, 0));
    assertCloseTo(new Color(out.getRGB(5, 50)), RED, 10);
    assertCloseTo(new Color(out.getRGB(90, 50)), BLUE, 10);
  }

  @Test
  void focusPointGravityCentresTheFillCrop() {
    byte[] source = halves(400, 200);
    assertUniform(
        png(source, spec(ResizingType.FILL, 100, 100).gravity(Anchor.FOCUS_POINT, 0.9, 0.5)), BLUE);
    assertUniform(
        png(source, spec(ResizingType.FILL, 100, 100).gravity(Anchor.FOCUS_POINT, 0.1, 0.5)), RED);
  }

  @Test
  void smartGravityPicksTheBusyRegion() {
    // A flat grey strip with a patch of saturated noise near its right end.
    byte[] source = greyWithBusyPatch(600, 200, 430, 40, 120, 120);
    BufferedImage centre = png(source, spec(ResizingType.FILL, 200, 200));
    BufferedImage smart = png(source, spec(ResizingType.FILL, 200, 200).gravity(Anchor.SMART));
    assertThat(busyShare(centre)).as("the centre is flat grey").isLessThan(0.01);
    assertThat(busyShare(smart)).as("smart keeps the patch").isGreaterThan(0.25);

    BufferedImage smartCrop =
        png(source, spec(ResizingType.FIT, 0, 0).crop(200, 200, Anchor.SMART, 0, 0));
    assertThat(smartCrop.getWidth()).isEqualTo(200);
    assertThat(busyShare(smartCrop)).as("crop with g:sm").isGreaterThan(0.25);
  }

  /**
   * Smart crops take turns (Pipeline's attention lock): from several threads at once, with
   * undecodable sources failing while they hold the turn, every render ends, and the good ones all
   * keep the busy patch.
   */
  @Test
  void smartCropsFromManyThreadsAllEndAndAFailureGivesUpItsTurn() throws Exception {
    byte[] source = greyWithBusyPatch(600, 200, 430, 40, 120, 120);
    // The header is whole, so the failure comes in decoding: after the turn was taken.
    byte[] truncated = Arrays.copyOf(source, source.length / 2);
    Specs smart = spec(ResizingType.FILL, 200, 200).gravity(Anchor.SMART);
    ExecutorService threads = Executors.newFixedThreadPool(4);
    try {
      List<Future<Double>> busy = new ArrayList<>();
      for (int i = 0; i < 24; i++) {
        boolean good = i % 3 != 0;
        busy.add(
            threads.submit(() -> {
              if (good) {
                return busyShare(png(source, smart));
              }
              assertThatThrownBy(() -> render(truncated, smart))
                  .isInstanceOfSatisfying(
                      ImageRejectedException.class,
                      e -> assertThat(e.reason()).isEqualTo(Reason.UNDECODABLE));
              return 1.0;
            }));
      }
      for (Future<Double> share : busy) {
        // A turn never given back would hang here instead of failing.
        assertThat(share.get(1, TimeUnit.MINUTES)).isGreaterThan(0.25);
      }
    } finally {
      threads.shutdownNow(); // not close(): that would wait for a hung render forever
    }
  }

  @Test
  void orientationIsAppliedBeforeCroppingAndGravity() {
    // Stored 200×100 (left red, right blue) with EXIF orientation 6: upright it is 100×200, red
    // on top.
    byte[] source = TestImages.withOrientation6(halvesJpeg(200, 100));
    BufferedImage north =
        TestImages.decode(
            render(source, spec(ResizingType.FILL, 100, 100).gravity(Anchor.NORTH)).data());
    assertThat(north.getWidth()).isEqualTo(100);
    assertThat(north.getHeight()).isEqualTo(100);
    assertCloseTo(new Color(north.getRGB(50, 50)), RED, 60);
    BufferedImage south =
        TestImages.decode(
            render(source, spec(ResizingType.FIT, 0, 0).crop(100, 100, Anchor.SOUTH, 0, 0)).data());
    assertCloseTo(new Color(south.getRGB(50, 50)), BLUE, 60);
    BufferedImage fit = TestImages.decode(render(source, spec(ResizingType.FIT, 50, 0)).data());
    assertThat(fit.getHeight()).isEqualTo(100);
  }

  @Test
  void blurChangesPixels() {
    byte[] source = checkerboard(100, 100);
    BufferedImage sharp = png(source, spec(ResizingType.FIT, 0, 0));
    BufferedImage blurred = png(source, spec(ResizingType.FIT, 0, 0).blur(2));
    assertThat(neighbourContrast(sharp)).isGreaterThan(200);
    assertThat(neighbourContrast(blurred)).isLessThan(40);
  }

  @Test
  void sharpenChangesPixels() {
    // An unsharp mask overshoots on both sides of an edge: darker than the dark side, lighter
    // than the light one.
    byte[] source = step(100, 40);
    BufferedImage plain = png(source, spec(ResizingType.FIT, 0, 0));
    BufferedImage sharpened = png(source, spec(ResizingType.FIT, 0, 0).sharpen(1.5));
    assertThat(sharpened.getWidth()).isEqualTo(100);
    assertThat(minRed(plain)).isEqualTo(70);
    assertThat(maxRed(plain)).isEqualTo(180);
    assertThat(minRed(sharpened)).isLessThan(65);
    assertThat(maxRed(sharpened)).isGreaterThan(185);
  }

  @Test
  void blurAndSharpenKeepAlpha() {
    BufferedImage out =
        png(TestImages.fixture("transparent.png"), spec(ResizingType.FIT, 0, 0).blur(1).sharpen(1));
    assertThat(out.getColorModel().hasAlpha()).isTrue();
    assertThat(out.getRGB(38, 10) >>> 24).isZero();
    assertThat(out.getRGB(2, 10) >>> 24).isEqualTo(255);
  }

  @Test
  void alphaIsFlattenedOntoTheBackgroundForJpeg() {
    byte[] source = TestImages.fixture("transparent.png");
    BufferedImage onRed =
        TestImages.decode(
            render(
                    source,
                    spec(ResizingType.FIT, 0, 0).format(OutputFormat.JPEG).background(255, 0, 0))
                .data());
    assertCloseTo(new Color(onRed.getRGB(35, 10)), RED, 20);
    assertCloseTo(new Color(onRed.getRGB(5, 10)), BLUE, 40);
    BufferedImage onWhite =
        TestImages.decode(
            render(source, spec(ResizingType.FIT, 0, 0).format(OutputFormat.JPEG)).data());
    assertCloseTo(new Color(onWhite.getRGB(35, 10)), Color.WHITE, 10);
    BufferedImage kept = png(source, spec(ResizingType.FIT, 0, 0).background(255, 0, 0));
    assertThat(kept.getRGB(35, 10) >>> 24).as("PNG keeps the transparency").isZero();
  }

  @ParameterizedTest
  @EnumSource(OutputFormat.class)
  void eachFormatDecodesAndCarriesNoMetadata(OutputFormat format) {
    byte[] source = TestImages.fixture("gps.jpg");
    assertThat(TestImages.contains(source, "Exif")).isTrue();
    ProcessedImage out = render(source, spec(ResizingType.FILL, 32, 16).format(format).quality(70));
    assertThat(out.format()).isEqualTo(format);
    byte[] data = out.data();
    switch (format) {
      case JPEG -> assertThat(Arrays.copyOf(data, 3)).containsExactly(0xFF, 0xD8, 0xFF);
      case PNG -> assertThat(new String(data, 1, 3, StandardCharsets.ISO_8859_1)).isEqualTo("PNG");
      case WEBP ->
          assertThat(new String(data, 8, 4, StandardCharsets.ISO_8859_1)).isEqualTo("WEBP");
      case AVIF ->
          assertThat(new String(data, 4, 8, StandardCharsets.ISO_8859_1)).isEqualTo("ftypavif");
    }
    for (String marker :
        new String[] {
          "Exif",
          "xmpmeta",
          "SecretArtist",
          "SecretCreator",
          "SecretKeyword",
          "Photoshop 3.0",
          "GPS"
        }) {
      assertThat(TestImages.contains(data, marker)).as(marker).isFalse();
    }
    BufferedImage decoded = decodeWithLibvips(data, format);
    assertThat(decoded.getWidth()).isEqualTo(32);
    assertThat(decoded.getHeight()).isEqualTo(16);
    assertCloseTo(new Color(decoded.getRGB(16, 8)), new Color(0, 128, 0), 40);
  }

  @Test
  void webpKeepsAlphaAndLosesTheColourProfile() {
    // The CMYK fixture goes through an ICC transform, which attaches an sRGB profile.
    byte[] fromCmyk =
        render(
                TestImages.fixture("cmyk.jpg"),
                spec(ResizingType.FIT, 0, 0).format(OutputFormat.WEBP))
            .data();
    assertThat(TestImages.contains(fromCmyk, "ICCP")).isFalse();
    assertThat(decodeWithLibvips(fromCmyk, OutputFormat.WEBP).getWidth()).isEqualTo(64);

    byte[] transparent =
        render(
                TestImages.fixture("transparent.png"),
                spec(ResizingType.FIT, 0, 0).format(OutputFormat.WEBP))
            .data();
    BufferedImage decoded = decodeWithLibvips(transparent, OutputFormat.WEBP);
    assertThat(decoded.getColorModel().hasAlpha()).isTrue();
    assertThat(decoded.getRGB(35, 10) >>> 24).isZero();
    assertThat(decoded.getRGB(5, 10) >>> 24).isEqualTo(255);
  }

  @Test
  void qualityIsTheEncodersQuality() {
    byte[] source = greyWithBusyPatch(300, 200, 0, 0, 300, 200);
    int low =
        render(source, spec(ResizingType.FIT, 0, 0).format(OutputFormat.JPEG).quality(20))
            .data()
            .length;
    int high =
        render(source, spec(ResizingType.FIT, 0, 0).format(OutputFormat.JPEG).quality(95))
            .data()
            .length;
    assertThat(high).isGreaterThan(low * 2);
  }

  @Test
  void aResizeOverThePixelLimitIsRefused() {
    // 4000×1 filled into an enlarged 4096 square would be a 16M × 4096 image before the crop.
    byte[] strip = TestImages.encode("png", 4000, 1, Color.RED);
    assertThatThrownBy(() -> render(strip, spec(ResizingType.FILL, 4096, 4096).enlarge()))
        .isInstanceOfSatisfying(
            ImageRejectedException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.TOO_MANY_PIXELS));
  }

  @Test
  void theInputIsFreedAndRefusalsAreTheUploadsOnes() {
    ImageInput good = ImageInput.copyOf(TestImages.encode("png", 50, 50, Color.RED));
    processor.render(good, spec(ResizingType.FIT, 10, 0).build());
    assertThat(good.isClosed()).isTrue();
    assertThatThrownBy(() -> processor.render(good, spec(ResizingType.FIT, 10, 0).build()))
        .isInstanceOf(IllegalStateException.class);

    ImageInput text = ImageInput.copyOf("no image".getBytes(StandardCharsets.US_ASCII));
    assertThatThrownBy(() -> processor.render(text, spec(ResizingType.FIT, 10, 0).build()))
        .isInstanceOfSatisfying(
            ImageRejectedException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.UNDECODABLE));
    assertThat(text.isClosed()).isTrue();
  }

  // --- images with known regions ---

  static Color named(String name) {
    return switch (name) {
      case "RED" -> RED;
      case "GREEN" -> GREEN;
      case "BLUE" -> BLUE;
      case "YELLOW" -> YELLOW;
      default -> throw new IllegalArgumentException(name);
    };
  }

  /** Top-left red, top-right green, bottom-left blue, bottom-right yellow. */
  private static BufferedImage quadrantImage(int width, int height) {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setColor(RED);
    g.fillRect(0, 0, width / 2, height / 2);
    g.setColor(GREEN);
    g.fillRect(width / 2, 0, width - width / 2, height / 2);
    g.setColor(BLUE);
    g.fillRect(0, height / 2, width / 2, height - height / 2);
    g.setColor(YELLOW);
    g.fillRect(width / 2, height / 2, width - width / 2, height - height / 2);
    g.dispose();
    return image;
  }

  static byte[] quadrants(int width, int height) {
    return write(quadrantImage(width, height), "png");
  }

  static byte[] quadrantsJpeg(int width, int height) {
    return write(quadrantImage(width, height), "jpeg");
  }

  private static BufferedImage halvesImage(int width, int height) {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setColor(RED);
    g.fillRect(0, 0, width / 2, height);
    g.setColor(BLUE);
    g.fillRect(width / 2, 0, width - width / 2, height);
    g.dispose();
    return image;
  }

  /** Left half red, right half blue. */
  static byte[] halves(int width, int height) {
    return write(halvesImage(width, height), "png");
  }

  static byte[] halvesJpeg(int width, int height) {
    return write(halvesImage(width, height), "jpeg");
  }

  /** Flat grey with a rectangle of random saturated colours. */
  static byte[] greyWithBusyPatch(int width, int height, int x, int y, int w, int h) {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setColor(GREY);
    g.fillRect(0, 0, width, height);
    g.dispose();
    Random random = new Random(3);
    Color[] colours = {
      RED, GREEN, BLUE, YELLOW, Color.MAGENTA, Color.CYAN, Color.BLACK, Color.WHITE
    };
    for (int py = y; py < y + h; py += 4) {
      for (int px = x; px < x + w; px += 4) {
        int rgb = colours[random.nextInt(colours.length)].getRGB();
        for (int dy = 0; dy < 4 && py + dy < height; dy++) {
          for (int dx = 0; dx < 4 && px + dx < width; dx++) {
            image.setRGB(px + dx, py + dy, rgb);
          }
        }
      }
    }
    return write(image, "png");
  }

  /** Share of pixels far from the flat grey. */
  static double busyShare(BufferedImage image) {
    int busy = 0;
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        Color c = new Color(image.getRGB(x, y));
        if (distance(c, GREY) > 60) {
          busy++;
        }
      }
    }
    return (double) busy / (image.getWidth() * image.getHeight());
  }

  static byte[] checkerboard(int width, int height) {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        image.setRGB(x, y, ((x + y) % 2 == 0 ? Color.BLACK : Color.WHITE).getRGB());
      }
    }
    return write(image, "png");
  }

  /** Dark grey, then light grey from the middle, with a 4-pixel ramp between. */
  static byte[] step(int width, int height) {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    for (int x = 0; x < width; x++) {
      double t = Math.clamp((x - (width / 2.0 - 2)) / 4.0, 0, 1);
      int v = (int) Math.round(70 + t * 110);
      for (int y = 0; y < height; y++) {
        image.setRGB(x, y, new Color(v, v, v).getRGB());
      }
    }
    return write(image, "png");
  }

  static int minRed(BufferedImage image) {
    int min = 255;
    for (int x = 0; x < image.getWidth(); x++) {
      min = Math.min(min, (image.getRGB(x, 1) >> 16) & 0xFF);
    }
    return min;
  }

  static int maxRed(BufferedImage image) {
    int max = 0;
    for (int x = 0; x < image.getWidth(); x++) {
      max = Math.max(max, (image.getRGB(x, 1) >> 16) & 0xFF);
    }
    return max;
  }

  /** The largest difference between horizontally adjacent pixels' red channel, on row 1. */
  static int neighbourContrast(BufferedImage image) {
    int y = Math.min(1, image.getHeight() - 1);
    int max = 0;
    for (int x = 1; x < image.getWidth(); x++) {
      int a = (image.getRGB(x - 1, y) >> 16) & 0xFF;
      int b = (image.getRGB(x, y) >> 16) & 0xFF;
      max = Math.max(max, Math.abs(a - b));
    }
    return max;
  }

  private static byte[] write(BufferedImage image, String format) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ImageIO.write(image, format, out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /**
   * Every tenth pixel is near {@code expected}, leaving out a 3-pixel border: where a crop cuts
   * through an edge of the resized image, Lanczos has blended the neighbouring colour into it.
   */
  static void assertUniform(BufferedImage image, Color expected) {
    int stepY = Math.max(1, image.getHeight() / 10);
    int stepX = Math.max(1, image.getWidth() / 10);
    for (int y = 3; y < image.getHeight() - 3; y += stepY) {
      for (int x = 3; x < image.getWidth() - 3; x += stepX) {
        Color c = new Color(image.getRGB(x, y));
        assertThat(distance(c, expected))
            .as("pixel %d,%d is %s, expected %s", x, y, c, expected)
            .isLessThanOrEqualTo(10);
      }
    }
  }

  static void assertCloseTo(Color actual, Color expected, int tolerance) {
    assertThat(distance(actual, expected))
        .as("%s expected near %s", actual, expected)
        .isLessThanOrEqualTo(tolerance);
  }

  private static int distance(Color a, Color b) {
    return Math.max(
        Math.abs(a.getRed() - b.getRed()),
        Math.max(Math.abs(a.getGreen() - b.getGreen()), Math.abs(a.getBlue() - b.getBlue())));
  }

  /** Decodes with libvips' own loader for the format (ImageIO has no WebP or AVIF). */
  static BufferedImage decodeWithLibvips(byte[] data, OutputFormat format) {
    Loader loader =
        switch (format) {
          case JPEG -> Loader.JPEG;
          case PNG -> Loader.PNG;
          case WEBP -> Loader.WEBP;
          case AVIF -> Loader.HEIF;
        };
    // Closed in reverse order: the session, then the bytes it read in place.
    try (NativeBytes bytes = NativeBytes.copyOf(data);
        VipsSession session = Vips.load(null).session()) {
      VipsImage image = session.load(loader, bytes, 1);
      return TestImages.decode(session.save(image, Saver.PNG, 0));
    }
  }
}
