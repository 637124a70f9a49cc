package com.imageserving.api;

import com.imageserving.HostingService;
import com.imageserving.config.ImagingSettings;
import com.imageserving.imaging.ImageInput;
import com.imageserving.imaging.InputBudget;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.parameters.RequestBody;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.Part;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Locale;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code POST /images/{namespace}}: JSON base64, multipart {@code file}, or a raw image body. */
@RestController
@Tag(name = "images")
public class UploadController {
  private final HostingService hosting;
  private final BaseUrl baseUrl;
  private final long maxBodyBytes;
  private final InputBudget budget;

  public UploadController(
      HostingService hosting, BaseUrl baseUrl, ImagingSettings imaging, InputBudget budget) {
    this.hosting = hosting;
    this.baseUrl = baseUrl;
    this.maxBodyBytes = imaging.maxUploadBytes();
    this.budget = budget;
  }

  /**
   * The upload answer; width, height, mime_type, size, blurhash and dominant_color are additions to
   * the original's.
   */
  public record UploadResponse(
      String imageId,
      String url,
      int width,
      int height,
      String mimeType,
      long size,
      @Schema(description = "BlurHash, 4×3 components", example = "LEHV6nWB2yk8pyo0adR*.7kCMdnj")
          String blurhash,
      @Schema(description = "the most common colour", example = "#a0b1c2") String dominantColor) {}

  /** The JSON form of an upload, as the original accepted it. */
  public record UploadRequest(
      @Schema(description = "base64 image data, optionally with a data: URL prefix") String data) {}

  @Operation(
      security = {@SecurityRequirement(name = "bearer"), @SecurityRequirement(name = "apiKey")},
      summary = "Upload an image",
      description =
          "Body: JSON {\"data\": base64} (a data-URL prefix is allowed), multipart/form-data"
              + " with a part named 'file', or the raw image with an image/* content type.",
      requestBody =
          @RequestBody(
              content = {
                @Content(
                    mediaType = "application/json",
                    schema = @Schema(implementation = UploadRequest.class)),
                @Content(mediaType = "multipart/form-data"),
                @Content(mediaType = "image/*")
              }))
  @PostMapping("/images/{namespace}")
  public UploadResponse upload(@PathVariable String namespace, HttpServletRequest request)
      throws IOException, ServletException {
    String checked = PathNames.namespace(request);
    HostingService.Stored stored;
    // Closing after the hand-over to processing does nothing; before it, it frees the body.
    try (ImageInput image = imageInput(request)) {
      stored = hosting.upload(checked, image);
    }
    return new UploadResponse(
        stored.imageId(),
        baseUrl.of(request) + "/images/" + checked + "/" + stored.imageId(),
        stored.image().width(),
        stored.image().height(),
        stored.image().format().mimeType(),
        stored.image().data().length,
        stored.placeholder().blurhash(),
        stored.placeholder().dominantColor());
  }

  /** The body's image, streamed into native memory whatever its form. */
  private ImageInput imageInput(HttpServletRequest request) throws IOException, ServletException {
    String type = request.getContentType();
    String mediaType = type == null ? "" : type.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    if (mediaType.isEmpty()
        || mediaType.equals("application/json")
        || mediaType.endsWith("+json")) {
      return JsonImageBody.read(request, maxBodyBytes, budget);
    }
    if (mediaType.equals("multipart/form-data")) {
      Part part = request.getPart("file");
      if (part == null) {
        throw ValidationError.of(List.of("body", "file"), "Field required", "missing");
      }
      try (InputStream in = part.getInputStream()) {
        // Tomcat has checked the part against the same limit already.
        return RequestBodies.readImage(in, part.getSize(), maxBodyBytes, budget);
      }
    }
    if (mediaType.startsWith("image/") || mediaType.equals("application/octet-stream")) {
      return RequestBodies.readImage(request, maxBodyBytes, budget);
    }
    throw new ApiException(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "Unsupported Media Type");
  }
}
