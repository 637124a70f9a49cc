package com.imageserving.api;

import com.imageserving.storage.ImageStore.StorageException;
import com.imageserving.variants.VariantService;
import com.imageserving.variants.VariantUrls;
import io.swagger.v3.oas.annotations.Hidden;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.http.HttpHeaders;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RestController;

/**
 * Variants in imgproxy's URL form, {@code /variants/{signature}/{options}/plain/{source}[@ext]} or
 * {@code /variants/{signature}/{options}/{base64url source}[.ext]}. The whole raw path is read by
 * {@link VariantUrls}, since the signature covers it exactly as sent. (Documented in OpenAPI by
 * {@link VariantsOpenApi}: a catch-all pattern would say nothing.)
 */
@RestController
public class VariantController {
  static final String PREFIX = "/variants";

  private final VariantUrls urls;
  private final VariantService variants;
  private final BaseUrl baseUrl;
  private final ImageResponses responses;

  public VariantController(
      VariantUrls urls, VariantService variants, BaseUrl baseUrl, ImageResponses responses) {
    this.urls = urls;
    this.variants = variants;
    this.baseUrl = baseUrl;
    this.responses = responses;
  }

  @Hidden
  @RequestMapping(
      value = PREFIX + "/**",
      method = {RequestMethod.GET, RequestMethod.HEAD})
  public void variant(HttpServletRequest request, HttpServletResponse response)
      throws IOException, StorageException {
    String path = request.getRequestURI().substring(PREFIX.length());
    VariantUrls.Request parsed = urls.parsePath(path, () -> baseUrl.of(request));
    responses.write(
        variants.serve(
            parsed.image(),
            parsed.options(),
            request.getHeader(HttpHeaders.ACCEPT),
            ImageResponses.readRequest(request),
            request.getAttribute(VariantFastPath.KEPT_MISSED) != null),
        request,
        response);
  }
}
