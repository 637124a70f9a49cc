package com.imageserving.imaging;

import com.imageserving.config.OutputFormat;
import org.jspecify.annotations.Nullable;

/** A RenderSpec builder for tests: imgproxy's defaults, then what a test changes. */
final class Specs {
  private ResizingType type = ResizingType.FIT;
  private int width;
  private int height;
  private double dpr = 1;
  private boolean enlarge;
  private Gravity gravity = Gravity.CENTER;
  private @Nullable Crop crop;
  private OutputFormat format = OutputFormat.PNG;
  private int quality = 90;
  private double blur;
  private double sharpen;
  private Rgb background = Rgb.WHITE;
  private int maxDimension = 4096;

  static Specs spec(ResizingType type, int width, int height) {
    Specs specs = new Specs();
    specs.type = type;
    specs.width = width;
    specs.height = height;
    return specs;
  }

  Specs dpr(double value) {
    dpr = value;
    return this;
  }

  Specs enlarge() {
    enlarge = true;
    return this;
  }

  Specs gravity(Anchor anchor) {
    return gravity(anchor, 0, 0);
  }

  Specs gravity(Anchor anchor, double x, double y) {
    gravity = new Gravity(anchor, x, y);
    return this;
  }

  Specs crop(double cropWidth, double cropHeight) {
    crop = new Crop(cropWidth, cropHeight, null);
    return this;
  }

  Specs crop(double cropWidth, double cropHeight, Anchor anchor, double x, double y) {
    crop = new Crop(cropWidth, cropHeight, new Gravity(anchor, x, y));
    return this;
  }

  Specs format(OutputFormat value) {
    format = value;
    return this;
  }

  Specs quality(int value) {
    quality = value;
    return this;
  }

  Specs blur(double sigma) {
    blur = sigma;
    return this;
  }

  Specs sharpen(double sigma) {
    sharpen = sigma;
    return this;
  }

  Specs background(int r, int g, int b) {
    background = new Rgb(r, g, b);
    return this;
  }

  Specs maxDimension(int value) {
    maxDimension = value;
    return this;
  }

  RenderSpec build() {
    return new RenderSpec(
        type,
        width,
        height,
        dpr,
        enlarge,
        gravity,
        crop,
        format,
        quality,
        blur,
        sharpen,
        background,
        maxDimension);
  }
}
