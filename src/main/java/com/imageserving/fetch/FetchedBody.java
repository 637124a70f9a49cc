package com.imageserving.fetch;

import org.jspecify.annotations.Nullable;

/** A downloaded body, its declared content type, and the final URL after redirects. */
public record FetchedBody(byte[] bytes, @Nullable String contentType, String finalUrl) {}
