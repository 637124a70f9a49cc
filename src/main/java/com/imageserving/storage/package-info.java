/** Null-safety: everything here is non-null unless marked @Nullable. */
@NullMarked
package com.imageserving.storage;

import org.jspecify.annotations.NullMarked;
