package com.imageserving;

import com.imageserving.config.ImagingSettings;
import com.imageserving.imaging.ImageInput;
import com.imageserving.imaging.ImageProcessor;
import com.imageserving.imaging.Placeholder;
import com.imageserving.imaging.ProcessedImage;
import com.imageserving.storage.ImageRead;
import com.imageserving.storage.ImageStore;
import com.imageserving.storage.ImageStore.StorageException;
import com.imageserving.storage.ImageStore.StoredImage;
import com.imageserving.storage.Names;
import com.imageserving.storage.ReadRequest;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Optional;
import org.springframework.stereotype.Service;

/**
 * The hosting use cases: process and store an upload, find, delete. Names are validated by the
 * caller (the API) before they get here.
 */
@Service
public class HostingService {
  private final ImageProcessor processor;
  private final ImageStore store;
  private final ImagingSettings imaging;
  private final MeterRegistry metrics;

  public HostingService(
      ImageProcessor processor, ImageStore store, ImagingSettings imaging, MeterRegistry metrics) {
    this.processor = processor;
    this.store = store;
    this.imaging = imaging;
    this.metrics = metrics;
  }

  /** An upload: shrunk to MAX_UPLOAD_SIZE. Takes ownership of {@code input}, as processing does. */
  public Stored upload(String namespace, ImageInput input) throws StorageException {
    return store(namespace, input, imaging.maxUploadSize());
  }

  /** A fetched image: shrunk to MAX_FETCH_SIZE. Takes ownership of {@code input}. */
  public Stored storeFetched(String namespace, ImageInput input) throws StorageException {
    return store(namespace, input, imaging.maxFetchSize());
  }

  public Optional<StoredImage> find(String namespace, String imageId) throws StorageException {
    return store.find(namespace, imageId);
  }

  /** Finds an image for a GET or HEAD, read in the same request where storage can (S3). */
  public Optional<ImageRead> read(String namespace, String imageId, ReadRequest request)
      throws StorageException {
    return store.read(namespace, imageId, request);
  }

  public java.io.InputStream open(StoredImage image, long offset, long length)
      throws StorageException {
    return store.open(image, offset, length);
  }

  public boolean delete(String namespace, String imageId) throws StorageException {
    boolean deleted = store.delete(namespace, imageId);
    if (deleted) {
      metrics.counter("images.deleted").increment();
    }
    return deleted;
  }

  public int deleteNamespace(String namespace) throws StorageException {
    int deleted = store.deleteNamespace(namespace);
    metrics.counter("images.deleted").increment(deleted);
    return deleted;
  }

  private Stored store(String namespace, ImageInput input, int maxSize) throws StorageException {
    ProcessedImage image = processor.process(input, maxSize);
    String imageId = Names.newImageId();
    String extension = image.format().extension();
    store.save(namespace, imageId, extension, image.data());
    metrics.counter("images.stored", "format", extension).increment();
    metrics.counter("images.stored.bytes", "format", extension).increment(image.data().length);
    return new Stored(imageId, image);
  }

  /** A stored upload: its new id and the processed image. */
  public record Stored(String imageId, ProcessedImage image) {
    /** The placeholder computed with the upload (every upload computes one). */
    public Placeholder placeholder() {
      Placeholder placeholder = image.placeholder();
      if (placeholder == null) {
        throw new IllegalStateException("uploads always compute a placeholder");
      }
      return placeholder;
    }
  }
}
