package com.imageserving.support;

import com.imageserving.config.ImagingSettings;
import com.imageserving.config.OutputFormat;
import com.imageserving.imaging.VipsImageProcessor;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * Real images for tests: made on the fly with the JDK's encoders, or read from the committed
 * fixtures in src/test/resources/images; decoding of what the service returns; and the imaging
 * settings and processor the pipeline tests share.
 */
public final class TestImages {
  private TestImages() {}

  public static byte[] jpeg(int width, int height) {
    return encode(picture(width, height, BufferedImage.TYPE_INT_RGB), "jpg");
  }

  public static byte[] png(int width, int height) {
    return encode(picture(width, height, BufferedImage.TYPE_INT_ARGB), "png");
  }

  public static byte[] gif(int width, int height) {
    return encode(picture(width, height, BufferedImage.TYPE_INT_RGB), "gif");
  }

  public static byte[] bmp(int width, int height) {
    return encode(picture(width, height, BufferedImage.TYPE_INT_RGB), "bmp");
  }

  public static final byte[] SVG =
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"><rect width=\"10\" height=\"10\"/></svg>"
          .getBytes(StandardCharsets.UTF_8);

  /**
   * A solid-colour image with a contrasting square, encoded by ImageIO ("jpeg", "png", "bmp"...).
   */
  public static byte[] encode(String format, int width, int height, Color color) {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setColor(color);
    g.fillRect(0, 0, width, height);
    g.setColor(Color.WHITE);
    g.fillRect(width / 4, height / 4, width / 2, height / 2);
    g.dispose();
    return encode(image, format);
  }

