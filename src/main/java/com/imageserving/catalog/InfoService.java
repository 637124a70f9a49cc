package com.imageserving.catalog;

import com.imageserving.imaging.ImageInput;
import com.imageserving.imaging.ImageProcessor;
import com.imageserving.imaging.ImageRejectedException;
import com.imageserving.imaging.ImageSummary;
import com.imageserving.imaging.InputBudget;
import com.imageserving.storage.ImageStore;
import com.imageserving.storage.ImageStore.OriginalDeletedException;
import com.imageserving.storage.ImageStore.StorageException;
import com.imageserving.storage.ImageStore.StoredImage;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * An image's info: size, BlurHash and dominant colour. Computed from a small rendition on the first
 * request, then kept beside the image's variants as a JSON sidecar (see {@link
 * ImageStore#saveInfo}), so that it is computed once and deleted with the image.
 */
@Service
public class InfoService {
  private static final Logger log = LoggerFactory.getLogger(InfoService.class);
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final Pattern COLOUR = Pattern.compile("#[0-9a-f]{6}");
  private static final int VERSION = 1;

  private final ImageStore store;
  private final ImageProcessor processor;
  private final InputBudget budget;

  public InfoService(ImageStore store, ImageProcessor processor, InputBudget budget) {
    this.store = store;
    this.processor = processor;
    this.budget = budget;
  }

  /** The info, or empty when there is no such image (or it was deleted meanwhile). */
  public Optional<ImageInfo> info(String namespace, String imageId) throws StorageException {
    Optional<StoredImage> found = store.find(namespace, imageId);
    if (found.isEmpty()) {
      return Optional.empty();
    }
    StoredImage image = found.get();
    Optional<byte[]> kept = store.readInfo(namespace, imageId);
    if (kept.isPresent()) {
      ImageInfo parsed = parse(kept.get(), image);
      if (parsed != null) {
        return Optional.of(parsed);
      }
    }
    ImageSummary summary;
    try {
      summary = summarize(image);
    } catch (ImageStore.ImageGoneException e) {
      return Optional.empty();
    }
    ImageInfo info =
        new ImageInfo(
            image,
            summary.width(),
            summary.height(),
            summary.placeholder().blurhash(),
            summary.placeholder().dominantColor());
    try {
      store.saveInfo(namespace, imageId, serialise(info));
    } catch (OriginalDeletedException e) {
      return Optional.empty();
    } catch (StorageException e) {
      // Computed all the same: the next request computes it again.
      log.warn("could not keep the info of {}/{}: {}", namespace, imageId, e.getMessage());
    }
    return Optional.of(info);
  }

  private ImageSummary summarize(StoredImage image) throws StorageException {
    ImageInput input;
    try (InputStream in = store.open(image, 0, image.size())) {
      input = ImageInput.readStored(in, image.size(), budget);
    } catch (IOException e) {
      throw store.readFailure(image, e); // gone (a delete came meanwhile), or a storage failure
    }
    // summarize takes the input over; closing it afterwards does nothing.
    try (ImageInput owned = input) {
      return processor.summarize(owned);
    } catch (ImageRejectedException e) {
      // A delete racing the read can leave bytes that are no image (see VariantService.render).
      if (store.find(image.namespace(), image.imageId()).isEmpty()) {
        throw new ImageStore.ImageGoneException(image.namespace(), image.imageId(), e);
      }
      throw e;
    }
  }

  /**
   * The kept info when it is one of ours for this very image (its ETag); null otherwise, and then
   * it is computed and written again.
   */
  private static @Nullable ImageInfo parse(byte[] json, StoredImage image) {
    try {
      JsonNode node = JSON.readTree(json);
      if (node.path("version").asInt() != VERSION
          || !image.etag().equals(node.path("etag").asString(""))) {
        return null;
      }
      int width = node.path("width").asInt();
      int height = node.path("height").asInt();
      String blurhash = node.path("blurhash").asString("");
      String colour = node.path("dominant_color").asString("");
      if (width < 1 || height < 1 || blurhash.length() < 6 || !COLOUR.matcher(colour).matches()) {
        return null;
      }
      return new ImageInfo(image, width, height, blurhash, colour);
    } catch (JacksonException e) {
      return null;
    }
  }

  private static byte[] serialise(ImageInfo info) {
    ObjectNode node = JSON.createObjectNode();
    node.put("version", VERSION);
    node.put("etag", info.image().etag());
    node.put("width", info.width());
    node.put("height", info.height());
    node.put("blurhash", info.blurhash());
    node.put("dominant_color", info.dominantColor());
    return JSON.writeValueAsBytes(node);
  }
}
