package com.imageserving.api;

import com.imageserving.HostingService;
import com.imageserving.config.StorageSettings;
import com.imageserving.storage.ImageRead;
import com.imageserving.storage.ImageStore.ImageGoneException;
import com.imageserving.storage.ImageStore.StorageException;
import com.imageserving.storage.ImageStore.StoredImage;
import com.imageserving.storage.ReadRequest;
import com.imageserving.variants.Variant;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.context.request.ServletWebRequest;

/**
 * Writes a found image as the answer to a GET or HEAD: validators (304), single byte ranges
 * (206/416), and the bytes, zero-copy through Tomcat's sendfile for local files from 48 KB. Used by
 * {@link ServeController}, the {@link ServeFastPath} and, for variants, {@link VariantController}.
 */
@Component
class ImageResponses {
  // Tomcat's sendfile hand-off: the connector writes the file zero-copy after we return.
  private static final String SENDFILE_SUPPORT = "org.apache.tomcat.sendfile.support";
  private static final String SENDFILE_FILE = "org.apache.tomcat.sendfile.filename";
  private static final String SENDFILE_START = "org.apache.tomcat.sendfile.start";
  private static final String SENDFILE_END = "org.apache.tomcat.sendfile.end";
  // Below this, one plain write is cheaper than handing the file to the poller.
  private static final long SENDFILE_MIN_BYTES = 48 * 1024;

  private final HostingService hosting;
  private final String cacheControl;

  ImageResponses(HostingService hosting, StorageSettings storage) {
    this.hosting = hosting;
    this.cacheControl = "public, max-age=" + storage.cacheMaxAge();
  }

  /**
   * What a GET or HEAD asks beyond the bytes, for storage to pass on (S3 answers 304 and 206
   * itself): the validators, and a single range for a GET without If-Range.
   */
  static ReadRequest readRequest(HttpServletRequest request) {
    boolean head = "HEAD".equals(request.getMethod());
    String ifNoneMatch = request.getHeader(HttpHeaders.IF_NONE_MATCH);
    String ifModifiedSince =
        ifNoneMatch == null ? request.getHeader(HttpHeaders.IF_MODIFIED_SINCE) : null;
    String range = head ? null : request.getHeader(HttpHeaders.RANGE);
    if (range != null
        && (request.getHeader(HttpHeaders.IF_RANGE) != null || !ByteRange.single(range))) {
      range = null;
    }
    if (!head && ifNoneMatch == null && ifModifiedSince == null && range == null) {
      return ReadRequest.GET;
    }
    return new ReadRequest(
        head, ifNoneMatch, ifModifiedSince, range == null ? null : range.strip());
  }

  /**
   * An image as storage read it. The answer is decided here from its metadata as for any image;
   * storage's own 304 or range only saves reading it again.
   */
  void write(ImageRead read, HttpServletRequest request, HttpServletResponse response)
      throws IOException, StorageException {
    try (read) {
      StoredImage image = read.image();
      if (read.state() == ImageRead.State.NOT_MODIFIED
          && !new ServletWebRequest(request)
              .checkNotModified(image.etag(), image.lastModified().toEpochMilli())) {
        // Storage judged the validators otherwise than HTTP does here: read it all after all.
        Optional<ImageRead> again =
            hosting.read(image.namespace(), image.imageId(), readRequest(request).unconditional());
        if (again.isEmpty()) {
          gone(response); // deleted meanwhile
          return;
        }
        try (ImageRead fresh = again.get()) {
          write(fresh.image(), fresh, request, response);
        }
        return;
      }
      write(image, read, request, response);
    }
  }

  private void write(
      StoredImage image, ImageRead read, HttpServletRequest request, HttpServletResponse response)
      throws IOException, StorageException {
    write(
        image.mimeType(),
        image.size(),
        image.etag(),
        image.lastModified(),
        image.file(),
        (offset, length) -> {
          InputStream in = read.take(offset, length);
          return in != null ? in : hosting.open(image, offset, length);
        },
        request,
        response);
  }

