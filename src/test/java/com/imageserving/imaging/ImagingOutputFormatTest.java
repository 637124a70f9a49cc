package com.imageserving.imaging;

import static com.imageserving.support.TestImages.encode;
import static org.assertj.core.api.Assertions.assertThat;

import com.imageserving.config.OutputFormat;
import com.imageserving.imaging.vips.Loader;
import com.imageserving.imaging.vips.NativeBytes;
import com.imageserving.imaging.vips.Saver;
import com.imageserving.imaging.vips.Vips;
import com.imageserving.imaging.vips.VipsImage;
import com.imageserving.imaging.vips.VipsSession;
import com.imageserving.support.TestImages;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.awt.Color;
import java.awt.image.BufferedImage;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Every output format produces a file that decodes, 8-bit, at the expected size. */
class ImagingOutputFormatTest {

  @ParameterizedTest
  @EnumSource(OutputFormat.class)
  void eachOutputFormatDecodes(OutputFormat format) {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (VipsImageProcessor processor =
        new VipsImageProcessor(TestImages.settings(format, 1, 1), registry)) {
      ProcessedImage out =
          processor.process(ImageInput.copyOf(encode("png", 1600, 800, Color.MAGENTA)), 400);
      assertThat(out.format()).isEqualTo(format);
      assertThat(out.width()).isEqualTo(400);
      assertThat(out.height()).isEqualTo(200);
      BufferedImage decoded = TestImages.decode(reencodeAsPng(out.data(), format));
      assertThat(decoded.getWidth()).isEqualTo(400);
      assertThat(decoded.getHeight()).isEqualTo(200);
      Color corner = new Color(decoded.getRGB(2, 2));
      assertThat(corner.getRed()).isGreaterThan(200);
      assertThat(corner.getGreen()).isLessThan(60);
      assertThat(corner.getBlue()).isGreaterThan(200);
      assertThat(
              registry
                  .get("image.processing")
                  .tag("format", format.name().toLowerCase())
                  .timer()
                  .count())
          .isEqualTo(1);
    }
  }

  /** Decodes with libvips' own loader for the format (ImageIO has no WebP or AVIF). */
  private static byte[] reencodeAsPng(byte[] data, OutputFormat format) {
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
      assertThat(image.format()).isEqualTo(VipsImage.UCHAR);
      assertThat(image.bands()).isEqualTo(3);
      return session.save(image, Saver.PNG, 0);
    }
  }
}
