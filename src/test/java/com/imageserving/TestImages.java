package com.imageserving;

import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Random;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * Real images made on the fly with the JDK's encoders, and decoding of what the service returns.
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
          .getBytes();

  /** Decodes PNG, JPEG, GIF or BMP bytes; fails the test when they are not an image. */
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
}