  /** A committed fixture from src/test/resources/images (see make-fixtures.sh there). */
  public static byte[] fixture(String name) {
    try (InputStream in = TestImages.class.getResourceAsStream("/images/" + name)) {
      if (in == null) {
        throw new IllegalArgumentException("no fixture " + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A valid 1-bit greyscale PNG of zeros: ~110 KB on disk for 30,000², 900 million pixels. */
  public static byte[] pngOfZeros(int width, int height) {
    return pngOfZeros(width, height, height);
  }

  /**
   * A 1-bit greyscale PNG whose header claims {@code width × height} but whose data holds only the
   * first {@code rows} rows: its header reads fine, decoding it fails.
   */
  public static byte[] pngOfZeros(int width, int height, int rows) {
    try {
      ByteArrayOutputStream idat = new ByteArrayOutputStream();
      Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION);
      try (DeflaterOutputStream z = new DeflaterOutputStream(idat, deflater, 1 << 16)) {
        byte[] row = new byte[1 + (width + 7) / 8]; // filter byte 0, then zero bits
        for (int y = 0; y < rows; y++) {
          z.write(row);
        }
      } finally {
        deflater.end();
      }
      ByteArrayOutputStream png = new ByteArrayOutputStream();
      DataOutputStream out = new DataOutputStream(png);
      out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A});
      ByteArrayOutputStream ihdr = new ByteArrayOutputStream();
      DataOutputStream h = new DataOutputStream(ihdr);
      h.writeInt(width);
      h.writeInt(height);
      // bit depth 1, greyscale, deflate, no filter, no interlace
      h.write(new byte[] {1, 0, 0, 0, 0});
      chunk(out, "IHDR", ihdr.toByteArray());
      chunk(out, "IDAT", idat.toByteArray());
      chunk(out, "IEND", new byte[0]);
      return png.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Decodes PNG, JPEG, GIF or BMP bytes; fails the test when they are not an image. */
  /**
   * A photo-like JPEG: smooth colour at a few scales and a fine grain, so that it compresses like a
   * camera's picture (a few MB for 12 MP) rather than like a flat test pattern.
   */
  public static byte[] photo(int width, int height) {
    Random random = new Random(12);
    BufferedImage coarse = new BufferedImage(width / 100, height / 100, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < coarse.getHeight(); y++) {
      for (int x = 0; x < coarse.getWidth(); x++) {
        coarse.setRGB(x, y, random.nextInt(0x1000000));
      }
    }
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setRenderingHint(
        RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
    g.drawImage(coarse, 0, 0, width, height, null);
    g.dispose();
    WritableRaster raster = image.getRaster();
    int[] row = new int[width * 3];
    for (int y = 0; y < height; y++) {
      raster.getPixels(0, y, width, 1, row);
      for (int i = 0; i < row.length; i++) {
        row[i] = Math.clamp(row[i] + (long) (random.nextGaussian() * 6), 0, 255);
      }
      raster.setPixels(0, y, width, 1, row);
    }
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (MemoryCacheImageOutputStream stream = new MemoryCacheImageOutputStream(out)) {
      ImageWriteParam param = writer.getDefaultWriteParam();
      param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
      param.setCompressionQuality(0.95f);
      writer.setOutput(stream);
      writer.write(null, new IIOImage(image, null, null), param);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      writer.dispose();
    }
    return out.toByteArray();
  }

  public static BufferedImage decode(byte[] bytes) {
    try {
      BufferedImage image = ImageIO.read(new ByteArrayInputStream(bytes));
      if (image == null) {
        throw new AssertionError("not a decodable image (" + bytes.length + " bytes)");
      }
      return image;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Whether {@code haystack} contains the ISO-8859-1 bytes of {@code needle}. */
  public static boolean contains(byte[] haystack, String needle) {
    byte[] n = needle.getBytes(StandardCharsets.ISO_8859_1);
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

  /** Production limits, with the given output format, workers and queue. */
  public static ImagingSettings settings(OutputFormat format, int concurrency, int queue) {
    return new ImagingSettings(
        1200, 800, 20 * 1024 * 1024, 50_000_000L, format, 85, concurrency, queue, null);
  }

  public static VipsImageProcessor processor(OutputFormat format) {
    return new VipsImageProcessor(settings(format, 2, 8), new SimpleMeterRegistry());
  }

  private static BufferedImage picture(int width, int height, int type) {
    BufferedImage image = new BufferedImage(width, height, type);
    Graphics2D g = image.createGraphics();
    g.setPaint(new GradientPaint(0, 0, Color.RED, width, height, Color.BLUE));
    g.fillRect(0, 0, width, height);
    g.dispose();
    return image;
  }

  private static byte[] encode(BufferedImage image, String format) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      if (!ImageIO.write(image, format, out)) {
        throw new IllegalStateException("no encoder for " + format);
      }
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void chunk(DataOutputStream out, String type, byte[] data) throws IOException {
    byte[] name = type.getBytes(StandardCharsets.US_ASCII);
    out.writeInt(data.length);
    out.write(name);
    out.write(data);
    CRC32 crc = new CRC32();
    crc.update(name);
    crc.update(data);
    out.writeInt((int) crc.getValue());
  }

  /** Inserts an EXIF APP1 segment saying orientation 6 (rotate 90° clockwise to display). */
  public static byte[] withOrientation6(byte[] jpeg) {
    byte[] app1 = {
      (byte) 0xFF,
      (byte) 0xE1,
      0,
      34,
      'E',
      'x',
      'i',
      'f',
      0,
      0,
      'M',
      'M',
      0,
      42,
      0,
      0,
      0,
      8,
      0,
      1,
      0x01,
      0x12,
      0,
      3,
      0,
      0,
      0,
      1,
      0,
      6,
      0,
      0,
      0,
      0,
      0,
      0
    };
    byte[] out = new byte[jpeg.length + app1.length];
    out[0] = jpeg[0];
    out[1] = jpeg[1];
    System.arraycopy(app1, 0, out, 2, app1.length);
    System.arraycopy(jpeg, 2, out, 2 + app1.length, jpeg.length - 2);
    return out;
  }
}
