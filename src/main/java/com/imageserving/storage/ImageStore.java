package com.imageserving.storage;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Where images live: the local disk or an S3 bucket. The only code that touches files or buckets.
 * Names handed in are already validated by the caller (see {@link Names}).
 */
public interface ImageStore {

  /** Stores bytes atomically and durably: once this returns, the image survives a crash. */
  StoredImage save(String namespace, String imageId, String extension, byte[] data)
      throws StorageException;

  /** Finds an image by id whatever its extension; empty when there is none. */
  Optional<StoredImage> find(String namespace, String imageId) throws StorageException;

  /** Opens the bytes of a found image from {@code offset}, {@code length} bytes long. */
  InputStream open(StoredImage image, long offset, long length) throws StorageException;

  /** Deletes one image; false when it was not there. */
  boolean delete(String namespace, String imageId) throws StorageException;

  /** Deletes every image of a namespace and the namespace itself; returns how many. */
  int deleteNamespace(String namespace) throws StorageException;

  /** Throws {@link StorageException} with a reason when the backend cannot be used right now. */
  void checkReady() throws StorageException;

  /**
   * A stored image's metadata. {@code file} is set by the local backend so the server can send it
   * zero-copy; {@code etag} is a strong validator (quoted).
   */
  record StoredImage(
      String namespace,
      String imageId,
      String extension,
      String mimeType,
      long size,
      Instant lastModified,
      String etag,
      @Nullable Path file) {}

  /** Storage failed or is unreachable; the API answers 500 (write) or 503 (unreachable). */
  class StorageException extends IOException {
    private final boolean unavailable;

    public StorageException(String message, @Nullable Throwable cause, boolean unavailable) {
      super(message, cause);
      this.unavailable = unavailable;
    }

    /** True when the backend is unreachable (answer 503), false for a failed operation. */
    public boolean unavailable() {
      return unavailable;
    }
  }
}
