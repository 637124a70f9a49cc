package com.imageserving.api;

import com.imageserving.storage.ImageStore.StoredImage;
import jakarta.servlet.http.HttpServletRequest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.http.HttpHeaders;

/**
 * The part of an image a GET asks for (RFC 9110 §14): one byte range, or the whole image when there
 * is no Range header, it is not a single well-formed range, or If-Range does not match.
 */
record ByteRange(long start, long end, boolean partial) {
  static final ByteRange UNSATISFIABLE = new ByteRange(0, -1, true);
  private static final Pattern SINGLE = Pattern.compile("bytes=(\\d{0,18})-(\\d{0,18})");

  long length() {
    return end - start + 1;
  }

  /** Whether a Range header is one range this class reads (and so worth asking storage for). */
  static boolean single(String header) {
    Matcher m = SINGLE.matcher(header.strip());
    return m.matches() && !(m.group(1).isEmpty() && m.group(2).isEmpty());
  }

  static ByteRange of(HttpServletRequest request, StoredImage image) {
    return of(request, image.size(), image.etag());
  }

  /** The range of a representation of {@code size} bytes whose strong validator is {@code etag}. */
  static ByteRange of(HttpServletRequest request, long size, String etag) {
    ByteRange whole = new ByteRange(0, size - 1, false);
    String header = request.getHeader(HttpHeaders.RANGE);
    if (header == null || !"GET".equals(request.getMethod())) {
      return whole;
    }
    String ifRange = request.getHeader(HttpHeaders.IF_RANGE);
    if (ifRange != null && !ifRange.equals(etag)) {
      return whole;
    }
    Matcher m = SINGLE.matcher(header.strip());
    if (!m.matches() || (m.group(1).isEmpty() && m.group(2).isEmpty())) {
      return whole;
    }
    if (m.group(1).isEmpty()) {
      long suffix = Long.parseLong(m.group(2));
      if (suffix == 0 || size == 0) {
        return UNSATISFIABLE;
      }
      return new ByteRange(Math.max(0, size - suffix), size - 1, true);
    }
    long first = Long.parseLong(m.group(1));
    long last = m.group(2).isEmpty() ? Long.MAX_VALUE : Long.parseLong(m.group(2));
    if (last < first) {
      return whole;
    }
    if (first >= size) {
      return UNSATISFIABLE;
    }
    return new ByteRange(first, Math.min(last, size - 1), true);
  }
}
