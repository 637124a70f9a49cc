package com.imageserving.variants;

import com.imageserving.config.ImagingSettings;
import com.imageserving.config.OutputFormat;
import com.imageserving.config.VariantSettings;
import com.imageserving.imaging.ImageInput;
import com.imageserving.imaging.ImageProcessor;
import com.imageserving.imaging.ImageRejectedException;
import com.imageserving.imaging.InputBudget;
import com.imageserving.imaging.ProcessedImage;
import com.imageserving.imaging.RenderSpec;
import com.imageserving.storage.ImageRead;
import com.imageserving.storage.ImageStore;
import com.imageserving.storage.ImageStore.ImageGoneException;
import com.imageserving.storage.ImageStore.OriginalDeletedException;
import com.imageserving.storage.ImageStore.StorageException;
import com.imageserving.storage.ImageStore.StoredImage;
import com.imageserving.storage.ReadRequest;
import com.imageserving.variants.Variant.Outcome;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/**
 * Serves variants of stored images: a kept one straight from storage (no render, and no look-up of
 * the original when the URL names the format), else rendered once per key on this instance —
 * concurrent requests for the same variant wait for the one render — and kept unless the image has
 * MAX_VARIANTS_PER_IMAGE already or VARIANT_CACHE is off.
 */
@Service
public class VariantService {
  private static final Logger log = LoggerFactory.getLogger(VariantService.class);
  private static final int LOCK_STRIPES = 64;

  private final ImageStore store;
  private final ImageProcessor processor;
  private final InputBudget budget;
  private final VariantSettings settings;
  private final VariantKeys keys;
  private final int defaultQuality;
  private final MeterRegistry metrics;
  private final Map<Outcome, Counter> served = new EnumMap<>(Outcome.class);
  private final Map<String, CompletableFuture<Variant>> inFlight = new ConcurrentHashMap<>();
  // Counting and keeping is one step per image on this instance, so the cap holds here.
  private final ReentrantLock[] keepLocks = new ReentrantLock[LOCK_STRIPES];

  public VariantService(
      ImageStore store,
      ImageProcessor processor,
      InputBudget budget,
      VariantSettings settings,
      ImagingSettings imaging,
      MeterRegistry metrics) {
    this.store = store;
    this.processor = processor;
    this.budget = budget;
    this.settings = settings;
    this.keys = new VariantKeys(settings.maxResultDimension());
    this.defaultQuality = imaging.outputQuality();
    this.metrics = metrics;
    for (Outcome outcome : Outcome.values()) {
      served.put(
          outcome,
          Counter.builder("variants.served")
              .description("Variant requests answered, by how")
              .tag("outcome", outcome.tag())
              .register(metrics));
    }
    for (int i = 0; i < LOCK_STRIPES; i++) {
      keepLocks[i] = new ReentrantLock();
    }
  }

  /**
   * The variant of a stored image, kept or rendered.
   *
   * @param accept the request's Accept header, for AUTO_AVIF / AUTO_WEBP
   * @throws VariantException 404 for an expired URL or an unknown image
   * @throws com.imageserving.imaging.ProcessingOverloadedException the render pool is full (503)
   * @throws com.imageserving.imaging.ImageRejectedException the stored image cannot be decoded
   */
  public Variant serve(ImageRef image, VariantOptions options, @Nullable String accept)
      throws StorageException {
    return serve(image, options, accept, ReadRequest.GET);
  }

  /**
   * The same for a GET or HEAD with its range: a kept variant is then read from storage in the one
   * request that finds it (S3: one GetObject, or HeadObject, of its key).
   */
  public Variant serve(
      ImageRef image, VariantOptions options, @Nullable String accept, ReadRequest request)
      throws StorageException {
    return serve(image, options, accept, request, false);
  }

  /**
   * What {@link #kept} found: the kept variant, else whether storage was asked and had none.
   *
   * @param missed storage was asked for the kept variant and has none (pass it on to {@link
   *     #serve(ImageRef, VariantOptions, String, ReadRequest, boolean)})
   */
  public record KeptLookup(@Nullable Variant variant, boolean missed) {
    private static final KeptLookup NOT_LOOKED_UP = new KeptLookup(null, false);
    private static final KeptLookup MISSED = new KeptLookup(null, true);
  }

  /**
   * The kept variant, if there is one and finding it needs no look-up of the original: for the
   * filter that serves kept variants without Spring MVC's dispatch. Nothing for everything else (an
   * expired URL, VARIANT_CACHE off, a format that is the stored image's own, a miss), which {@link
   * #serve(ImageRef, VariantOptions, String, ReadRequest, boolean)} then answers as usual.
   */
  public KeptLookup kept(
      ImageRef image, VariantOptions options, @Nullable String accept, ReadRequest request)
      throws StorageException {
    if (expired(options) || !settings.variantCache()) {
      return KeptLookup.NOT_LOOKED_UP;
    }
    OutputFormat format = options.format() != null ? options.format() : negotiated(accept);
    if (format == null) {
      return KeptLookup.NOT_LOOKED_UP;
    }
    int quality = options.quality() > 0 ? options.quality() : defaultQuality;
    String key = keys.of(options.with(format, quality));
    Optional<ImageRead> kept =
        store.readVariant(
            image.namespace(), image.imageId(), key, format.extension(), request.forVariant());
    if (kept.isEmpty()) {
      return KeptLookup.MISSED;
    }
    return new KeptLookup(
        count(kept(image, key, kept.get(), Outcome.HIT, varyAccept(options))), false);
  }

