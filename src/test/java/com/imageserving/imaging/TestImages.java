package com.imageserving.imaging;

import com.imageserving.config.ImagingSettings;
import com.imageserving.config.OutputFormat;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import javax.imageio.ImageIO;

/** Fixtures and helpers shared by the imaging tests: real images, made with ImageIO or files. */
final class TestImages {
  private TestImages() {}

  static ImagingSettings settings(OutputFormat format, int concurrency, int queue) {
    return new ImagingSettings(
        1200, 800, 20 * 1024 * 1024, 50_000_000L, format, 85, concurrency, queue, null);
  }

  static VipsImageProcessor processor(OutputFormat format) {
    return new VipsImageProcessor(settings(format, 2, 8), new SimpleMeterRegistry());
  }

  /** A committed fixture from src/test/resources/images (see make-fixtures.sh there). */
  static byte[] fixture(String name) {
    try (InputStream in = TestImages.class.getResourceAsStream("/images/" + name)) {
      if (in == null) {
        throw new IllegalArgumentException("no fixture " + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A solid-colour image with a contrasting square, encoded by ImageIO ("jpeg", "png", "bmp"...).
   */
  static byte[] encode(String format, int width, int height, Color color) {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setColor(color);
    g.fillRect(0, 0, width, height);
    g.setColor(Color.WHITE);
    g.fillRect(width / 4, height / 4, width / 2, height / 2);
    g.dispose();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      if (!ImageIO.write(image, format, out)) {
        throw new IllegalStateException("ImageIO cannot write " + format);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  static BufferedImage decode(byte[] data) {
    try {
      BufferedImage image = ImageIO.read(new ByteArrayInputStream(data));
      if (image == null) {
        throw new IllegalStateException("ImageIO cannot read the output");
      }
      return image;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static boolean contains(byte[] haystack, String needle) {
    byte[] n = needle.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    outer:
    for (int i = 0; i + n.length <= haystack.length; i++) {
      for (int j = 0; j < n.length; j++) {
        if (haystack[i + j] != n[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }
}
