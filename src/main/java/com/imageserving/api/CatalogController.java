package com.imageserving.api;

import com.imageserving.catalog.CatalogService;
import com.imageserving.catalog.CatalogService.InvalidCursorException;
import com.imageserving.catalog.CatalogService.Page;
import com.imageserving.catalog.ImageInfo;
import com.imageserving.catalog.InfoService;
import com.imageserving.storage.ImageStore.StorageException;
import com.imageserving.storage.ImageStore.StoredImage;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /images} and {@code GET /images/{namespace}}: what is stored, page by page. Image ids
 * work as unguessable links, so with API_KEYS set these need a key (see {@link ApiKeyFilter}). And
 * {@code GET /images/{namespace}/{image_id}/info}, public like the image itself.
 */
@RestController
@Tag(name = "catalog")
public class CatalogController {
  private static final String LIMIT_HELP = "page size, 1 to 1000 (default 100)";
  private static final String AFTER_HELP = "the `next` cursor of the previous page";

  private final CatalogService catalog;
  private final InfoService infos;
  private final BaseUrl baseUrl;

  public CatalogController(CatalogService catalog, InfoService infos, BaseUrl baseUrl) {
    this.catalog = catalog;
    this.infos = infos;
    this.baseUrl = baseUrl;
  }

  /** A page of namespaces. */
  public record NamespacePage(
      List<String> namespaces,
      @Schema(description = "cursor of the next page; null on the last", nullable = true)
          @Nullable String next) {}

  /** A listed image. */
  public record ListedImage(
      String imageId,
      @Schema(description = "the image's URL, as the upload answered it") String url,
      String mimeType,
      long size,
      @Schema(description = "ISO-8601 UTC, to the second", example = "2026-12-04T13:42:27Z")
          String lastModified) {}

  /** A page of a namespace's images. */
  public record ImagePage(
      List<ListedImage> images,
      @Schema(description = "cursor of the next page; null on the last", nullable = true)
          @Nullable String next) {}

  @Operation(
      security = {@SecurityRequirement(name = "bearer"), @SecurityRequirement(name = "apiKey")},
      summary = "List namespaces",
      description =
          "In name order (as S3 orders the keys), page by page: pass `next` as `after` until it"
              + " is null. A page may hold fewer than `limit` even when more follow.")
  @GetMapping("/images")
  public NamespacePage namespaces(
      @Parameter(description = LIMIT_HELP) @RequestParam(required = false) @Nullable String limit,
      @Parameter(description = AFTER_HELP) @RequestParam(required = false) @Nullable String after)
      throws StorageException {
    Page<String> page = list(() -> catalog.namespaces(cursor(after), limit(limit)));
    return new NamespacePage(page.items(), page.next());
  }

  @Operation(
      security = {@SecurityRequirement(name = "bearer"), @SecurityRequirement(name = "apiKey")},
      summary = "List a namespace's images",
      description =
          "In id order (as S3 orders the keys), page by page: pass `next` as `after` until it is"
              + " null. An unknown namespace is an empty list. Variants are never listed.")
  @GetMapping("/images/{namespace}")
  public ImagePage images(
      @PathVariable String namespace,
      @Parameter(description = LIMIT_HELP) @RequestParam(required = false) @Nullable String limit,
      @Parameter(description = AFTER_HELP) @RequestParam(required = false) @Nullable String after,
      HttpServletRequest request)
      throws StorageException {
    String checked = PathNames.namespace(request);
    Page<StoredImage> page = list(() -> catalog.images(checked, cursor(after), limit(limit)));
    String base = baseUrl.of(request) + "/images/" + checked + "/";
    List<ListedImage> images =
        page.items().stream()
            .map(image ->
                new ListedImage(
                    image.imageId(),
                    base + image.imageId(),
                    image.mimeType(),
                    image.size(),
                    timestamp(image.lastModified())))
            .toList();
    return new ImagePage(images, page.next());
  }

  /** An image's info. */
  public record InfoResponse(
      String imageId,
      @Schema(description = "the image's URL, as the upload answered it") String url,
      int width,
      int height,
      String mimeType,
      long size,
      @Schema(description = "the strong ETag the image is served with") String etag,
      @Schema(description = "ISO-8601 UTC, to the second", example = "2026-12-04T13:42:27Z")
          String lastModified,
      @Schema(description = "BlurHash, 4×3 components", example = "LEHV6nWB2yk8pyo0adR*.7kCMdnj")
          String blurhash,
      @Schema(description = "the most common colour, #rrggbb", example = "#a0b1c2")
          String dominantColor) {}

  @Operation(
      summary = "An image's size, type, validators and placeholders",
      description =
          "BlurHash (4×3 components) and dominant colour are computed from a small rendition on"
              + " the first request, then kept with the image's variants.")
  @GetMapping("/images/{namespace}/{image_id}/info")
  public InfoResponse info(
      @PathVariable String namespace,
      @PathVariable("image_id") String imageId,
      HttpServletRequest request)
      throws StorageException {
    String checkedNamespace = PathNames.namespace(request);
    String checkedId = PathNames.imageId(request);
    ImageInfo info = infos.info(checkedNamespace, checkedId).orElseThrow(ServeController::notFound);
    StoredImage image = info.image();
    return new InfoResponse(
        checkedId,
        baseUrl.of(request) + "/images/" + checkedNamespace + "/" + checkedId,
        info.width(),
        info.height(),
        image.mimeType(),
        image.size(),
        image.etag(),
        timestamp(image.lastModified()),
        info.blurhash(),
        info.dominantColor());
  }

  /** ISO-8601 in UTC to the second, e.g. {@code 2026-12-04T13:42:27Z}. */
  static String timestamp(Instant instant) {
    return DateTimeFormatter.ISO_INSTANT.format(instant.truncatedTo(ChronoUnit.SECONDS));
  }

  private interface Listing<T> {
    Page<T> get() throws StorageException;
  }

  private static <T> Page<T> list(Listing<T> listing) throws StorageException {
    try {
      return listing.get();
    } catch (InvalidCursorException e) {
      throw new ApiException(HttpStatus.BAD_REQUEST, "Invalid cursor");
    }
  }

  /** An empty {@code after=} is the first page, as when it is absent. */
  private static @Nullable String cursor(@Nullable String after) {
    return after == null || after.isEmpty() ? null : after;
  }

  private static int limit(@Nullable String value) {
    if (value == null) {
      return CatalogService.DEFAULT_LIMIT;
    }
    try {
      int limit = Integer.parseInt(value.strip());
      if (limit >= 1 && limit <= CatalogService.MAX_LIMIT) {
        return limit;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw new ApiException(HttpStatus.BAD_REQUEST, "limit must be an integer from 1 to 1000");
  }
}
