/**
 * The web console at {@code /console/}: static files from {@code classpath:/console/} (no build
 * step, no framework), served with a strict Content-Security-Policy. It is a client of the public
 * API like any other; it has no endpoint of its own and no privilege: the API key lives in the
 * browser.
 */
@NullMarked
package com.imageserving.console;

import org.jspecify.annotations.NullMarked;
