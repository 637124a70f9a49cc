package com.imageserving.catalog;

import com.imageserving.storage.ImageStore;
import com.imageserving.storage.ImageStore.Listing;
import com.imageserving.storage.ImageStore.StorageException;
import com.imageserving.storage.ImageStore.StoredImage;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;

/**
 * What is stored: namespaces and images page by page, each page one storage listing (S3: one
 * ListObjectsV2). Names are validated by the caller; cursors are checked here.
 */
@Service
public class CatalogService {
  public static final int DEFAULT_LIMIT = 100;
  public static final int MAX_LIMIT = 1000;

  private final ImageStore store;

  public CatalogService(ImageStore store) {
    this.store = store;
  }

  /** A page of namespace names; {@code next} is the cursor of the next page, null at the end. */
  public Page<String> namespaces(@Nullable String after, int limit) throws StorageException {
    Listing<String> listing =
        store.listNamespaces(position(Cursor.NAMESPACES, after), checked(limit));
    return new Page<>(listing.items(), cursor(Cursor.NAMESPACES, listing.next()));
  }

  /** A page of a namespace's images (an unknown namespace is an empty last page). */
  public Page<StoredImage> images(String namespace, @Nullable String after, int limit)
      throws StorageException {
    Listing<StoredImage> listing =
        store.listImages(namespace, position(Cursor.IMAGES, after), checked(limit));
    return new Page<>(listing.items(), cursor(Cursor.IMAGES, listing.next()));
  }

  /** A page of a listing with the opaque cursor of the next one (null: this is the last). */
  public record Page<T>(java.util.List<T> items, @Nullable String next) {}

  private static @Nullable String position(Cursor kind, @Nullable String after) {
    if (after == null) {
      return null;
    }
    return kind.decode(after).orElseThrow(InvalidCursorException::new);
  }

  private static @Nullable String cursor(Cursor kind, @Nullable String position) {
    return position == null ? null : kind.encode(position);
  }

  private static int checked(int limit) {
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new IllegalArgumentException("limit out of range: " + limit);
    }
    return limit;
  }

  /** A cursor this service did not make: the API answers 400 Invalid cursor. */
  public static final class InvalidCursorException extends RuntimeException {
    public InvalidCursorException() {
      super("Invalid cursor", null, false, false);
    }
  }
}
