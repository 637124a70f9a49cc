package com.imageserving.storage;

import com.imageserving.config.S3Settings;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.exception.SdkServiceException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Images in an S3 bucket at {@code {prefix}/{namespace}/{image_id}.{ext}} with their media type as
 * {@code Content-Type}: the original service's layout, so its buckets are served as they are.
 * Variants at {@code {variantsPrefix}/{namespace}/{image_id}/{key}.{ext}}. Every instance of the
 * service may share one bucket; nothing is kept in memory between calls.
 */
public final class S3ImageStore implements ImageStore, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(S3ImageStore.class);
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(3);
  // S3 accepts at most 1,000 keys per DeleteObjects request.
  private static final int DELETE_BATCH = 1000;
  // An id has one image, but a bucket written by hand may hold a few keys with the same stem.
  private static final int FIND_MAX_KEYS = 20;
  private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (\\d+)-(\\d+)/(\\d+)");
  private static final ReadRequest HEAD = new ReadRequest(true, null, null, null);
  // The info sidecar beside an image's variants; "json" is no image extension, so it is never
  // counted or served as a variant, and deleting the variants' prefix deletes it.
  private static final String INFO_KEY = "info.json";

  private final S3Client s3;
  private final String bucket;
  private final String prefix;
  private final String variantsPrefix;
  private final Region region;
  // The extension uploads are stored with (OUTPUT_FORMAT's): tried first, so that serving an image
  // this service wrote costs one request and no listing.
  private final String preferredExtension;
  // False until the bucket is known to exist; while false, readiness checks and uploads try to
  // create it again, so a service started during an S3 outage needs no restart afterwards.
  private volatile boolean bucketConfirmed;

  /** Variants under the default prefix, {@code variants}; images looked for as .jpg first. */
  public S3ImageStore(S3Client s3, String bucket, String prefix, Region region) {
    this(s3, bucket, prefix, S3Settings.DEFAULT_VARIANTS_PREFIX, region);
  }

  /** Images looked for as .jpg first (OUTPUT_FORMAT's default). */
  public S3ImageStore(
      S3Client s3, String bucket, String prefix, String variantsPrefix, Region region) {
    this(s3, bucket, prefix, variantsPrefix, region, "jpg");
  }

  /**
   * Prefixes without leading or trailing slashes; an empty {@code prefix} puts namespaces at the
   * root. {@code variantsPrefix} must not be empty (settings refuse it). {@code
   * preferredExtension}: the extension uploads are stored with, looked for first.
   */
  public S3ImageStore(
      S3Client s3,
      String bucket,
      String prefix,
      String variantsPrefix,
      Region region,
      String preferredExtension) {
    if (variantsPrefix.isEmpty()) {
      throw new IllegalArgumentException("the variants prefix must not be empty");
    }
    if (MediaTypes.forExtension(preferredExtension) == null) {
      throw new IllegalArgumentException("unknown extension " + preferredExtension);
    }
    this.preferredExtension = preferredExtension;
    this.s3 = s3;
    this.bucket = bucket;
    this.prefix = prefix.isEmpty() ? "" : prefix + "/";
    this.variantsPrefix = variantsPrefix + "/";
    this.region = region;
  }

  /**
   * Creates the bucket when it is missing. Not fatal: S3 may be down at start-up, and the service
   * must come up anyway and report the problem through {@code /ready}.
   */
  public void ensureBucket() {
    try {
      s3.headBucket(b -> b.bucket(bucket));
      bucketConfirmed = true;
      return;
    } catch (NoSuchBucketException e) {
      log.info("bucket {} does not exist; creating it", bucket);
    } catch (SdkException e) {
      log.warn("could not check bucket {}: {}", bucket, shortReason(e));
      return;
    }
    try {
      s3.createBucket(b -> {
        b.bucket(bucket);
        // us-east-1 is the default location and AWS refuses it as an explicit constraint.
        if (!Region.US_EAST_1.equals(region)) {
          b.createBucketConfiguration(c -> c.locationConstraint(region.id()));
        }
      });
      bucketConfirmed = true;
    } catch (BucketAlreadyOwnedByYouException e) {
      log.debug("bucket {} was created concurrently", bucket);
      bucketConfirmed = true;
    } catch (SdkException e) {
      log.warn("could not create bucket {}: {}", bucket, shortReason(e));
    }
  }

  @Override
  public StoredImage save(String namespace, String imageId, String extension, byte[] data)
      throws StorageException {
    String mime = mimeType(extension);
    if (!bucketConfirmed) {
      ensureBucket();
    }
    try {
      PutObjectResponse response =
          s3.putObject(
              b ->
                  b.bucket(bucket)
                      .key(key(namespace, imageId, extension))
                      .contentType(mime)
                      .contentLength((long) data.length),
              RequestBody.fromBytes(data));
      return new StoredImage(
          namespace,
          imageId,
          extension,
          mime,
          data.length,
          // HTTP dates have whole seconds; the listing read back later says the same.
          Instant.now().truncatedTo(ChronoUnit.SECONDS),
          quoted(response.eTag()),
          null);
    } catch (SdkException e) {
      throw failure("Failed to save image", e);
    }
  }

  /**
   * One HEAD of the preferred extension's key; when that is missing, a listing of the keys {@code
   * {id}.*} (another extension, e.g. in a bucket written by the original), which also carries size,
   * date and ETag. At most two requests.
   */
  @Override
  public Optional<StoredImage> find(String namespace, String imageId) throws StorageException {
    String preferred = key(namespace, imageId, preferredExtension);
    try {
      HeadObjectResponse head = s3.headObject(b -> b.bucket(bucket).key(preferred));
      return Optional.of(
          described(
              namespace,
              imageId,
              preferredExtension,
              null,
              head.contentLength(),
              head.lastModified(),
              head.eTag()));
    } catch (NoSuchKeyException e) {
      // another extension, or none
    } catch (SdkException e) {
      throw failure("Failed to read image", e);
    }
    return listed(namespace, imageId)
        .map(found ->
            described(
                namespace,
                imageId,
                found.extension(),
                null,
                found.object().size(),
                found.object().lastModified(),
                found.object().eTag()));
  }

  /**
   * One GetObject (HeadObject for a HEAD) of the preferred extension's key, with the client's
   * validators and range, so that S3 answers 200, 206 or 304 itself; when that key is missing, a
   * listing and the same read of the key it finds. One request for an image this service wrote, two
   * for a missing one, three for one in another extension.
   */
  @Override
  public Optional<ImageRead> read(String namespace, String imageId, ReadRequest request)
      throws StorageException {
    try {
      return Optional.of(
          readObject(
              key(namespace, imageId, preferredExtension),
              namespace,
              imageId,
              preferredExtension,
              null,
              request));
    } catch (NoSuchKeyException e) {
      // another extension, or none
    }
    Optional<Listed> other = listed(namespace, imageId);
    if (other.isEmpty()) {
      return Optional.empty();
    }
    String extension = other.get().extension();
    try {
      return Optional.of(
          readObject(
              key(namespace, imageId, extension), namespace, imageId, extension, null, request));
    } catch (NoSuchKeyException e) {
      return Optional.empty(); // deleted since the listing
    }
  }

  /** One GetObject (or HeadObject) of the variant's key. */
  @Override
  public Optional<ImageRead> readVariant(
      String namespace, String imageId, String key, String extension, ReadRequest request)
      throws StorageException {
    String objectKey = variantKey(namespace, imageId, key, extension);
    try {
      return Optional.of(readObject(objectKey, namespace, imageId, extension, key, request));
    } catch (NoSuchKeyException e) {
      return Optional.empty();
    }
  }

  /**
   * One request for an object: HEAD or GET with the request's validators and range.
   *
   * @throws NoSuchKeyException there is no such object
   */
  private ImageRead readObject(
      String objectKey,
      String namespace,
      String imageId,
      String extension,
      @Nullable String variant,
      ReadRequest request)
      throws StorageException {
    Instant modifiedSince = httpDate(request.ifModifiedSince());
    try {
      if (request.head()) {
        HeadObjectResponse head =
            s3.headObject(b ->
                b.bucket(bucket)
                    .key(objectKey)
                    .ifNoneMatch(request.ifNoneMatch())
                    .ifModifiedSince(modifiedSince));
        return ImageRead.full(
            described(
                namespace,
                imageId,
                extension,
                variant,
                head.contentLength(),
                head.lastModified(),
                head.eTag()),
            null,
            S3ImageStore::abort);
      }
      ResponseInputStream<GetObjectResponse> in =
          s3.getObject(b ->
              b.bucket(bucket)
                  .key(objectKey)
                  .ifNoneMatch(request.ifNoneMatch())
                  .ifModifiedSince(modifiedSince)
                  .range(request.range()));
      GetObjectResponse response = in.response();
      long[] range = contentRange(response.contentRange());
      Long length = response.contentLength();
      long size = range != null ? range[2] : length == null ? 0 : length;
      StoredImage image =
          described(
              namespace,
              imageId,
              extension,
              variant,
              size,
              response.lastModified(),
              response.eTag());
      if (range == null) {
        return ImageRead.full(image, in, S3ImageStore::abort);
      }
      return ImageRead.partial(image, in, range[0], range[1] - range[0] + 1, S3ImageStore::abort);
    } catch (NoSuchKeyException e) {
      throw e;
    } catch (S3Exception e) {
      if (e.statusCode() == 304) {
        return notModified(e, namespace, imageId, extension, variant, objectKey, request);
      }
      if (e.statusCode() == 416 && request.range() != null) {
        // The API answers 416 itself, with the size a HEAD tells.
        return readObject(objectKey, namespace, imageId, extension, variant, HEAD);
      }
      throw failure("Failed to read image", e);
    } catch (SdkException e) {
      throw failure("Failed to read image", e);
    }
  }

  /**
   * S3's 304 (the SDK throws it), described from its headers. Some S3 servers leave them out: the
   * ETag is then the one If-None-Match named (S3 found it matching), and the date unknown (the
   * epoch, which the API does not send as Last-Modified, and which no If-Modified-Since precedes).
   */
  private ImageRead notModified(
      S3Exception e,
      String namespace,
      String imageId,
      String extension,
      @Nullable String variant,
      String objectKey,
      ReadRequest request)
      throws StorageException {
    AwsErrorDetails details = e.awsErrorDetails();
    SdkHttpResponse http = details == null ? null : details.sdkHttpResponse();
    String etag = http == null ? null : http.firstMatchingHeader("ETag").orElse(null);
    if (etag == null) {
      etag = singleStrongTag(request.ifNoneMatch());
    }
    if (etag == null) {
      // Nothing says which ETag matched: ask again without validators, and let the API judge.
      return readObject(objectKey, namespace, imageId, extension, variant, HEAD);
    }
    Instant modified =
        http == null ? null : httpDate(http.firstMatchingHeader("Last-Modified").orElse(null));
    return ImageRead.notModified(
        described(namespace, imageId, extension, variant, 0L, modified, etag));
  }

  /** {@code "tag"} when that is the whole header; else null (a list, a weak tag, or *). */
  private static @Nullable String singleStrongTag(@Nullable String ifNoneMatch) {
    if (ifNoneMatch == null) {
      return null;
    }
    String tag = ifNoneMatch.strip();
    boolean single =
        tag.length() >= 2
            && tag.startsWith("\"")
            && tag.endsWith("\"")
            && tag.indexOf('"', 1) == tag.length() - 1;
    return single ? tag : null;
  }

  /** A key {@code {id}.*} a listing found, with the extension it has. */
  private record Listed(S3Object object, String extension) {}

  /**
   * One listing of the keys {@code {id}.*}: the best known extension among them (an id has one
   * image, but a bucket written by hand may hold a few keys with the same stem).
   */
  private Optional<Listed> listed(String namespace, String imageId) throws StorageException {
    String stem = namespacePrefix(namespace) + imageId + ".";
    ListObjectsV2Response listing;
    try {
      listing = s3.listObjectsV2(b -> b.bucket(bucket).prefix(stem).maxKeys(FIND_MAX_KEYS));
    } catch (SdkException e) {
      throw failure("Failed to read image", e);
    }
    S3Object best = null;
    int bestRank = Integer.MAX_VALUE;
    for (S3Object object : listing.contents()) {
      int rank = MediaTypes.EXTENSIONS.indexOf(object.key().substring(stem.length()));
      if (rank >= 0 && rank < bestRank) {
        best = object;
        bestRank = rank;
      }
    }
    return best == null
        ? Optional.empty()
        : Optional.of(new Listed(best, best.key().substring(stem.length())));
  }

  /** {@code bytes first-last/size} as {first, last, size}; null when absent or not understood. */
  private static long @Nullable [] contentRange(@Nullable String header) {
    if (header == null) {
      return null;
    }
    Matcher m = CONTENT_RANGE.matcher(header.strip());
    if (!m.matches()) {
      return null;
    }
    return new long[] {
      Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), Long.parseLong(m.group(3))
    };
  }

  /** An HTTP date, null when absent or malformed (then it is not passed on). */
  private static @Nullable Instant httpDate(@Nullable String value) {
    if (value == null) {
      return null;
    }
    try {
      return ZonedDateTime.parse(value.strip(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  /** Ends a body that was not read to its end without reading the rest from S3. */
  private static void abort(InputStream body) throws IOException {
    if (body instanceof ResponseInputStream<?> response) {
      response.abort();
    }
    body.close();
  }

  /** Streams the object (a ranged GET for part of it); the caller closes the stream. */
  @Override
  public InputStream open(StoredImage image, long offset, long length) throws StorageException {
    if (length <= 0) {
      return InputStream.nullInputStream();
    }
    String variant = image.variantKey();
    GetObjectRequest.Builder request =
        GetObjectRequest.builder()
            .bucket(bucket)
            .key(
                variant == null
                    ? key(image.namespace(), image.imageId(), image.extension())
                    : variantKey(image.namespace(), image.imageId(), variant, image.extension()));
    if (offset > 0 || length < image.size()) {
      request.range("bytes=" + offset + "-" + (offset + length - 1));
    }
    try {
      return s3.getObject(request.build());
    } catch (NoSuchKeyException e) {
      // Deleted between find and open (another instance may have done it).
      throw new ImageGoneException(image.namespace(), image.imageId(), e);
    } catch (SdkException e) {
      throw failure("Failed to read image", e);
    }
  }

  /**
   * A {@link #find} (one HEAD, or two requests for another extension) and a DeleteObject for the
   * image, then a listing of its variants (and one DeleteObjects when there are some).
   */
  @Override
  public boolean delete(String namespace, String imageId) throws StorageException {
    Optional<StoredImage> found = find(namespace, imageId);
    if (found.isPresent()) {
      try {
        s3.deleteObject(
            b -> b.bucket(bucket).key(key(namespace, imageId, found.get().extension())));
      } catch (SdkException e) {
        throw failure("Failed to delete image", e);
      }
    }
    // After the original: see saveVariant.
    deleteAll(variantsOf(namespace, imageId), "Failed to delete image");
    return found.isPresent();
  }

  /**
   * Lists the namespace page by page and deletes each page with one DeleteObjects request (a page
   * holds at most 1,000 keys, the DeleteObjects limit), then the same for its variants. S3 has no
   * folders, so nothing is left.
   */
  @Override
  public int deleteNamespace(String namespace) throws StorageException {
    int deleted = deleteAll(namespacePrefix(namespace), "Failed to delete namespace");
    deleteAll(variantsPrefix + namespace + "/", "Failed to delete namespace");
    return deleted;
  }

  /**
   * Deletes every key under {@code keyPrefix}; returns how many were directly under it (images, not
   * keys further down, which with an empty S3_PREFIX may be another namespace's variants).
   */
  private int deleteAll(String keyPrefix, String message) throws StorageException {
    int direct = 0;
    try {
      for (ListObjectsV2Response page :
          s3.listObjectsV2Paginator(
              b -> b.bucket(bucket).prefix(keyPrefix).maxKeys(DELETE_BATCH))) {
        List<ObjectIdentifier> keys = new ArrayList<>(page.contents().size());
        for (S3Object object : page.contents()) {
          keys.add(ObjectIdentifier.builder().key(object.key()).build());
          if (object.key().indexOf('/', keyPrefix.length()) < 0) {
            direct++;
          }
        }
        if (!keys.isEmpty()) {
          deleteBatch(keys);
        }
      }
    } catch (SdkException e) {
      throw failure(message, e);
    }
    return direct;
  }

  /** One HEAD of the variant's key. */
  @Override
  public Optional<StoredImage> findVariant(
      String namespace, String imageId, String key, String extension) throws StorageException {
    String objectKey = variantKey(namespace, imageId, key, extension);
    HeadObjectResponse head;
    try {
      head = s3.headObject(b -> b.bucket(bucket).key(objectKey));
    } catch (NoSuchKeyException e) {
      return Optional.empty();
    } catch (SdkException e) {
      throw failure("Failed to read variant", e);
    }
    return Optional.of(
        described(
            namespace,
            imageId,
            extension,
            key,
            head.contentLength(),
            head.lastModified(),
            head.eTag()));
  }

  /** An object's metadata as the API describes it; S3 dates are served to the second. */
  private static StoredImage described(
      String namespace,
      String imageId,
      String extension,
      @Nullable String variantKey,
      @Nullable Long size,
      @Nullable Instant lastModified,
      @Nullable String eTag) {
    Instant modified = lastModified == null ? Instant.EPOCH : lastModified;
    return new StoredImage(
        namespace,
        imageId,
        extension,
        mimeType(extension),
        size == null ? 0 : size,
        modified.truncatedTo(ChronoUnit.SECONDS),
        quoted(eTag),
        null,
        variantKey);
  }

  /**
   * One PUT, then a {@link #find} of the original (one HEAD, or two requests if it is gone or in
   * another extension); when it is gone (a delete raced the render, maybe on another instance), a
   * DELETE of the variant.
   */
  @Override
  public StoredImage saveVariant(
      String namespace, String imageId, String key, String extension, byte[] data)
      throws StorageException {
    String objectKey = variantKey(namespace, imageId, key, extension);
    String mime = mimeType(extension);
    if (!bucketConfirmed) {
      ensureBucket();
    }
    PutObjectResponse response;
    try {
      response =
          s3.putObject(
              b ->
                  b.bucket(bucket)
                      .key(objectKey)
                      .contentType(mime)
                      .contentLength((long) data.length),
              RequestBody.fromBytes(data));
    } catch (SdkException e) {
      throw failure("Failed to save variant", e);
    }
    if (find(namespace, imageId).isEmpty()) {
      try {
        s3.deleteObject(b -> b.bucket(bucket).key(objectKey));
      } catch (SdkException e) {
        throw failure("Failed to remove the variant of a deleted image", e);
      }
      throw new OriginalDeletedException(namespace, imageId);
    }
    return new StoredImage(
        namespace,
        imageId,
        extension,
        mime,
        data.length,
        Instant.now().truncatedTo(ChronoUnit.SECONDS),
        quoted(response.eTag()),
        null,
        key);
  }

  /** One GetObject of the sidecar's key. */
  @Override
  public Optional<byte[]> readInfo(String namespace, String imageId) throws StorageException {
    String objectKey = variantsOf(namespace, imageId) + INFO_KEY;
    try {
      return Optional.of(s3.getObjectAsBytes(b -> b.bucket(bucket).key(objectKey)).asByteArray());
    } catch (NoSuchKeyException e) {
      return Optional.empty();
    } catch (SdkException e) {
      throw failure("Failed to read image info", e);
    }
  }

  /**
   * One PUT, then a {@link #find} of the original and a DELETE when it is gone, as for variants.
   */
  @Override
  public void saveInfo(String namespace, String imageId, byte[] json) throws StorageException {
    String objectKey = variantsOf(namespace, imageId) + INFO_KEY;
    if (!bucketConfirmed) {
      ensureBucket();
    }
    try {
      s3.putObject(
          b ->
              b.bucket(bucket)
                  .key(objectKey)
                  .contentType("application/json")
                  .contentLength((long) json.length),
          RequestBody.fromBytes(json));
    } catch (SdkException e) {
      throw failure("Failed to save image info", e);
    }
    if (find(namespace, imageId).isEmpty()) {
      try {
        s3.deleteObject(b -> b.bucket(bucket).key(objectKey));
      } catch (SdkException e) {
        throw failure("Failed to remove the info of a deleted image", e);
      }
      throw new OriginalDeletedException(namespace, imageId);
    }
  }

  /** A listing of the image's variants (one request up to 1,000 of them). */
  @Override
  public int countVariants(String namespace, String imageId) throws StorageException {
    String keyPrefix = variantsOf(namespace, imageId);
    int count = 0;
    try {
      for (ListObjectsV2Response page :
          s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(keyPrefix))) {
        for (S3Object object : page.contents()) {
          String name = object.key().substring(keyPrefix.length());
          int dot = name.lastIndexOf('.');
          if (dot > 0
              && name.indexOf('/') < 0
              && MediaTypes.forExtension(name.substring(dot + 1)) != null) {
            count++;
          }
        }
      }
    } catch (SdkException e) {
      throw failure("Failed to count variants", e);
    }
    return count;
  }

  /**
   * One ListObjectsV2 with delimiter {@code /} under the images prefix: the common prefixes are the
   * namespaces. A page may hold fewer than {@code limit} (the variants prefix, when S3_PREFIX is
   * empty, is skipped but counts towards S3's page).
   */
  @Override
  public Listing<String> listNamespaces(@Nullable String after, int limit) throws StorageException {
    ListObjectsV2Response page;
    try {
      page =
          s3.listObjectsV2(b -> {
            b.bucket(bucket).prefix(prefix).delimiter("/").maxKeys(limit);
            if (after != null) {
              b.startAfter(prefix + after);
            }
          });
    } catch (NoSuchBucketException e) {
      return new Listing<>(List.of(), null);
    } catch (SdkException e) {
      throw failure("Failed to list namespaces", e);
    }
    List<String> names = new ArrayList<>();
    String last = null;
    for (S3Object object : page.contents()) {
      // A key right under the prefix (no namespace): it counts towards the page all the same.
      last = object.key().substring(prefix.length());
    }
    for (var common : page.commonPrefixes()) {
      String full = common.prefix();
      String name = full.substring(prefix.length(), full.length() - 1);
      last = max(last, pastFolder(name));
      // With an empty S3_PREFIX the variants live among the namespaces: never one of them.
      if (Names.validNamespace(name) && !variantsPrefix.startsWith(full)) {
        names.add(name);
      }
    }
    boolean more = Boolean.TRUE.equals(page.isTruncated()) && last != null;
    return new Listing<>(List.copyOf(names), more ? last : null);
  }

  /**
   * One ListObjectsV2 with delimiter {@code /} under the namespace's prefix: the keys {@code
   * {image_id}.{ext}} right there, nothing further down (with an empty S3_PREFIX, the namespace
   * named like the variants prefix holds variant keys below it).
   */
  @Override
  public Listing<StoredImage> listImages(String namespace, @Nullable String after, int limit)
      throws StorageException {
    String keyPrefix = namespacePrefix(namespace);
    ListObjectsV2Response page;
    try {
      page =
          s3.listObjectsV2(b -> {
            b.bucket(bucket).prefix(keyPrefix).delimiter("/").maxKeys(limit);
            if (after != null) {
              b.startAfter(keyPrefix + after);
            }
          });
    } catch (NoSuchBucketException e) {
      return new Listing<>(List.of(), null);
    } catch (SdkException e) {
      throw failure("Failed to list images", e);
    }
    // S3 merges keys and common prefixes in one order; the page ends at the larger last one.
    String last = null;
    List<StoredImage> images = new ArrayList<>();
    for (S3Object object : page.contents()) {
      String name = object.key().substring(keyPrefix.length());
      last = name;
      int dot = name.lastIndexOf('.');
      if (dot > 0
          && MediaTypes.forExtension(name.substring(dot + 1)) != null
          && Names.validImageId(name.substring(0, dot))) {
        images.add(
            described(
                namespace,
                name.substring(0, dot),
                name.substring(dot + 1),
                null,
                object.size(),
                object.lastModified(),
                object.eTag()));
      }
    }
    for (var common : page.commonPrefixes()) {
      String full = common.prefix();
      last = max(last, pastFolder(full.substring(keyPrefix.length(), full.length() - 1)));
    }
    boolean more = Boolean.TRUE.equals(page.isTruncated()) && last != null;
    return new Listing<>(List.copyOf(images), more ? last : null);
  }

  /**
   * The StartAfter that skips every key under {@code {name}/}: '0' is the character after '/', so
   * nothing lies between the last such key and this, and a StartAfter of the common prefix itself
   * would list it again.
   */
  static String pastFolder(String name) {
    return name + "0";
  }

  private static String max(@Nullable String a, String b) {
    return a == null || b.compareTo(a) > 0 ? b : a;
  }

  private void deleteBatch(List<ObjectIdentifier> keys) throws StorageException {
    DeleteObjectsResponse response =
        s3.deleteObjects(b -> b.bucket(bucket).delete(d -> d.objects(keys).quiet(true)));
    if (response.hasErrors() && !response.errors().isEmpty()) {
      var first = response.errors().getFirst();
      throw new StorageException(
          "Failed to delete %d of %d keys, e.g. %s: %s"
              .formatted(response.errors().size(), keys.size(), first.key(), first.message()),
          null,
          false);
    }
  }

  @Override
  public void checkReady() throws StorageException {
    if (!bucketConfirmed) {
      ensureBucket();
    }
    try {
      s3.headBucket(
          b -> b.bucket(bucket).overrideConfiguration(o -> o.apiCallTimeout(READY_TIMEOUT)));
    } catch (NoSuchBucketException e) {
      throw new StorageException("bucket " + bucket + " does not exist", e, true);
    } catch (SdkServiceException e) {
      throw new StorageException("bucket " + bucket + " answered HTTP " + e.statusCode(), e, true);
    } catch (SdkException e) {
      throw new StorageException("S3 unreachable: " + shortReason(e), e, true);
    }
  }

  @Override
  public void close() {
    s3.close();
  }

  private String namespacePrefix(String namespace) {
    // Names are allow-listed by the caller; a slash would reach into another namespace.
    if (!Names.validNamespace(namespace)) {
      throw new IllegalArgumentException("invalid namespace");
    }
    return prefix + namespace + "/";
  }

  private String key(String namespace, String imageId, String extension) {
    return namespacePrefix(namespace) + imageId + "." + extension;
  }

  /** The key prefix of an image's variants, ending in a slash. */
  private String variantsOf(String namespace, String imageId) {
    if (!Names.validNamespace(namespace) || !Names.validImageId(imageId)) {
      throw new IllegalArgumentException("invalid namespace or image id");
    }
    return variantsPrefix + namespace + "/" + imageId + "/";
  }

  private String variantKey(String namespace, String imageId, String key, String extension) {
    if (!Names.validVariantKey(key) || MediaTypes.forExtension(extension) == null) {
      throw new IllegalArgumentException("invalid variant key or extension");
    }
    return variantsOf(namespace, imageId) + key + "." + extension;
  }

  private static String mimeType(String extension) {
    String mime = MediaTypes.forExtension(extension);
    return mime == null ? "application/octet-stream" : mime;
  }

  /** S3 sends ETags quoted; some compatible servers do not. HTTP needs the quotes. */
  private static String quoted(@Nullable String etag) {
    if (etag == null || etag.isEmpty()) {
      return "\"\"";
    }
    return etag.startsWith("\"") ? etag : "\"" + etag + "\"";
  }

  /**
   * Unreachable, timed out, throttled or failing on its side (5xx): the backend is unavailable and
   * the API answers 503. Anything else is a failed operation.
   */
  private static StorageException failure(String message, SdkException e) {
    boolean unavailable =
        e instanceof SdkClientException
            || (e instanceof SdkServiceException service
                && (service.statusCode() >= 500 || service.isThrottlingException()));
    return new StorageException(
        unavailable ? "S3 unavailable: " + shortReason(e) : message, e, unavailable);
  }

  /** The first line of the SDK's message, which otherwise lists every attempt at length. */
  private static String shortReason(SdkException e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    int newline = message.indexOf('\n');
    String line = newline < 0 ? message : message.substring(0, newline);
    return line.length() > 200 ? line.substring(0, 200) + "…" : line;
  }
}
