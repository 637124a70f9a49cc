package com.imageserving.imaging;

import static com.imageserving.support.TestImages.encode;
import static com.imageserving.support.TestImages.fixture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.imageserving.config.OutputFormat;
import com.imageserving.imaging.ImageRejectedException.Reason;
import com.imageserving.support.TestImages;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.awt.Color;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What the pipeline refuses (API.md §3), and with which reason. */
class ImagingRejectionTest {
  private static SimpleMeterRegistry registry;
  private static VipsImageProcessor processor;

  @BeforeAll
  static void start() {
    registry = new SimpleMeterRegistry();
    processor = new VipsImageProcessor(TestImages.settings(OutputFormat.JPEG, 2, 8), registry);
  }

  @AfterAll
  static void stop() {
    processor.close();
  }

  private static Reason reasonFor(byte[] input) {
    ImageRejectedException e =
        catchThrowableOfType(
            ImageRejectedException.class, () -> processor.process(ImageInput.copyOf(input), 1200));
    assertThat(e).as("refused").isNotNull();
    return e.reason();
  }

  private static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void svgIsUnsupported() {
    String svg =
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\">"
            + "<rect width=\"10\" height=\"10\" fill=\"red\"/></svg>";
    assertThat(reasonFor(ascii(svg))).isEqualTo(Reason.UNSUPPORTED_FORMAT);
    assertThat(reasonFor(ascii("\uFEFF  <?xml version=\"1.0\"?>\n" + svg)))
        .isEqualTo(Reason.UNSUPPORTED_FORMAT);
  }

  @Test
  void pdfIsUnsupported() {
    String pdf =
        "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
            + "2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
            + "3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 10 10]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF";
    assertThat(reasonFor(ascii(pdf))).isEqualTo(Reason.UNSUPPORTED_FORMAT);
  }

  @Test
  void bmpIsUnsupported() {
    assertThat(reasonFor(fixture("refused.bmp"))).isEqualTo(Reason.UNSUPPORTED_FORMAT);
    assertThat(reasonFor(encode("bmp", 20, 20, Color.RED))).isEqualTo(Reason.UNSUPPORTED_FORMAT);
  }

  @Test
  void icoAndPsdAreUnsupported() {
    byte[] ico = {0, 0, 1, 0, 1, 0, 16, 16, 0, 0, 1, 0, 32, 0};
    assertThat(reasonFor(ico)).isEqualTo(Reason.UNSUPPORTED_FORMAT);
    assertThat(reasonFor(ascii("8BPS\u0000\u0001 rest of a header")))
        .isEqualTo(Reason.UNSUPPORTED_FORMAT);
  }

  @Test
  void truncatedJpegIsUndecodable() {
    byte[] jpeg = encode("jpeg", 400, 300, Color.ORANGE);
    assertThat(reasonFor(Arrays.copyOf(jpeg, jpeg.length / 2))).isEqualTo(Reason.UNDECODABLE);
    assertThat(reasonFor(Arrays.copyOf(jpeg, 200))).isEqualTo(Reason.UNDECODABLE);
    assertThat(reasonFor(new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF}))
        .isEqualTo(Reason.UNDECODABLE);
  }

  @Test
  void truncatedPngIsUndecodable() {
    byte[] png = encode("png", 400, 300, Color.ORANGE);
    assertThat(reasonFor(Arrays.copyOf(png, png.length / 2))).isEqualTo(Reason.UNDECODABLE);
  }

  @Test
  void randomBytesAndTextAreUndecodable() {
    byte[] random = new byte[10_000];
    new Random(42).nextBytes(random);
    random[0] = 0x12; // not accidentally a magic number
    assertThat(reasonFor(random)).isEqualTo(Reason.UNDECODABLE);
    assertThat(reasonFor(ascii("hello, this is not an image"))).isEqualTo(Reason.UNDECODABLE);
    assertThat(reasonFor(new byte[0])).isEqualTo(Reason.UNDECODABLE);
  }

  @Test
  void pngPixelBombIsRefused() {
    byte[] bomb = TestImages.pngOfZeros(30_000, 30_000);
    assertThat(bomb.length).isLessThan(200_000);
    assertThat(reasonFor(bomb)).isEqualTo(Reason.TOO_MANY_PIXELS);
    assertThat(registry.get("image.rejections").tag("reason", "too_many_pixels").counter().count())
        .isGreaterThanOrEqualTo(1);
  }

  /**
   * Refused from the header alone, before any pixel is decoded: the data after the header is cut
   * short, so an image decoded first would be refused as undecodable instead (or, whole, take
   * seconds and gigabytes).
   */
  @Test
  void pngPixelBombIsRefusedFromItsHeader() {
    byte[] claim = TestImages.pngOfZeros(30_000, 30_000, 16);
    assertThat(reasonFor(claim)).isEqualTo(Reason.TOO_MANY_PIXELS);
  }

  /**
   * As above for JPEG: the frame header (SOF0) of a 64×64 image rewritten to claim 65000×65000, and
   * the compressed data cut off a few bytes after the scan header.
   */
  @Test
  void jpegPixelBombIsRefusedFromItsHeader() {
    byte[] jpeg = encode("jpeg", 64, 64, Color.RED);
    int end = jpeg.length;
    for (int i = 2; i + 8 < jpeg.length; i++) {
      int marker = (jpeg[i] & 0xFF) == 0xFF ? jpeg[i + 1] & 0xFF : -1;
      if (marker == 0xC0) {
        jpeg[i + 5] = (byte) 0xFD;
        jpeg[i + 6] = (byte) 0xE8;
        jpeg[i + 7] = (byte) 0xFD;
        jpeg[i + 8] = (byte) 0xE8;
      } else if (marker == 0xDA) {
        int length = ((jpeg[i + 2] & 0xFF) << 8) | (jpeg[i + 3] & 0xFF);
        end = i + 2 + length + 16;
        break;
      }
    }
    assertThat(end).isLessThan(jpeg.length);
    assertThat(reasonFor(Arrays.copyOf(jpeg, end))).isEqualTo(Reason.TOO_MANY_PIXELS);
  }
}
