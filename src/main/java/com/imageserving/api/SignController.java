package com.imageserving.api;

import com.imageserving.variants.VariantUrls;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.parameters.RequestBody;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * {@code POST /variants/sign}: signs a variant URL for clients that cannot hold the signing key (a
 * browser). A write like any other POST, so it needs an API key when API_KEYS is set: signing is
 * what the key protects.
 */
@RestController
@Tag(name = "variants")
public class SignController {
  private static final int MAX_BODY_BYTES = 64 * 1024;

  private final VariantUrls urls;
  private final BaseUrl baseUrl;

  public SignController(VariantUrls urls, BaseUrl baseUrl) {
    this.urls = urls;
    this.baseUrl = baseUrl;
  }

  public record SignRequest(
      @Schema(
              description = "local:///{namespace}/{image_id} or the image's own URL",
              example = "local:///avatars/3f2a…")
          String source,
      @Schema(description = "path-form options", example = "rs:fill:96:96/g:sm") String options) {}

  public record SignResponse(
      @Schema(description = "absolute signed variant URL, path form") String url) {}

  @Operation(
      security = {@SecurityRequirement(name = "bearer"), @SecurityRequirement(name = "apiKey")},
      summary = "Sign a variant URL",
      description =
          "Answers 404 when URL_SIGNING_KEY is not set; 400 for bad options or an unsupported"
              + " source, as the variant URL itself would.",
      requestBody =
          @RequestBody(
              content =
                  @Content(
                      mediaType = "application/json",
                      schema = @Schema(implementation = SignRequest.class))))
  @PostMapping("/variants/sign")
  public SignResponse sign(HttpServletRequest request) throws IOException {
    if (!urls.signing()) {
      throw new ApiException(HttpStatus.NOT_FOUND, "URL signing is not configured");
    }
    JsonNode body = RequestBodies.jsonObject(RequestBodies.read(request, MAX_BODY_BYTES));
    String source = RequestBodies.requiredString(body, "source");
    String options = RequestBodies.requiredString(body, "options");
    return new SignResponse(urls.sign(source, options, baseUrl.of(request)));
  }
}