  /**
   * The same, after {@link #kept} found nothing: {@code keptMissed} skips asking storage for the
   * kept variant a second time (S3: one GetObject less).
   */
  public Variant serve(
      ImageRef image,
      VariantOptions options,
      @Nullable String accept,
      ReadRequest request,
      boolean keptMissed)
      throws StorageException {
    if (expired(options)) {
      throw VariantException.expired();
    }
    boolean varyAccept = varyAccept(options);
    OutputFormat format = options.format() != null ? options.format() : negotiated(accept);
    StoredImage original = null;
    if (format == null) {
      original = original(image);
      format = storedFormat(original);
    }
    int quality = options.quality() > 0 ? options.quality() : defaultQuality;
    VariantOptions resolved = options.with(format, quality);
    String key = keys.of(resolved);

    if (settings.variantCache() && !keptMissed) {
      Optional<ImageRead> kept =
          store.readVariant(
              image.namespace(), image.imageId(), key, format.extension(), request.forVariant());
      if (kept.isPresent()) {
        return count(kept(image, key, kept.get(), Outcome.HIT, varyAccept));
      }
    }
    String flight = image.namespace() + "/" + image.imageId() + "/" + key;
    CompletableFuture<Variant> mine = new CompletableFuture<>();
    CompletableFuture<Variant> running = inFlight.putIfAbsent(flight, mine);
    if (running != null) {
      return count(await(running).withOutcome(Outcome.COALESCED, varyAccept));
    }
    try {
      Variant made = make(image, original, resolved, key);
      mine.complete(made);
      return count(made.withOutcome(made.outcome(), varyAccept));
    } catch (Throwable e) {
      mine.completeExceptionally(e);
      throw e;
    } finally {
      inFlight.remove(flight, mine);
    }
  }

  private static boolean expired(VariantOptions options) {
    return options.expires() != null && Instant.now().getEpochSecond() > options.expires();
  }

  /** Whether the answer depends on Accept: AUTO formats on, and no format in the URL. */
  private boolean varyAccept(VariantOptions options) {
    return options.format() == null && (settings.autoAvif() || settings.autoWebp());
  }

  /** Renders (unless a render that finished meanwhile kept it), then keeps it if allowed. */
  private Variant make(
      ImageRef image, @Nullable StoredImage knownOriginal, VariantOptions resolved, String key)
      throws StorageException {
    OutputFormat format = Objects.requireNonNull(resolved.format());
    if (settings.variantCache()) {
      // Between this request's miss and its turn, another render may have kept it.
      Optional<StoredImage> kept = findKept(image, key, format);
      if (kept.isPresent()) {
        return kept(image, key, ImageRead.found(kept.get()), Outcome.HIT, false);
      }
    }
    RenderSpec spec =
        resolved.toRenderSpec(format, resolved.quality(), settings.maxResultDimension());
    ProcessedImage rendered;
    StoredImage original;
    // Found and read in one request (S3: one GetObject), unless the format needed it found first.
    try (ImageRead read =
        knownOriginal != null ? ImageRead.found(knownOriginal) : readOriginal(image)) {
      original = read.image();
      rendered = render(read, spec);
    } catch (StorageException e) {
      throw e;
    } catch (IOException e) {
      throw new StorageException("Failed to read image", e, false);
    }
    byte[] data = rendered.data();
    if (settings.variantCache() && settings.maxVariantsPerImage() > 0) {
      StoredImage saved = keep(image, key, rendered);
      if (saved != null) {
        // Kept, and answered from the bytes at hand rather than read back from storage.
        Variant kept = kept(image, key, ImageRead.found(saved), Outcome.RENDERED, false);
        return new Variant(
            kept.mimeType(),
            data.length,
            kept.lastModified(),
            kept.etag(),
            ImageRead.found(saved),
            data,
            false,
            Outcome.RENDERED);
      }
    }
    String etag = etag(image, key, "sha256:" + HexFormat.of().formatHex(VariantKey.sha256(data)));
    return new Variant(
        rendered.format().mimeType(),
        data.length,
        original.lastModified(),
        etag,
        null,
        data,
        false,
        Outcome.NOT_KEPT);
  }

