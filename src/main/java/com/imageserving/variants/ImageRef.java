package com.imageserving.variants;

/** A stored image a variant is made from, its names already validated. */
public record ImageRef(String namespace, String imageId) {}
