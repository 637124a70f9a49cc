package com.imageserving.imaging;

/**
 * A stored image's size (as oriented) and its placeholder, from {@link ImageProcessor#summarize}.
 */
public record ImageSummary(int width, int height, Placeholder placeholder) {}
