package com.imageserving.api;

import com.imageserving.storage.ImageStore.StorageException;
import com.imageserving.storage.Names;
import com.imageserving.variants.ImageRef;
import com.imageserving.variants.Variant;
import com.imageserving.variants.VariantException;
import com.imageserving.variants.VariantOptions;
import com.imageserving.variants.VariantService;
import com.imageserving.variants.VariantService.KeptLookup;
import com.imageserving.variants.VariantUrls;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.web.filter.ServerHttpObservationFilter;

/**
 * Serves GET and HEAD of a KEPT variant straight from the filter chain, in both spellings ({@code
 * /images/{ns}/{id}?w=..} and {@code /variants/{sig}/{options}/...}), for the reason {@link
 * ServeFastPath} serves originals here: Spring MVC's dispatch made a kept variant's GET cost a
 * third more than an original's. The URL is read and its signature checked by the same {@link
 * VariantUrls} as the controllers; everything that is not a kept variant found here (bad URLs, 403,
 * expired, a miss to render, a format that is the stored image's own) goes on to {@link
 * ServeController} or {@link VariantController}, which answer it the usual way — a miss without
 * asking storage for the kept variant again.
 */
final class VariantFastPath extends HttpFilter {
  /**
   * Request attribute: the kept variant was looked for here and is not in storage, so the
   * controller renders without looking again.
   */
  static final String KEPT_MISSED = VariantFastPath.class.getName() + ".keptMissed";

  private final VariantUrls urls;
  private final VariantService variants;
  private final BaseUrl baseUrl;
  private final ImageResponses responses;

  VariantFastPath(
      VariantUrls urls, VariantService variants, BaseUrl baseUrl, ImageResponses responses) {
    this.urls = urls;
    this.variants = variants;
    this.baseUrl = baseUrl;
    this.responses = responses;
  }

  @Override
  protected void doFilter(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    Variant kept = null;
    String pattern = null;
    String method = request.getMethod();
    if ("GET".equals(method) || "HEAD".equals(method)) {
      String uri = request.getRequestURI();
      if (uri.startsWith(VariantController.PREFIX + "/")) {
        pattern = VariantController.PREFIX + "/**";
        kept = pathForm(request, uri);
      } else if (VariantUrls.hasOptions(request.getQueryString())) {
        pattern = ServeFastPath.PATTERN;
        kept = queryForm(request, uri);
      }
    }
    if (kept == null || pattern == null) {
      chain.doFilter(request, response);
      return;
    }
    // The metrics' uri tag, as Spring MVC's handler mapping would have set it.
    String uriTag = pattern;
    ServerHttpObservationFilter.findObservationContext(request)
        .ifPresent(context -> context.setPathPattern(uriTag));
    responses.write(kept, request, response);
  }

  private @Nullable Variant pathForm(HttpServletRequest request, String uri) {
    VariantUrls.Request parsed;
    try {
      parsed =
          urls.parsePath(
              uri.substring(VariantController.PREFIX.length()), () -> baseUrl.of(request));
    } catch (VariantException e) {
      return null; // the controller answers it (403, 400)
    }
    return kept(request, parsed.image(), parsed.options());
  }

  private @Nullable Variant queryForm(HttpServletRequest request, String uri) {
    // Raw path, as PathNames reads it: /images/{namespace}/{image_id} and nothing more.
    String[] segments = uri.split("/", -1);
    if (segments.length != 4
        || !"images".equals(segments[1])
        || !Names.validNamespace(segments[2])
        || !Names.validImageId(segments[3])) {
      return null;
    }
    VariantOptions options;
    try {
      options = urls.parseQuery(uri, request.getQueryString());
    } catch (VariantException e) {
      return null;
    }
    if (options == null) {
      return null;
    }
    return kept(request, new ImageRef(segments[2], segments[3]), options);
  }

  private @Nullable Variant kept(
      HttpServletRequest request, ImageRef image, VariantOptions options) {
    KeptLookup lookup;
    try {
      lookup =
          variants.kept(
              image,
              options,
              request.getHeader(HttpHeaders.ACCEPT),
              ImageResponses.readRequest(request));
    } catch (StorageException e) {
      return null; // the controller tries again, and answers the failure as usual
    }
    if (lookup.missed()) {
      request.setAttribute(KEPT_MISSED, Boolean.TRUE);
    }
    return lookup.variant();
  }
}