  /**
   * A variant: the bytes just rendered, or a kept one from storage (zero-copy like an original);
   * with {@code Vary: Accept} when Accept chose its format.
   */
  void write(Variant variant, HttpServletRequest request, HttpServletResponse response)
      throws IOException, StorageException {
    if (variant.varyAccept()) {
      response.addHeader(HttpHeaders.VARY, HttpHeaders.ACCEPT);
    }
    ImageRead kept = variant.kept();
    byte[] data = variant.data();
    if (data != null) {
      write(
          variant.mimeType(),
          variant.size(),
          variant.etag(),
          variant.lastModified(),
          null,
          (offset, length) -> new ByteArrayInputStream(data, (int) offset, (int) length),
          request,
          response);
      return;
    }
    if (kept == null) {
      throw new IllegalStateException("a variant has its bytes or is kept");
    }
    try (kept) {
      StoredImage stored = kept.image();
      write(
          variant.mimeType(),
          variant.size(),
          variant.etag(),
          variant.lastModified(),
          stored.file(),
          (offset, length) -> {
            InputStream in = kept.take(offset, length);
            return in != null ? in : hosting.open(stored, offset, length);
          },
          request,
          response);
    }
  }

  /** Opens the bytes of what is being sent, from {@code offset}, {@code length} bytes long. */
  @FunctionalInterface
  private interface Body {
    InputStream open(long offset, long length) throws IOException;
  }

  private void write(
      String mimeType,
      long size,
      String etag,
      Instant lastModified,
      @Nullable Path file,
      Body body,
      HttpServletRequest request,
      HttpServletResponse response)
      throws IOException, StorageException {
    response.setHeader(HttpHeaders.CACHE_CONTROL, cacheControl);
    response.setHeader("X-Content-Type-Options", "nosniff");
    response.setHeader(HttpHeaders.ACCEPT_RANGES, "bytes");
    ServletWebRequest web = new ServletWebRequest(request, response);
    if (web.checkNotModified(etag, lastModified.toEpochMilli())) {
      return;
    }
    ByteRange range = ByteRange.of(request, size, etag);
    if (ByteRange.UNSATISFIABLE.equals(range)) {
      response.setStatus(HttpStatus.REQUESTED_RANGE_NOT_SATISFIABLE.value());
      response.setHeader(HttpHeaders.CONTENT_RANGE, "bytes */" + size);
      response.setContentType("application/json");
      response.getWriter().write("{\"detail\":\"Requested Range Not Satisfiable\"}");
      return;
    }
    if (range.partial()) {
      response.setStatus(HttpStatus.PARTIAL_CONTENT.value());
      response.setHeader(
          HttpHeaders.CONTENT_RANGE, "bytes " + range.start() + "-" + range.end() + "/" + size);
    }
    response.setContentType(mimeType);
    response.setContentLengthLong(range.length());
    if ("HEAD".equals(request.getMethod()) || range.length() == 0) {
      return;
    }
    if (file != null
        && range.length() >= SENDFILE_MIN_BYTES
        && Boolean.TRUE.equals(request.getAttribute(SENDFILE_SUPPORT))) {
      request.setAttribute(SENDFILE_FILE, file.toString());
      request.setAttribute(SENDFILE_START, range.start());
      request.setAttribute(SENDFILE_END, range.end() + 1);
      return;
    }
    InputStream opened;
    try {
      opened = body.open(range.start(), range.length());
    } catch (ImageGoneException e) {
      gone(response);
      return;
    }
    try (InputStream in = opened) {
      if (range.length() <= SENDFILE_MIN_BYTES) {
        // One exactly-sized read and one write: transferTo's 16 KB buffer was a third of the
        // garbage of a small GET, and garbage is what sets the collector's pace.
        byte[] bytes = new byte[(int) range.length()];
        int read = in.readNBytes(bytes, 0, bytes.length);
        response.getOutputStream().write(bytes, 0, read);
      } else {
        in.transferTo(response.getOutputStream());
      }
    }
  }

  /**
   * A delete won the race between finding the image and opening it: answer as if it had not been
   * found. The headers that described the image go; those set by the filters (request id, CORS)
   * stay.
   */
  private static void gone(HttpServletResponse response) throws IOException {
    List<Map.Entry<String, String>> kept = new ArrayList<>();
    for (String name : response.getHeaderNames()) {
      if (!IMAGE_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
        response.getHeaders(name).forEach(value -> kept.add(Map.entry(name, value)));
      }
    }
    response.reset();
    kept.forEach(header -> response.addHeader(header.getKey(), header.getValue()));
    response.setStatus(HttpStatus.NOT_FOUND.value());
    response.setContentType("application/json");
    response.getWriter().write("{\"detail\":\"Image not found\"}");
  }

  private static final Set<String> IMAGE_HEADERS =
      Set.of(
          "cache-control",
          "etag",
          "last-modified",
          "accept-ranges",
          "content-range",
          "content-type",
          "content-length",
          "vary",
          "x-content-type-options");
}
