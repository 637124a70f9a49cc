/**
 * The libvips binding: the only package that touches native memory (java.lang.foreign). It binds
 * just the functions the image pipeline needs.
 */
@NullMarked
package com.imageserving.imaging.vips;

import org.jspecify.annotations.NullMarked;
