package com.imageserving.api;

import com.imageserving.HostingService;
import com.imageserving.storage.ImageRead;
import com.imageserving.storage.ImageStore.StorageException;
import com.imageserving.variants.ImageRef;
import com.imageserving.variants.VariantOptions;
import com.imageserving.variants.VariantService;
import com.imageserving.variants.VariantUrls;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.Parameters;
import io.swagger.v3.oas.annotations.enums.ParameterIn;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RestController;

/** Serving and deleting stored images. */
@RestController
@Tag(name = "images")
public class ServeController {
  private final HostingService hosting;
  private final ImageResponses responses;
  private final VariantUrls variantUrls;
  private final VariantService variants;

  public ServeController(
      HostingService hosting,
      ImageResponses responses,
      VariantUrls variantUrls,
      VariantService variants) {
    this.hosting = hosting;
    this.responses = responses;
    this.variantUrls = variantUrls;
    this.variants = variants;
  }

  @Operation(
      summary = "Serve a stored image, or a variant of it",
      description =
          "ETag/Last-Modified validators (304), HEAD, and single byte ranges (206/416). With"
              + " variant options in the query (`?w=320&h=240&rt=fill&f=webp`, `name=arg:arg`,"
              + " the names of the /variants path form), a variant is served instead; other"
              + " query parameters are ignored. With URL_SIGNING_KEY set, `sig` must be the"
              + " signature of salt + path + `?` + the query without `sig`. Options: "
              + VariantsOpenApi.OPTIONS_HELP)
  @Parameters({
    @Parameter(in = ParameterIn.QUERY, name = "w", description = "width (also `width`)"),
    @Parameter(in = ParameterIn.QUERY, name = "h", description = "height (also `height`)"),
    @Parameter(
        in = ParameterIn.QUERY,
        name = "rt",
        description = "resizing type: fit, fill, fill-down, force, auto"),
    @Parameter(in = ParameterIn.QUERY, name = "f", description = "format: jpg, png, webp, avif"),
    @Parameter(in = ParameterIn.QUERY, name = "q", description = "quality 1-100"),
    @Parameter(in = ParameterIn.QUERY, name = "pr", description = "preset name(s)"),
    @Parameter(
        in = ParameterIn.QUERY,
        name = "sig",
        description = "signature, when URL_SIGNING_KEY is set"),
  })
  @RequestMapping(
      value = "/images/{namespace}/{image_id}",
      method = {RequestMethod.GET, RequestMethod.HEAD})
  public void serve(
      @PathVariable String namespace,
      @PathVariable("image_id") String imageId,
      HttpServletRequest request,
      HttpServletResponse response)
      throws IOException {
    String query = request.getQueryString();
    if (VariantUrls.hasOptions(query)) {
      ImageRef image = new ImageRef(PathNames.namespace(request), PathNames.imageId(request));
      VariantOptions options = variantUrls.parseQuery(request.getRequestURI(), query);
      if (options != null) {
        String accept = request.getHeader(HttpHeaders.ACCEPT);
        responses.write(
            variants.serve(
                image,
                options,
                accept,
                ImageResponses.readRequest(request),
                request.getAttribute(VariantFastPath.KEPT_MISSED) != null),
            request,
            response);
        return;
      }
    }
    responses.write(read(request), request, response);
  }

  @Operation(
      security = {@SecurityRequirement(name = "bearer"), @SecurityRequirement(name = "apiKey")},
      summary = "Delete one image")
  @DeleteMapping("/images/{namespace}/{image_id}")
  public Map<String, Integer> deleteOne(
      @PathVariable String namespace,
      @PathVariable("image_id") String imageId,
      HttpServletRequest request)
      throws StorageException {
    if (!hosting.delete(PathNames.namespace(request), PathNames.imageId(request))) {
      throw notFound();
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

  private ImageRead read(HttpServletRequest request) throws StorageException {
    String namespace = PathNames.namespace(request);
    String imageId = PathNames.imageId(request);
    // ServeFastPath has asked storage already when it passes a request on with valid names.
    Object earlier = request.getAttribute(ServeFastPath.FAILED_LOOKUP);
    if (earlier instanceof StorageException failure) {
      throw failure;
    }
    if (earlier instanceof ApiException notFound) {
      throw notFound;
    }
    return hosting
        .read(namespace, imageId, ImageResponses.readRequest(request))
        .orElseThrow(ServeController::notFound);
  }

  static ApiException notFound() {
    return new ApiException(HttpStatus.NOT_FOUND, "Image not found");
  }
}
