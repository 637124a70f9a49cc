package com.imageserving.api;

import com.imageserving.HostingService;
import com.imageserving.config.StorageSettings;
import com.imageserving.storage.ImageStore.StorageException;
import com.imageserving.storage.ImageStore.StoredImage;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.context.request.ServletWebRequest;

/** Serving and deleting stored images. */
@RestController
@Tag(name = "images")
public class ServeController {
  // Tomcat's sendfile hand-off: the connector writes the file zero-copy after we return.
  private static final String SENDFILE_SUPPORT = "org.apache.tomcat.sendfile.support";
  private static final String SENDFILE_FILE = "org.apache.tomcat.sendfile.filename";
  private static final String SENDFILE_START = "org.apache.tomcat.sendfile.start";
  private static final String SENDFILE_END = "org.apache.tomcat.sendfile.end";
  // Below this, one plain write is cheaper than handing the file to the poller.
  private static final long SENDFILE_MIN_BYTES = 48 * 1024;

  private final HostingService hosting;
  private final String cacheControl;

  public ServeController(HostingService hosting, StorageSettings storage) {
    this.hosting = hosting;
    this.cacheControl = "public, max-age=" + storage.cacheMaxAge();
  }

  @Operation(
      summary = "Serve a stored image",
      description = "ETag/Last-Modified validators (304), HEAD, and single byte ranges (206/416).")
  @RequestMapping(
      value = "/images/{namespace}/{imageId}",
      method = {RequestMethod.GET, RequestMethod.HEAD})
  public void serve(
      @PathVariable String namespace,
      @PathVariable String imageId,
      HttpServletRequest request,
      HttpServletResponse response)
      throws IOException {
    StoredImage image = find(request);
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
      in.transferTo(response.getOutputStream());
    }
  }

  @Operation(
      security = {@SecurityRequirement(name = "bearer"), @SecurityRequirement(name = "apiKey")},
      summary = "Delete one image")
  @DeleteMapping("/images/{namespace}/{imageId}")
  public Map<String, Integer> deleteOne(
      @PathVariable String namespace, @PathVariable String imageId, HttpServletRequest request)
      throws StorageException {
    if (!hosting.delete(PathNames.namespace(request), PathNames.imageId(request))) {
      throw new ApiException(HttpStatus.NOT_FOUND, "Image not found");
    }
    return Map.of("deleted_count", 1);
  }

  @Operation(
      security = {@SecurityRequirement(name = "bearer"), @SecurityRequirement(name = "apiKey")},
      summary = "Delete every image of a namespace")
  @DeleteMapping("/images/{namespace}")
  public Map<String, Integer> deleteNamespace(
      @PathVariable String namespace, HttpServletRequest request) throws StorageException {
    return Map.of("deleted_count", hosting.deleteNamespace(PathNames.namespace(request)));
  }

  private StoredImage find(HttpServletRequest request) throws StorageException {
    String namespace = PathNames.namespace(request);
    String imageId = PathNames.imageId(request);
    return hosting
        .find(namespace, imageId)
        .orElseThrow(() -> new ApiException(HttpStatus.NOT_FOUND, "Image not found"));
  }
}
