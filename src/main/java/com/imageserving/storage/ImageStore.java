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
 *
 * <p>Besides the originals, a store keeps rendered variants of them, each under a key (see {@link
 * Names#validVariantKey}) and an extension. Variants live apart from the originals (their own
 * folder or key prefix): they are never found, listed or counted as images, and deleting an image
 * or a namespace deletes them too.
 */
public interface ImageStore {

  /** Stores bytes atomically and durably: once this returns, the image survives a crash. */
  StoredImage save(String namespace, String imageId, String extension, byte[] data)
      throws StorageException;

  /** Finds an image by id whatever its extension; empty when there is none. */
  Optional<StoredImage> find(String namespace, String imageId) throws StorageException;

  /**
   * Finds an image for a GET or HEAD and, where the backend can do both in one request (S3: a
   * GetObject or HeadObject of the configured output format's key, with the client's validators and
   * range), reads it too; see {@link ImageRead}. Empty when there is none. The local backend only
   * finds it.
   */
  default Optional<ImageRead> read(String namespace, String imageId, ReadRequest request)
      throws StorageException {
    return find(namespace, imageId).map(ImageRead::found);
  }

  /**
   * A kept variant for a GET or HEAD, like {@link #read}: S3 reads it in one request, since its key
   * is known. Pass {@link ReadRequest#forVariant()}.
   *
   * @throws IllegalArgumentException a name, key or extension is not valid
   */
  default Optional<ImageRead> readVariant(
      String namespace, String imageId, String key, String extension, ReadRequest request)
      throws StorageException {
    return findVariant(namespace, imageId, key, extension).map(ImageRead::found);
  }

  /**
   * Opens the bytes of a found (or saved) image or variant from {@code offset}, {@code length}
   * bytes long.
   */
  InputStream open(StoredImage image, long offset, long length) throws StorageException;

  /**
   * What a failed (or short) read of a found image was: {@link ImageGoneException} when the image
   * is gone now, a delete having come between finding and reading it; else a storage failure.
   */
  default StorageException readFailure(StoredImage image, IOException cause)
      throws StorageException {
    if (cause instanceof ImageGoneException gone) {
      return gone;
    }
    if (find(image.namespace(), image.imageId()).isEmpty()) {
      return new ImageGoneException(image.namespace(), image.imageId(), cause);
    }
    return cause instanceof StorageException storage
        ? storage
        : new StorageException("Failed to read image", cause, false);
  }

  /**
   * Deletes one image, then its variants (in that order, so that a variant saved meanwhile is
   * either deleted here or finds its original gone, see {@link #saveVariant}); false when the image
   * was not there. Variants are deleted even then, which clears any left by an interrupted delete.
   */
  boolean delete(String namespace, String imageId) throws StorageException;

  /**
   * Deletes every image of a namespace, then all their variants, and the namespace itself; returns
   * how many images (variants are not counted).
   */
  int deleteNamespace(String namespace) throws StorageException;

  /**
   * A kept variant; empty when there is none. Costs one lookup (S3: one HEAD, never a listing) and
   * does not look at the original. The result has {@link StoredImage#variantKey} set, and {@link
   * #open} reads it.
   *
   * @throws IllegalArgumentException a name, key or extension is not valid
   */
  Optional<StoredImage> findVariant(String namespace, String imageId, String key, String extension)
      throws StorageException;

  /**
   * Keeps a rendered variant, atomically and durably like {@link #save} (replacing one with the
   * same key and extension), and returns it as {@link #findVariant} will find it.
   *
   * <p>A delete of the image may run while its variant is rendered. So after writing, this checks
   * that the original still exists; if not, it removes the variant again and throws {@link
   * OriginalDeletedException}, which the caller answers like a missing image (404). Together with
   * {@link #delete} removing the original before the variants, no variant outlives its original.
   *
   * @throws OriginalDeletedException the original was deleted meanwhile; nothing is kept
   * @throws IllegalArgumentException a name, key or extension is not valid
   */
  StoredImage saveVariant(
      String namespace, String imageId, String key, String extension, byte[] data)
      throws StorageException;

  /**
   * The image's info sidecar: a small JSON document kept beside its variants (local {@code
   * variants/{ns}/{id}/info.json}, S3 {@code {variantsPrefix}/{ns}/{id}/info.json}); empty when
   * none is kept. It is no variant: never counted, found or served as one. Costs one read (S3: one
   * GET).
   */
  Optional<byte[]> readInfo(String namespace, String imageId) throws StorageException;

  /**
   * Keeps the info sidecar, atomically and durably, and like {@link #saveVariant} never beyond its
   * image: deleted with the image's variants, and removed again when a delete of the image raced
   * this write.
   *
   * @throws OriginalDeletedException the image was deleted meanwhile; nothing is kept
   */
  void saveInfo(String namespace, String imageId, byte[] json) throws StorageException;

  /**
   * How many variants are kept for this image (for MAX_VARIANTS_PER_IMAGE). S3: one listing per
   * thousand variants.
   */
  int countVariants(String namespace, String imageId) throws StorageException;

  /**
   * One page of namespaces in the order S3 lists them (the key {@code {namespace}/}, UTF-8 byte
   * order, on both backends), from {@code after} on (a {@link Listing#next} of an earlier page, an
   * S3 StartAfter relative to the prefix; null for the first). At most {@code limit} names, maybe
   * fewer even when more follow (S3: one ListObjectsV2 page, which may hold keys that are no
   * namespace). Variants are never listed as a namespace.
   */
  Listing<String> listNamespaces(@Nullable String after, int limit) throws StorageException;

  /**
   * One page of a namespace's images in key order ({@code {image_id}.{ext}}, UTF-8 byte order),
   * those after {@code after} (a {@link Listing#next}; null for the first), like {@link
   * #listNamespaces}. An unknown namespace is an empty page. Variants are never listed.
   */
  Listing<StoredImage> listImages(String namespace, @Nullable String after, int limit)
      throws StorageException;

  /**
   * A page of a listing: {@code next}, when not null, is where the next page starts (pass it as
   * {@code after}); null when this page is the last.
   */
  record Listing<T>(java.util.List<T> items, @Nullable String next) {}

  /** Throws {@link StorageException} with a reason when the backend cannot be used right now. */
  void checkReady() throws StorageException;

  /**
   * A stored image's (or variant's) metadata. {@code file} is set by the local backend so the
   * server can send it zero-copy; {@code etag} is a strong validator (quoted); {@code variantKey}
   * is set for a variant of the image, null for the original.
   */
  record StoredImage(
      String namespace,
      String imageId,
      String extension,
      String mimeType,
      long size,
      Instant lastModified,
      String etag,
      @Nullable Path file,
      @Nullable String variantKey) {

    /** An original image. */
    public StoredImage(
        String namespace,
        String imageId,
        String extension,
        String mimeType,
        long size,
        Instant lastModified,
        String etag,
        @Nullable Path file) {
      this(namespace, imageId, extension, mimeType, size, lastModified, etag, file, null);
    }

    public boolean isVariant() {
      return variantKey != null;
    }
  }

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

  /**
   * {@link #saveVariant} found the original deleted after writing the variant (a delete raced the
   * render) and removed the variant again: answer as for a missing image.
   */
  class OriginalDeletedException extends StorageException {
    public OriginalDeletedException(String namespace, String imageId) {
      super(
          "Image " + namespace + "/" + imageId + " was deleted while its variant was saved",
          null,
          false);
    }
  }

  /**
   * The image (or kept variant) was deleted between {@link #find} and {@link #open}: a delete raced
   * the read. Answer as for a missing image.
   */
  class ImageGoneException extends StorageException {
    public ImageGoneException(String namespace, String imageId, @Nullable Throwable cause) {
      super("Image " + namespace + "/" + imageId + " was deleted while being read", cause, false);
    }
  }
}
