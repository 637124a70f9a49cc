/** Null-safety: everything here is non-null unless marked @Nullable. */
@NullMarked
package com.imageserving.imaging;

import org.jspecify.annotations.NullMarked;
