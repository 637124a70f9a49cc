package com.imageserving.api;

import com.imageserving.storage.Names;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.HttpStatus;

/**
 * Reads namespace and image id from the RAW request path and checks them against the allow-lists of
 * API.md §1. Every allowed character is URL-safe, so a segment that differs from its raw form
 * (percent-encoding, ";" path parameters the container strips, NUL, look-alikes) is refused rather
 * than decoded: nothing a client sends reaches the file system un-checked.
 */
final class PathNames {
  private PathNames() {}

  /** Segment {@code index} of the raw path: /images/{2}/{3}. */
  private static String segment(HttpServletRequest request, int index) {
    String[] segments = request.getRequestURI().split("/", -1);
    return index < segments.length ? segments[index] : "";
  }

  static String namespace(HttpServletRequest request) {
    String namespace = segment(request, 2);
    if (!Names.validNamespace(namespace)) {
      throw new ApiException(HttpStatus.BAD_REQUEST, "Invalid namespace");
    }
    return namespace;
  }

  static String imageId(HttpServletRequest request) {
    String imageId = segment(request, 3);
    if (!Names.validImageId(imageId)) {
      throw new ApiException(HttpStatus.BAD_REQUEST, "Invalid image_id");
    }
    return imageId;
  }
}
