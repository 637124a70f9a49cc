/**
 * Variants of stored images on request, in imgproxy's URL dialect: the options model and its two
 * spellings (path and query), presets, signatures, sources, and the service that renders each
 * variant once and keeps it.
 */
@NullMarked
package com.imageserving.variants;

import org.jspecify.annotations.NullMarked;
