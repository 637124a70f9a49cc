package com.imageserving.api;

import com.imageserving.FetchService;
import com.imageserving.config.FetchSettings;
import com.imageserving.fetch.FetchException;
import com.imageserving.storage.ImageStore.StorageException;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.parameters.RequestBody;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/** Fetching external images: one as base64, or many stored into a namespace. */
@RestController
@Tag(name = "fetch")
public class FetchController {
  // Fetch requests carry URLs only; a megabyte is far more than 100 of them need.
  private static final long MAX_BODY_BYTES = 1024 * 1024;
  private final FetchService fetching;
  private final BaseUrl baseUrl;
  private final int maxUrls;

  public FetchController(FetchService fetching, BaseUrl baseUrl, FetchSettings settings) {
    this.fetching = fetching;
    this.baseUrl = baseUrl;
    this.maxUrls = settings.proxyMaxUrls();
  }

  public record FetchRequest(String url, @Nullable String pool) {}

  /** The answer of /images/fetch, for the API docs; Base64JsonResponse writes it. */
  public record FetchResponse(String data, String mimeType) {}

  public record ProxyRequest(List<String> urls, @Nullable String pool) {}

  public record ProxyResponse(Map<String, String> urls, Map<String, String> errors) {}

  @Operation(
      security = {@SecurityRequirement(name = "bearer"), @SecurityRequirement(name = "apiKey")},
      summary = "Fetch an external image and return it as base64",
      description =
          "URLs of this service's own images are answered from storage without a network request.",
      requestBody =
          @RequestBody(
              content =
                  @Content(
                      mediaType = "application/json",
                      schema = @Schema(implementation = FetchRequest.class))),
      responses =
          @ApiResponse(
              responseCode = "200",
              content =
                  @Content(
                      mediaType = "application/json",
                      schema = @Schema(implementation = FetchResponse.class))))
  @PostMapping("/images/fetch")
  public void fetch(HttpServletRequest request, HttpServletResponse response)
      throws IOException, FetchException, StorageException {
    JsonNode body = RequestBodies.jsonObject(RequestBodies.read(request, MAX_BODY_BYTES));
    String url = RequestBodies.requiredString(body, "url");
    String pool = RequestBodies.optionalString(body, "pool");
    FetchService.Image image;
    try {
      image = fetching.fetchOne(url, pool, baseUrl.of(request));
    } catch (FetchService.NotStoredException e) {
      throw new ApiException(HttpStatus.NOT_FOUND, "Image not found");
    }
    Base64JsonResponse.write(response, image.data(), image.mimeType());
  }

  @Operation(
      security = {@SecurityRequirement(name = "bearer"), @SecurityRequirement(name = "apiKey")},
      summary = "Fetch many external images and store them in a namespace",
      requestBody =
          @RequestBody(
              content =
                  @Content(
                      mediaType = "application/json",
                      schema = @Schema(implementation = ProxyRequest.class))))
  @PostMapping("/images/{namespace}/proxy")
  public ProxyResponse proxy(@PathVariable String namespace, HttpServletRequest request)
      throws IOException, FetchException {
    String checked = PathNames.namespace(request);
    JsonNode body = RequestBodies.jsonObject(RequestBodies.read(request, MAX_BODY_BYTES));
    List<String> urls = urls(body);
    String pool = RequestBodies.optionalString(body, "pool");
    FetchService.Batch batch = fetching.fetchAndStore(checked, urls, pool, baseUrl.of(request));
    return new ProxyResponse(batch.urls(), batch.errors());
  }

  private List<String> urls(JsonNode body) {
    JsonNode node = body.get("urls");
    if (node == null) {
      throw ValidationError.of(List.of("body", "urls"), "Field required", "missing");
    }
    if (!node.isArray()) {
      throw ValidationError.of(
          List.of("body", "urls"), "Input should be a valid list", "list_type");
    }
    if (node.size() > maxUrls) {
      throw ValidationError.of(
          List.of("body", "urls"),
          "List should have at most " + maxUrls + " items after validation, not " + node.size(),
          "too_long");
    }
    List<String> urls = new ArrayList<>(node.size());
    List<ValidationError.Item> problems = new ArrayList<>();
    for (int i = 0; i < node.size(); i++) {
      JsonNode item = node.get(i);
      if (item.isString()) {
        urls.add(item.asString());
      } else {
        problems.add(
            new ValidationError.Item(
                List.of("body", "urls", i), "Input should be a valid string", "string_type"));
      }
    }
    if (!problems.isEmpty()) {
      throw new ValidationError(problems);
    }
    return urls;
  }
}
