package com.imageserving.config;

import org.jspecify.annotations.Nullable;

/** Limits and output of the image pipeline, and the size of its worker pool. */
public record ImagingSettings(
    int maxUploadSize,
    int maxFetchSize,
    long maxUploadBytes,
    long maxInputPixels,
    OutputFormat outputFormat,
    int outputQuality,
    int processingConcurrency,
    int processingQueue,
    @Nullable String vipsLibrary) {}
