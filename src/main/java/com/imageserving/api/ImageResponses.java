package com.imageserving.api;

import com.imageserving.HostingService;
import com.imageserving.config.StorageSettings;
import com.imageserving.storage.ImageStore.StorageException;
import com.imageserving.storage.ImageStore.StoredImage;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.context.request.ServletWebRequest;

/**
 * Writes a found image as the answer to a GET or HEAD: validators (304), single byte ranges
 * (206/416), and the bytes, zero-copy through Tomcat's sendfile for local files from 48 KB. Used by
 * both {@link ServeController} and the {@link ServeFastPath}.
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

  void write(StoredImage image, HttpServletRequest request, HttpServletResponse response)
      throws IOException, StorageException {
    response.setHeader(HttpHeaders.CACHE_CONTROL, cacheControl);
    response.setHeader("X-Content-Type-Options", "nosniff");
    response.setHeader(HttpHeaders.ACCEPT_RANGES, "bytes");
    ServletWebRequest web = new ServletWebRequest(request, response);
    if (web.checkNotModified(image.etag(), image.lastModified().toEpochMilli())) {
      return;
    }
    ByteRange range = ByteRange.of(request, image);
    if (ByteRange.UNSATISFIABLE.equals(range)) {
      response.setStatus(HttpStatus.REQUESTED_RANGE_NOT_SATISFIABLE.value());
      response.setHeader(HttpHeaders.CONTENT_RANGE, "bytes */" + image.size());
      response.setContentType("application/json");
      response.getWriter().write("{\"detail\":\"Requested Range Not Satisfiable\"}");
      return;
    }
    if (range.partial()) {
      response.setStatus(HttpStatus.PARTIAL_CONTENT.value());
      response.setHeader(
          HttpHeaders.CONTENT_RANGE,
          "bytes " + range.start() + "-" + range.end() + "/" + image.size());
    }
    response.setContentType(image.mimeType());
    response.setContentLengthLong(range.length());
    if ("HEAD".equals(request.getMethod()) || range.length() == 0) {
      return;
    }
    if (image.file() != null
        && range.length() >= SENDFILE_MIN_BYTES
        && Boolean.TRUE.equals(request.getAttribute(SENDFILE_SUPPORT))) {
      request.setAttribute(SENDFILE_FILE, image.file().toString());
      request.setAttribute(SENDFILE_START, range.start());
      request.setAttribute(SENDFILE_END, range.end() + 1);
      return;
    }
    try (InputStream in = hosting.open(image, range.start(), range.length())) {
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
}