  private ProcessedImage render(ImageRead read, RenderSpec spec) throws StorageException {
    StoredImage original = read.image();
    ImageInput input;
    try (InputStream in = open(read)) {
      input = ImageInput.readStored(in, original.size(), budget);
    } catch (IOException e) {
      // A delete of the image may have come between finding it and reading it: that is a 404.
      StorageException failure = store.readFailure(original, e);
      if (failure instanceof ImageGoneException) {
        throw VariantException.imageNotFound();
      }
      throw failure;
    }
    Timer.Sample sample = Timer.start(metrics);
    // render takes the input over; closing it afterwards does nothing, and frees it if render was
    // never reached.
    try (ImageInput owned = input) {
      return processor.render(owned, spec);
    } catch (ImageRejectedException e) {
      // What a delete racing the read can leave: S3Proxy has described an object being deleted as
      // empty. The image being gone, that is a 404; a stored image that does not decode stays 400.
      if (store.find(original.namespace(), original.imageId()).isEmpty()) {
        throw VariantException.imageNotFound();
      }
      throw e;
    } finally {
      sample.stop(
          Timer.builder("variants.render")
              .description("Time to render one variant, by output format")
              .tag("format", spec.format().name().toLowerCase(Locale.ROOT))
              .register(metrics));
    }
  }

  /** Keeps the variant unless the image has its share already; null when not kept. */
  private @Nullable StoredImage keep(ImageRef image, String key, ProcessedImage rendered) {
    ReentrantLock lock = keepLocks[Math.floorMod(image.hashCode(), LOCK_STRIPES)];
    lock.lock();
    try {
      if (store.countVariants(image.namespace(), image.imageId())
          >= settings.maxVariantsPerImage()) {
        return null;
      }
      return store.saveVariant(
          image.namespace(), image.imageId(), key, rendered.format().extension(), rendered.data());
    } catch (OriginalDeletedException e) {
      // A delete of the image raced this render; storage removed the variant again.
      throw VariantException.imageNotFound();
    } catch (StorageException e) {
      // The answer is rendered already: serve it, and keep it another time.
      log.warn("variant not kept: {}", e.getMessage());
      return null;
    } finally {
      lock.unlock();
    }
  }

  private Optional<StoredImage> findKept(ImageRef image, String key, OutputFormat format)
      throws StorageException {
    return store.findVariant(image.namespace(), image.imageId(), key, format.extension());
  }

  /** The body read with the original, else opened now. */
  private InputStream open(ImageRead read) throws IOException {
    StoredImage original = read.image();
    InputStream in = read.take(0, original.size());
    return in != null ? in : store.open(original, 0, original.size());
  }

  private ImageRead readOriginal(ImageRef image) throws StorageException {
    return store
        .read(image.namespace(), image.imageId(), ReadRequest.GET)
        .orElseThrow(VariantException::imageNotFound);
  }

  private StoredImage original(ImageRef image) throws StorageException {
    return store
        .find(image.namespace(), image.imageId())
        .orElseThrow(VariantException::imageNotFound);
  }

  private Variant kept(
      ImageRef image, String key, ImageRead read, Outcome outcome, boolean varyAccept) {
    StoredImage kept = read.image();
    return new Variant(
        kept.mimeType(),
        kept.size(),
        kept.lastModified(),
        etag(image, key, kept.etag()),
        read,
        null,
        varyAccept,
        outcome);
  }

  /**
   * Strong, and different for every variant of every image: the image, the variant's key and the
   * validator of its bytes (the kept object's own ETag, or a digest of bytes not kept).
   */
  private static String etag(ImageRef image, String key, String bytesValidator) {
    byte[] digest =
        VariantKey.sha256(
            image.namespace() + "/" + image.imageId() + "/" + key + "/" + bytesValidator);
    return "\"" + HexFormat.of().formatHex(digest, 0, 20) + "\"";
  }

  /** AVIF, then WebP, when enabled and listed in Accept (with a non-zero q); else null. */
  private @Nullable OutputFormat negotiated(@Nullable String accept) {
    if (accept == null || !(settings.autoAvif() || settings.autoWebp())) {
      return null;
    }
    if (settings.autoAvif() && accepts(accept, "image/avif")) {
      return OutputFormat.AVIF;
    }
    if (settings.autoWebp() && accepts(accept, "image/webp")) {
      return OutputFormat.WEBP;
    }
    return null;
  }

  static boolean accepts(String accept, String mediaType) {
    for (String range : accept.split(",")) {
      String[] parts = range.split(";");
      if (!parts[0].strip().equalsIgnoreCase(mediaType)) {
        continue;
      }
      boolean refused = false;
      for (int i = 1; i < parts.length; i++) {
        String param = parts[i].strip().toLowerCase(Locale.ROOT);
        if (param.startsWith("q=")) {
          refused = param.substring(2).strip().matches("0(\\.0{0,3})?");
        }
      }
      if (!refused) {
        return true;
      }
    }
    return false;
  }

  /** The stored image's own format; GIF (not an output format) becomes PNG. */
  private static OutputFormat storedFormat(StoredImage original) {
    OutputFormat format = OutputFormat.parse(original.extension());
    return format != null ? format : OutputFormat.PNG;
  }

  private Variant await(CompletableFuture<Variant> running) throws StorageException {
    try {
      return running.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while waiting for a variant render", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof StorageException storage) {
        throw storage;
      }
      if (cause instanceof RuntimeException runtime) {
        throw runtime;
      }
      if (cause instanceof Error error) {
        throw error;
      }
      throw new IllegalStateException("Variant render failed", cause);
    }
  }

  private Variant count(Variant variant) {
    Objects.requireNonNull(served.get(variant.outcome())).increment();
    return variant;
  }
}
