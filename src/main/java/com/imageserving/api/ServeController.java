package com.imageserving.api;

import com.imageserving.HostingService;
import com.imageserving.storage.ImageStore.StorageException;
import com.imageserving.storage.ImageStore.StoredImage;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;
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

  public ServeController(HostingService hosting, ImageResponses responses) {
    this.hosting = hosting;
    this.responses = responses;
  }

  @Operation(
      summary = "Serve a stored image",
      description = "ETag/Last-Modified validators (304), HEAD, and single byte ranges (206/416).")
  @RequestMapping(
      value = "/images/{namespace}/{image_id}",
      method = {RequestMethod.GET, RequestMethod.HEAD})
  public void serve(
      @PathVariable String namespace,
      @PathVariable("image_id") String imageId,
      HttpServletRequest request,
      HttpServletResponse response)
      throws IOException {
    responses.write(find(request), request, response);
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

  private StoredImage find(HttpServletRequest request) throws StorageException {
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
    return hosting.find(namespace, imageId).orElseThrow(ServeController::notFound);
  }

  static ApiException notFound() {
    return new ApiException(HttpStatus.NOT_FOUND, "Image not found");
  }
}
