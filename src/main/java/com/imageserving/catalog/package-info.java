/**
 * The catalog: listing namespaces and images page by page, and an image's info with placeholders.
 */
@NullMarked
package com.imageserving.catalog;

import org.jspecify.annotations.NullMarked;
