package com.imageserving;

import com.imageserving.config.FetchSettings;
import com.imageserving.config.ImagingSettings;
import com.imageserving.fetch.FetchException;
import com.imageserving.fetch.ImageFetcher;
import com.imageserving.imaging.ImageInput;
import com.imageserving.imaging.ImageProcessor;
import com.imageserving.imaging.ImageRejectedException;
import com.imageserving.imaging.InputBudget;
import com.imageserving.imaging.InputTooLargeException;
import com.imageserving.imaging.ProcessedImage;
import com.imageserving.storage.ImageStore;
import com.imageserving.storage.ImageStore.ImageGoneException;
import com.imageserving.storage.ImageStore.StorageException;
import com.imageserving.storage.ImageStore.StoredImage;
import com.imageserving.storage.Names;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.stereotype.Service;

/**
 * The fetch use cases: one external image returned as base64, or many fetched and stored. URLs that
 * point at this very service are answered from storage without any network request. Fetched bodies
 * stream straight into native memory ({@link ImageInput}), under the same input budget as uploads.
 */
@Service
public class FetchService {
  private static final Logger log = LoggerFactory.getLogger(FetchService.class);
  private static final Pattern OWN_IMAGE_PATH =
      Pattern.compile("(?:/api)?/images/([^/?#]+)/([^/?#]+)");

  private final ImageFetcher fetcher;
  private final ImageProcessor processor;
  private final ImageStore store;
  private final HostingService hosting;
  private final ImagingSettings imaging;
  private final FetchSettings settings;
  private final InputBudget budget;

  public FetchService(
      ImageFetcher fetcher,
      ImageProcessor processor,
      ImageStore store,
      HostingService hosting,
      ImagingSettings imaging,
      FetchSettings settings,
      InputBudget budget) {
    this.fetcher = fetcher;
    this.processor = processor;
    this.store = store;
    this.hosting = hosting;
    this.imaging = imaging;
    this.settings = settings;
    this.budget = budget;
  }

  /** Bytes and their media type. */
  public record Image(byte[] data, String mimeType) {}

  /** Thrown when an internal URL names an image that is not stored: 404. */
  public static final class NotStoredException extends Exception {
    public NotStoredException() {
      super("Image not found", null, false, false);
    }
  }

  /**
   * One image: our own stored bytes unchanged for an internal URL, otherwise fetched and processed
   * with MAX_FETCH_SIZE.
   */
  public Image fetchOne(String url, @Nullable String pool, String ownBase)
      throws FetchException, StorageException, NotStoredException {
    OwnImage own = ownImage(url, ownBase);
    if (own != null) {
      StoredImage image = find(own);
      return new Image(readAll(image), image.mimeType());
    }
    checkPool(pool);
    ProcessedImage image;
    try (ImageInput input = download(url, pool)) {
      image = processor.process(input, imaging.maxFetchSize());
    } catch (ImageRejectedException e) {
      throw notAnImage(e);
    }
    return new Image(image.data(), image.format().mimeType());
  }

  /** Outcome of a batch: our URL per source URL, and a reason for each one that failed. */
  public record Batch(Map<String, String> urls, Map<String, String> errors) {}

  /** Fetches each distinct URL once, at most PROXY_CONCURRENCY at a time, and stores it. */
  public Batch fetchAndStore(
      String namespace, List<String> urls, @Nullable String pool, String ownBase)
      throws FetchException {
    checkPool(pool);
    List<String> distinct = new ArrayList<>(new LinkedHashSet<>(urls));
    Semaphore permits = new Semaphore(settings.proxyConcurrency());
    Map<String, Future<String>> results = new LinkedHashMap<>();
    Map<String, String> context = MDC.getCopyOfContextMap();
    try (ExecutorService tasks = Executors.newVirtualThreadPerTaskExecutor()) {
      for (String url : distinct) {
        results.put(
            url,
            tasks.submit(() -> {
              if (context != null) {
                MDC.setContextMap(context); // log lines keep the request id
              }
              permits.acquire();
              try {
                return storeOne(namespace, url, pool, ownBase);
              } finally {
                permits.release();
              }
            }));
      }
    }
    Map<String, String> stored = new LinkedHashMap<>();
    Map<String, String> errors = new LinkedHashMap<>();
    results.forEach((url, future) -> {
      try {
        stored.put(url, future.get());
      } catch (ExecutionException e) {
        errors.put(url, reason(e.getCause()));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        errors.put(url, "Interrupted");
      }
    });
    return new Batch(stored, errors);
  }

  private String storeOne(String namespace, String url, @Nullable String pool, String ownBase)
      throws Exception {
    OwnImage own = ownImage(url, ownBase);
    HostingService.Stored stored;
    // Closing after the hand-over to processing does nothing; before it, it frees the body.
    try (ImageInput input = own != null ? input(find(own)) : download(url, pool)) {
      stored = hosting.storeFetched(namespace, input);
    } catch (ImageRejectedException e) {
      throw notAnImage(e);
    }
    return ownBase + "/images/" + namespace + "/" + stored.imageId();
  }

