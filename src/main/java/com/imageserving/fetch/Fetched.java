package com.imageserving.fetch;

import org.jspecify.annotations.Nullable;

/** A downloaded body as its {@link BodyReader} made it, its content type, and the final URL. */
public record Fetched<T>(T body, @Nullable String contentType, String finalUrl) {}
