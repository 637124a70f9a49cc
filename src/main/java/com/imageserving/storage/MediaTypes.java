package com.imageserving.storage;

import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Stored extensions and the media type each is served with (API.md §2). */
public final class MediaTypes {
  /** Lookup order when an id is searched without its extension: the common ones first. */
  public static final List<String> EXTENSIONS =
      List.of("jpg", "png", "webp", "gif", "avif", "jpeg");

  private static final Map<String, String> BY_EXTENSION =
      Map.of(
          "jpg", "image/jpeg",
          "jpeg", "image/jpeg",
          "png", "image/png",
          "gif", "image/gif",
          "webp", "image/webp",
          "avif", "image/avif");

  private MediaTypes() {}

  public static @Nullable String forExtension(String extension) {
    return BY_EXTENSION.get(extension);
  }
}