  /** The body of {@code url}, streamed into native memory; the caller owns it. */
  private ImageInput download(String url, @Nullable String pool) throws FetchException {
    return fetcher.fetch(url, pool, this::intoNativeMemory).body();
  }

  /** A fetched body as it arrives; the fetcher has bounded it by MAX_FETCH_BYTES already. */
  private ImageInput intoNativeMemory(InputStream body, long declaredLength, long limit)
      throws IOException {
    try {
      return ImageInput.read(body, declaredLength, limit, budget);
    } catch (InputTooLargeException e) {
      // More than its Content-Length, which OkHttp does not let through: a broken exchange.
      throw new IOException("Body longer than declared", e);
    }
  }

  /** A stored image of ours, streamed into native memory like a fetched one. */
  private ImageInput input(StoredImage image) throws StorageException, NotStoredException {
    try (InputStream in = store.open(image, 0, image.size())) {
      return ImageInput.readStored(in, image.size(), budget);
    } catch (IOException e) {
      throw readFailure(image, e);
    }
  }

  private static FetchException notAnImage(ImageRejectedException e) {
    return new FetchException(
        FetchException.Kind.FAILED, "Fetched content is not a supported image: " + e.getMessage());
  }

  private void checkPool(@Nullable String pool) throws FetchException {
    if (pool != null && !fetcher.hasPool(pool)) {
      throw new FetchException(FetchException.Kind.UNKNOWN_POOL, "Unknown proxy pool: " + pool);
    }
  }

  /** An image of this very service named by a URL. */
  private record OwnImage(String namespace, String imageId) {}

  /**
   * The image a URL names when it is one of ours, else null. Ours: a path-only URL, or the same
   * scheme, host and port as the request's base, with the path /images/{ns}/{id} or
   * /api/images/{ns}/{id}.
   */
  private static @Nullable OwnImage ownImage(String url, String ownBase) {
    URI uri;
    try {
      uri = new URI(url.strip());
    } catch (URISyntaxException e) {
      return null;
    }
    boolean pathOnly = uri.getScheme() == null && uri.getRawAuthority() == null;
    String path = uri.getRawPath();
    if ((!pathOnly && !sameOrigin(uri, ownBase)) || path == null) {
      return null;
    }
    Matcher m = OWN_IMAGE_PATH.matcher(path);
    return m.matches() ? new OwnImage(m.group(1), m.group(2)) : null;
  }

  private StoredImage find(OwnImage own) throws StorageException, NotStoredException {
    if (!Names.validNamespace(own.namespace()) || !Names.validImageId(own.imageId())) {
      throw new NotStoredException();
    }
    return store.find(own.namespace(), own.imageId()).orElseThrow(NotStoredException::new);
  }

  private static boolean sameOrigin(URI uri, String ownBase) {
    URI base = URI.create(ownBase);
    return uri.getScheme() != null
        && uri.getHost() != null
        && uri.getScheme().equalsIgnoreCase(base.getScheme())
        && uri.getHost().toLowerCase(Locale.ROOT).equals(base.getHost().toLowerCase(Locale.ROOT))
        && port(uri) == port(base);
  }

  private static int port(URI uri) {
    if (uri.getPort() != -1) {
      return uri.getPort();
    }
    return "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
  }

  private byte[] readAll(StoredImage image) throws StorageException, NotStoredException {
    try (InputStream in = store.open(image, 0, image.size())) {
      byte[] data = in.readAllBytes();
      if (data.length != image.size()) {
        throw new EOFException(
            "Stored image gave " + data.length + " of its " + image.size() + " bytes");
      }
      return data;
    } catch (IOException e) {
      throw readFailure(image, e);
    }
  }

  /**
   * A read of a stored image that failed or came back short: the image was deleted since it was
   * found (404, as if never found), else a storage failure.
   */
  private StorageException readFailure(StoredImage image, IOException e)
      throws NotStoredException, StorageException {
    StorageException failure = store.readFailure(image, e);
    if (failure instanceof ImageGoneException) {
      throw new NotStoredException();
    }
    return failure;
  }

  private static String reason(@Nullable Throwable error) {
    if (error instanceof FetchException e) {
      return e.kind() == FetchException.Kind.INVALID_URL
          ? "Invalid url"
          : String.valueOf(e.getMessage());
    }
    if (error instanceof NotStoredException
        || error instanceof ImageRejectedException
        || error instanceof StorageException) {
      return String.valueOf(error.getMessage());
    }
    if (error instanceof com.imageserving.imaging.ProcessingOverloadedException) {
      return "Image processing capacity exhausted";
    }
    log.error("unexpected error while fetching", error);
    return "Internal error";
  }
}
