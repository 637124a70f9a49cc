package com.imageserving.imaging;

import com.imageserving.config.OutputFormat;

/** An encoded output image and its final dimensions. */
public record ProcessedImage(byte[] data, OutputFormat format, int width, int height) {}
