package com.imageserving.catalog;

import com.imageserving.storage.ImageStore.StoredImage;

/** A stored image's metadata with its (oriented) size and placeholder. */
public record ImageInfo(
    StoredImage image, int width, int height, String blurhash, String dominantColor) {}
