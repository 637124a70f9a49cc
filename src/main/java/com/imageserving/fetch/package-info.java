/** Null-safety: everything here is non-null unless marked @Nullable. */
@NullMarked
package com.imageserving.fetch;

import org.jspecify.annotations.NullMarked;
