package com.imageserving.api;

import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.parameters.Parameter;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import java.util.List;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * OpenAPI for the imgproxy-style variant URLs. They are served by one catch-all mapping (the
 * signature covers the raw path), which springdoc could only show as {@code /variants/**}; the two
 * spellings are described here instead. The query spelling is documented on GET
 * /images/{namespace}/{image_id}.
 */
@Configuration(proxyBeanMethods = false)
public class VariantsOpenApi {
  static final String OPTIONS_HELP =
      "imgproxy processing options, `name:arg:arg` separated by `/`: `rs`/`resize`, `s`/`size`,"
          + " `rt`/`resizing_type` (fit, fill, fill-down, force, auto), `w`/`width`, `h`/`height`,"
          + " `el`/`enlarge`, `dpr` (1-5), `g`/`gravity` (no so ea we noea nowe soea sowe ce, sm,"
          + " fp:x:y), `c`/`crop`, `q`/`quality`, `f`/`format`/`ext` (jpg, png, webp, avif),"
          + " `bl`/`blur`, `sh`/`sharpen`, `bg`/`background`, `pr`/`preset`, `cb`/`cachebuster`,"
          + " `exp`/`expires`. Example: `rs:fill:320:240/g:sm/q:80`.";

  @Bean
  OpenApiCustomizer variantPaths() {
    return api -> {
      api.path(
          "/variants/{signature}/{options}/plain/{source}",
          item(
              "A variant, imgproxy form with a plain source",
              "`{source}` is `local:///{namespace}/{image_id}` or the image's own URL"
                  + " (`http(s)://{this host}/images/{namespace}/{image_id}`), percent-encoded;"
                  + " append `@{ext}` (jpg, png, webp, avif) to choose the format.",
              "source"));
      api.path(
          "/variants/{signature}/{options}/{encoded_source}",
          item(
              "A variant, imgproxy form with a base64url source",
              "`{encoded_source}` is the source (as for the plain form) in URL-safe base64 without"
                  + " padding, optionally split by `/`; append `.{ext}` to choose the format.",
              "encoded_source"));
    };
  }

  private static PathItem item(String summary, String description, String sourceName) {
    ApiResponses responses =
        new ApiResponses()
            .addApiResponse(
                "200",
                new ApiResponse()
                    .description("The variant's bytes (ETag, Last-Modified, 304, ranges, HEAD)")
                    .content(
                        new Content().addMediaType("image/*", new MediaType().schema(binary()))))
            .addApiResponse(
                "400",
                new ApiResponse().description("Unknown option, bad argument, unsupported source"))
            .addApiResponse(
                "403", new ApiResponse().description("Invalid signature (URL_SIGNING_KEY set)"))
            .addApiResponse("404", new ApiResponse().description("Image not found, Expired URL"))
            .addApiResponse(
                "503", new ApiResponse().description("Render capacity exhausted (Retry-After)"));
    Operation get =
        new Operation()
            .tags(List.of("variants"))
            .summary(summary)
            .description(
                description
                    + " The signature is HMAC-SHA256 (URL_SIGNING_KEY) over URL_SIGNING_SALT and"
                    + " the path after the signature segment, URL-safe base64 without padding;"
                    + " any placeholder (e.g. `insecure`) when no key is configured.")
            .addParametersItem(pathParameter("signature", "imgproxy signature"))
            .addParametersItem(pathParameter("options", OPTIONS_HELP))
            .addParametersItem(pathParameter(sourceName, "the stored image, see above"))
            .responses(responses);
    return new PathItem().get(get);
  }

  private static Parameter pathParameter(String name, String description) {
    return new Parameter()
        .in("path")
        .name(name)
        .required(true)
        .description(description)
        .schema(new StringSchema());
  }

  private static Schema<?> binary() {
    return new StringSchema().format("binary");
  }
}
