package com.imageserving.api;

import com.imageserving.HostingService;
import com.imageserving.storage.ImageRead;
import com.imageserving.storage.ImageStore.StorageException;
import com.imageserving.storage.Names;
import com.imageserving.variants.VariantUrls;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;
import org.springframework.web.filter.ServerHttpObservationFilter;

/**
 * Serves GET and HEAD of a stored image straight from the filter chain, after request ids, CORS,
 * API keys and the metrics observation, without Spring MVC's dispatch (handler lookup, argument
 * resolution, request attributes): on an 8 KB image that dispatch was about a third of the CPU and
 * of the garbage per request (see BENCHMARKS.md). Only the plain case is taken here, valid names,
 * no variant options in the query, and an image that exists; everything else (bad names, 404,
 * storage errors) goes on to {@link ServeController}, which answers it the usual way (from the
 * lookup made here, when there was one).
 */
final class ServeFastPath extends HttpFilter {
  static final String PATTERN = "/images/{namespace}/{image_id}";

  /**
   * Request attribute: why a lookup made here found no image (the 404, or the storage failure), so
   * that the controller answers it without asking storage a second time.
   */
  static final String FAILED_LOOKUP = ServeFastPath.class.getName() + ".failedLookup";

  private final HostingService hosting;
  private final ImageResponses responses;

  ServeFastPath(HostingService hosting, ImageResponses responses) {
    this.hosting = hosting;
    this.responses = responses;
  }

  @Override
  protected void doFilter(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    Optional<ImageRead> image = read(request);
    if (image.isEmpty()) {
      chain.doFilter(request, response);
      return;
    }
    // The metrics' uri tag, as Spring MVC's handler mapping would have set it.
    ServerHttpObservationFilter.findObservationContext(request)
        .ifPresent(context -> context.setPathPattern(PATTERN));
    responses.write(image.get(), request, response);
  }

  /**
   * The image of a GET or HEAD of /images/{namespace}/{image_id} with valid names, if stored (S3:
   * read in the same request, with the validators and range).
   */
  private Optional<ImageRead> read(HttpServletRequest request) {
    String method = request.getMethod();
    if (!"GET".equals(method) && !"HEAD".equals(method)) {
      return Optional.empty();
    }
    // A query with variant options asks for a variant: that is the controller's.
    if (VariantUrls.hasOptions(request.getQueryString())) {
      return Optional.empty();
    }
    // Raw path, as PathNames reads it: /images/{namespace}/{image_id} and nothing more.
    String[] segments = request.getRequestURI().split("/", -1);
    if (segments.length != 4
        || !"images".equals(segments[1])
        || !Names.validNamespace(segments[2])
        || !Names.validImageId(segments[3])) {
      return Optional.empty();
    }
    try {
      Optional<ImageRead> image =
          hosting.read(segments[2], segments[3], ImageResponses.readRequest(request));
      if (image.isEmpty()) {
        request.setAttribute(FAILED_LOOKUP, ServeController.notFound());
      }
      return image;
    } catch (StorageException e) {
      request.setAttribute(FAILED_LOOKUP, e);
      return Optional.empty();
    }
  }
}
