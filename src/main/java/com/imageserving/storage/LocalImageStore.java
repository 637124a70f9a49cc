package com.imageserving.storage;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Images on the local disk at {@code {uploads}/images/{namespace}/{image_id}.{ext}}, the original's
 * layout, and their variants at {@code {uploads}/variants/{namespace}/{image_id}/{key}.{ext}}.
 * Writes go to a hidden temporary file in the same folder, are forced to disk and renamed into
 * place, so readers and crashes only ever see whole files.
 *
 * <p>Symbolic links inside the two trees are never followed: a folder or file that is a link counts
 * as absent for reads and deletes, and a write through a linked folder fails, so nothing outside
 * the trees is ever read, written or deleted through one. (The {@code images} and {@code variants}
 * folders themselves may be links, e.g. to a mounted volume: that is the operator's choice.)
 */
public final class LocalImageStore implements ImageStore {
  private static final Logger log = LoggerFactory.getLogger(LocalImageStore.class);
  private static final String TEMP_PREFIX = ".upload-";
  // The info sidecar beside an image's variants: "json" is no image extension, so it is never
  // counted, found or served as a variant.
  private static final String INFO_FILE = "info.json";
  private static final int MAX_INFO_BYTES = 64 * 1024;
  private final Path root;
  private final Path variantsRoot;

  public LocalImageStore(Path uploadsPath) {
    this.root = uploadsPath.resolve("images").toAbsolutePath().normalize();
    this.variantsRoot = uploadsPath.resolve("variants").toAbsolutePath().normalize();
    removeLeftoverTemporaries(root, 2);
    removeLeftoverTemporaries(variantsRoot, 3);
  }

  @Override
  public StoredImage save(String namespace, String imageId, String extension, byte[] data)
      throws StorageException {
    Path dir = namespaceDir(namespace);
    Path target = dir.resolve(imageId + "." + extension);
    try {
      return write(
          dir, target, data, temp -> describe(namespace, imageId, extension, null, temp, target));
    } catch (IOException e) {
      throw new StorageException("Failed to save image", e, false);
    }
  }

  /** How a file about to be renamed into place is described, from its temporary copy. */
  private interface Description {
    StoredImage of(Path temp) throws IOException;
  }

  /**
   * Writes {@code data} to a temporary file in {@code dir}, forces it to disk, renames it to {@code
   * target} and makes the rename durable.
   */
  private StoredImage write(Path dir, Path target, byte[] data, Description description)
      throws IOException {
    Path temp = createTemporary(dir);
    StoredImage stored;
    try {
      try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        ByteBuffer buffer = ByteBuffer.wrap(data);
        while (buffer.hasRemaining()) {
          channel.write(buffer);
        }
        channel.force(true);
      }
      // Described before the rename: once in place, a delete may remove it at once.
      stored = description.of(temp);
      move(temp, target);
    } finally {
      Files.deleteIfExists(temp);
    }
    syncDirectory(dir);
    return stored;
  }

  @Override
  public Optional<StoredImage> find(String namespace, String imageId) throws StorageException {
    Path dir = namespaceDir(namespace);
    if (!isRealFolder(dir)) {
      return Optional.empty();
    }
    for (String extension : MediaTypes.EXTENSIONS) {
      Path file = dir.resolve(imageId + "." + extension);
      try {
        return Optional.of(describe(namespace, imageId, extension, file));
      } catch (NoSuchFileException e) {
        // try the next extension
      } catch (IOException e) {
        throw new StorageException("Failed to read image", e, false);
      }
    }
    return Optional.empty();
  }

  @Override
  public InputStream open(StoredImage image, long offset, long length) throws StorageException {
    String key = image.variantKey();
    Path file =
        key == null
            ? namespaceDir(image.namespace()).resolve(image.imageId() + "." + image.extension())
            : variantFile(image.namespace(), image.imageId(), key, image.extension());
    try {
      if (!isRealFolder(file.getParent())) {
        throw new NoSuchFileException(file.toString());
      }
      FileChannel channel =
          FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
      channel.position(offset);
      return new BoundedInputStream(Channels.newInputStream(channel), length);
    } catch (NoSuchFileException e) {
      // Deleted between find and open.
      throw new ImageGoneException(image.namespace(), image.imageId(), e);
    } catch (IOException e) {
      throw new StorageException("Failed to read image", e, false);
    }
  }

  @Override
  public boolean delete(String namespace, String imageId) throws StorageException {
    Optional<StoredImage> found = find(namespace, imageId);
    try {
      boolean deleted =
          found.isPresent()
              && Files.deleteIfExists(
                  namespaceDir(namespace).resolve(imageId + "." + found.get().extension()));
      // After the original: see saveVariant.
      Path variants = variantDir(namespace, imageId);
      if (isRealFolder(variants)) {
        deleteVariants(variants);
        removeIfEmpty(variantsNamespaceDir(namespace));
      }
      return deleted;
    } catch (IOException e) {
      throw new StorageException("Failed to delete image", e, false);
    }
  }

  /**
   * Deletes the images present when the listing runs. Temporary files of uploads still running are
   * left alone, and then the folder stays too (it is not empty); a file renamed into place after
   * the listing is never touched.
   */
  @Override
  public int deleteNamespace(String namespace) throws StorageException {
    Path dir = namespaceDir(namespace);
    if (!isRealFolder(dir)) {
      return 0; // absent, or a link: nothing of ours to delete
    }
    int deleted = 0;
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
      for (Path file : files) {
        if (isImageFile(file) && Files.deleteIfExists(file)) {
          deleted++;
        }
      }
    } catch (NoSuchFileException e) {
      return 0;
    } catch (IOException e) {
      throw new StorageException("Failed to delete namespace", e, false);
    }
    try {
      Files.deleteIfExists(dir);
    } catch (DirectoryNotEmptyException e) {
      log.debug("namespace folder kept: an upload into it is in progress");
    } catch (IOException e) {
      throw new StorageException("Failed to delete namespace", e, false);
    }
    deleteNamespaceVariants(namespace);
    return deleted;
  }

  /** The variants of every image of the namespace, after the images themselves. */
  private void deleteNamespaceVariants(String namespace) throws StorageException {
    Path dir = variantsNamespaceDir(namespace);
    if (!isRealFolder(dir)) {
      return;
    }
    try (DirectoryStream<Path> images = Files.newDirectoryStream(dir)) {
      for (Path image : images) {
        if (Files.isDirectory(image, LinkOption.NOFOLLOW_LINKS)) {
          deleteVariants(image);
        }
      }
    } catch (NoSuchFileException e) {
      return;
    } catch (IOException e) {
      throw new StorageException("Failed to delete namespace", e, false);
    }
    try {
      removeIfEmpty(dir);
    } catch (IOException e) {
      throw new StorageException("Failed to delete namespace", e, false);
    }
  }

  /**
   * The kept variant found as {@link #findVariant} finds it and, for a GET of all of it, opened in
   * the same look-up: the folders were checked a moment ago, and checking them again on opening
   * made a kept variant's GET two {@code stat}s dearer than an original's. (A large one is sent
   * with sendfile by the API all the same, and this stream is closed unread.)
   */
  @Override
  public Optional<ImageRead> readVariant(
      String namespace, String imageId, String key, String extension, ReadRequest request)
      throws StorageException {
    Optional<StoredImage> found = findVariant(namespace, imageId, key, extension);
    if (found.isEmpty() || request.head() || request.range() != null) {
      return found.map(ImageRead::found);
    }
    StoredImage image = found.get();
    Path file = Objects.requireNonNull(image.file());
    try {
      FileChannel channel =
          FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
      InputStream in = new BoundedInputStream(Channels.newInputStream(channel), image.size());
      return Optional.of(ImageRead.full(image, in, InputStream::close));
    } catch (NoSuchFileException e) {
      return Optional.empty(); // its image was deleted since the look-up
    } catch (IOException e) {
      // Not a regular file any more (O_NOFOLLOW refuses a link put in its place), or unreadable.
      throw new StorageException("Failed to read variant", e, false);
    }
  }

  @Override
  public Optional<StoredImage> findVariant(
      String namespace, String imageId, String key, String extension) throws StorageException {
    Path file = variantFile(namespace, imageId, key, extension);
    if (!isRealFolder(file.getParent())) {
      return Optional.empty();
    }
    try {
      // One lstat, so that a link planted among the variants is never served. A miss then costs
      // an exception (the JDK has a path without one only for lookups that follow links); misses
      // come with renders, hits with every GET of a kept variant, so hits get the one call.
      BasicFileAttributes attributes =
          Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      if (!attributes.isRegularFile()) {
        return Optional.empty();
      }
      return Optional.of(describe(namespace, imageId, extension, key, file, attributes));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new StorageException("Failed to read variant", e, false);
    }
  }

  @Override
  public StoredImage saveVariant(
      String namespace, String imageId, String key, String extension, byte[] data)
      throws StorageException {
    Path target = variantFile(namespace, imageId, key, extension);
    Path dir = variantDir(namespace, imageId);
    StoredImage stored;
    try {
      stored =
          write(
              dir,
              target,
              data,
              temp -> describe(namespace, imageId, extension, key, temp, target));
    } catch (IOException e) {
      throw new StorageException("Failed to save variant", e, false);
    }
    // A delete of the image that ran meanwhile may have missed the variant: see the interface.
    dropIfOriginalGone(namespace, imageId, target);
    return stored;
  }

  @Override
  public Optional<byte[]> readInfo(String namespace, String imageId) throws StorageException {
    Path file = variantDir(namespace, imageId).resolve(INFO_FILE);
    if (!isRealFolder(file.getParent())) {
      return Optional.empty();
    }
    try (FileChannel channel =
        FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
      long size = channel.size();
      if (size > MAX_INFO_BYTES) {
        return Optional.empty(); // not one of ours: it is computed and written again
      }
      ByteBuffer buffer = ByteBuffer.allocate((int) size);
      while (buffer.hasRemaining() && channel.read(buffer) >= 0) {
        // read it all
      }
      return Optional.of(buffer.array());
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new StorageException("Failed to read image info", e, false);
    }
  }

  @Override
  public void saveInfo(String namespace, String imageId, byte[] json) throws StorageException {
    Path dir = variantDir(namespace, imageId);
    Path target = dir.resolve(INFO_FILE);
    try {
      write(dir, target, json, temp -> describe(namespace, imageId, "jpg", temp));
    } catch (IOException e) {
      throw new StorageException("Failed to save image info", e, false);
    }
    // As for variants: a delete of the image that ran meanwhile may have missed it.
    dropIfOriginalGone(namespace, imageId, target);
  }

  /**
   * Removes {@code written} (a variant or the info, just written beside the image) when the image
   * is gone: its delete may have emptied the folder before the write landed.
   */
  private void dropIfOriginalGone(String namespace, String imageId, Path written)
      throws StorageException {
    if (find(namespace, imageId).isPresent()) {
      return;
    }
    try {
      Files.deleteIfExists(written);
      removeIfEmpty(Objects.requireNonNull(written.getParent())); // a file in a folder
      removeIfEmpty(variantsNamespaceDir(namespace));
    } catch (IOException e) {
      throw new StorageException("Failed to remove what was kept for a deleted image", e, false);
    }
    throw new OriginalDeletedException(namespace, imageId);
  }

  @Override
  public int countVariants(String namespace, String imageId) throws StorageException {
    int count = 0;
    Path dir = variantDir(namespace, imageId);
    if (!isRealFolder(dir)) {
      return 0;
    }
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
      for (Path file : files) {
        // By name only: this runs on every render that might be kept, and a stat per kept variant
        // cost more than the count is worth (the folder holds only what saveVariant wrote).
        if (isImageName(file)) {
          count++;
        }
      }
    } catch (NoSuchFileException e) {
      return 0;
    } catch (IOException e) {
      throw new StorageException("Failed to count variants", e, false);
    }
    return count;
  }

  /**
   * Namespace folders (not links) in the order S3 lists their keys: by {@code name + "/"}, so that
   * e.g. {@code a-b} comes before {@code a}, as in a bucket. Namespaces are few: sorted in full.
   */
  @Override
  public Listing<String> listNamespaces(@Nullable String after, int limit) throws StorageException {
    if (!Files.isDirectory(root)) {
      return new Listing<>(List.of(), null);
    }
    List<String> names = new ArrayList<>();
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root)) {
      for (Path dir : dirs) {
        String name = dir.getFileName().toString();
        if (Names.validNamespace(name)
            && (after == null || (name + "/").compareTo(after) > 0)
            && Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
          names.add(name);
        }
      }
    } catch (NoSuchFileException e) {
      return new Listing<>(List.of(), null);
    } catch (IOException e) {
      throw new StorageException("Failed to list namespaces", e, false);
    }
    names.sort(Comparator.comparing(n -> n + "/"));
    if (names.size() <= limit) {
      return new Listing<>(List.copyOf(names), null);
    }
    List<String> page = List.copyOf(names.subList(0, limit));
    return new Listing<>(page, S3ImageStore.pastFolder(page.getLast()));
  }

  /**
   * Reads the folder once, keeping only the {@code limit + 1} smallest names after {@code after} in
   * a bounded heap: a page of a 100,000-image namespace neither sorts nor stats every file. Only
   * the page's files are then described.
   */
  @Override
  public Listing<StoredImage> listImages(String namespace, @Nullable String after, int limit)
      throws StorageException {
    Path dir = namespaceDir(namespace);
    if (!isRealFolder(dir)) {
      return new Listing<>(List.of(), null);
    }
    // Largest on top, so the heap drops the largest name when it grows past limit + 1.
    PriorityQueue<String> smallest = new PriorityQueue<>(limit + 2, Comparator.reverseOrder());
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
      for (Path file : files) {
        String name = file.getFileName().toString();
        // The largest kept name, once the heap is full.
        String largest = smallest.size() > limit ? smallest.peek() : null;
        boolean full = largest != null;
        // Cheap comparisons first: most names of a big folder fall outside the page.
        if ((after != null && name.compareTo(after) <= 0)
            || (largest != null && name.compareTo(largest) >= 0)
            || !isImageName(name)) {
          continue;
        }
        if (full) {
          smallest.poll();
        }
        smallest.add(name);
      }
    } catch (NoSuchFileException e) {
      return new Listing<>(List.of(), null);
    } catch (IOException e) {
      throw new StorageException("Failed to list images", e, false);
    }
    List<String> names = new ArrayList<>(smallest);
    names.sort(Comparator.naturalOrder());
    boolean more = names.size() > limit;
    if (more) {
      names = names.subList(0, limit);
    }
    List<StoredImage> images = new ArrayList<>(names.size());
    for (String name : names) {
      int dot = name.lastIndexOf('.');
      try {
        images.add(
            describe(
                namespace, name.substring(0, dot), name.substring(dot + 1), dir.resolve(name)));
      } catch (NoSuchFileException e) {
        // deleted since the folder was read, or not a regular file: not an image
      } catch (IOException e) {
        throw new StorageException("Failed to list images", e, false);
      }
    }
    return new Listing<>(List.copyOf(images), more ? names.getLast() : null);
  }

  /** {@code {image_id}.{ext}} with a valid id and a known extension: never a temporary file. */
  private static boolean isImageName(String name) {
    int dot = name.lastIndexOf('.');
    return dot > 0
        && MediaTypes.forExtension(name.substring(dot + 1)) != null
        && Names.validImageId(name.substring(0, dot));
  }

  /**
   * Deletes the variant files in one image's variant folder, then the folder. Temporary files of
   * variants still being written are left, and with them the folder; such a variant finds its
   * original gone once renamed into place, and removes itself.
   */
  private static void deleteVariants(Path dir) throws IOException {
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
      for (Path file : files) {
        if (isImageFile(file) || isInfoFile(file)) {
          Files.deleteIfExists(file);
        }
      }
    } catch (NoSuchFileException e) {
      return;
    }
    removeIfEmpty(dir);
  }

  /** Removes a folder unless something is (being) written into it. */
  private static void removeIfEmpty(Path dir) throws IOException {
    try {
      Files.deleteIfExists(dir);
    } catch (DirectoryNotEmptyException e) {
      log.debug("folder kept, not empty: {}", dir);
    }
  }

  @Override
  public void checkReady() throws StorageException {
    try {
      Files.createDirectories(root);
    } catch (IOException e) {
      throw new StorageException("uploads folder cannot be created: " + root, e, true);
    }
    if (!Files.isWritable(root)) {
      throw new StorageException("uploads folder is not writable: " + root, null, true);
    }
  }

  private Path namespaceDir(String namespace) {
    // Names are allow-listed by the caller; this is a second fence against path traversal.
    Path dir = root.resolve(namespace).normalize();
    if (!Names.validNamespace(namespace) || !root.equals(dir.getParent())) {
      throw new IllegalArgumentException("invalid namespace");
    }
    return dir;
  }

  private Path variantsNamespaceDir(String namespace) {
    Path dir = variantsRoot.resolve(namespace).normalize();
    if (!Names.validNamespace(namespace) || !variantsRoot.equals(dir.getParent())) {
      throw new IllegalArgumentException("invalid namespace");
    }
    return dir;
  }

  private Path variantDir(String namespace, String imageId) {
    if (!Names.validImageId(imageId)) {
      throw new IllegalArgumentException("invalid image id");
    }
    return variantsNamespaceDir(namespace).resolve(imageId);
  }

  private Path variantFile(String namespace, String imageId, String key, String extension) {
    if (!Names.validVariantKey(key) || MediaTypes.forExtension(extension) == null) {
      throw new IllegalArgumentException("invalid variant key or extension");
    }
    return variantDir(namespace, imageId).resolve(key + "." + extension);
  }

  /**
   * Creates the hidden temporary file. A concurrent delete may remove the folder (or its parents)
   * at any moment until the file exists; then create them again. Once the temporary file exists,
   * the folder cannot be removed under it (it is not empty).
   */
  private Path createTemporary(Path dir) throws IOException {
    for (int attempt = 0; ; attempt++) {
      try {
        // Checked before creating too, so that no folder is ever created through a link.
        refuseLinks(dir);
        Files.createDirectories(dir);
        refuseLinks(dir);
        Path temp =
            dir.resolve(TEMP_PREFIX + Long.toHexString(ThreadLocalRandom.current().nextLong()));
        return Files.createFile(temp);
      } catch (NoSuchFileException | FileAlreadyExistsException e) {
        // NoSuchFile: the folder went between the two calls. FileAlreadyExists from
        // createDirectories: it found the folder present, then gone when it checked that it is a
        // directory (the JDK's check is not atomic).
        if (attempt >= 10) {
          throw e;
        }
      }
    }
  }

  private static void move(Path temp, Path target) throws IOException {
    try {
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /** Makes the rename itself durable: without it a crash can lose the new directory entry. */
  private static void syncDirectory(Path dir) {
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException e) {
      log.debug("directory sync not supported here: {}", e.toString());
    }
  }

  /**
   * Whether {@code dir} and every folder above it up to the top of its tree ({@code images} or
   * {@code variants}) is a folder itself, not a link to one.
   */
  private boolean isRealFolder(@Nullable Path dir) {
    if (dir == null) {
      return false;
    }
    for (Path p = dir; p != null && !isTop(p); p = p.getParent()) {
      if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
        return false;
      }
    }
    return true;
  }

  /** Whether a folder between the top of its tree and {@code dir} is a symbolic link. */
  private boolean hasLink(Path dir) {
    for (Path p = dir; p != null && !isTop(p); p = p.getParent()) {
      if (Files.isSymbolicLink(p)) {
        return true;
      }
    }
    return false;
  }

  private void refuseLinks(Path dir) throws IOException {
    if (hasLink(dir)) {
      log.warn("{} or a folder above it is a symbolic link: nothing is written there", dir);
      throw new IOException("a symbolic link in the storage tree: " + dir);
    }
  }

  private boolean isTop(Path p) {
    return p.equals(root) || p.equals(variantsRoot);
  }

  private static StoredImage describe(String namespace, String imageId, String extension, Path file)
      throws IOException {
    return describe(namespace, imageId, extension, null, file, file);
  }

  /**
   * Metadata read from {@code source} for the image (or variant {@code key} of it) that lives, or
   * will live, at {@code file}.
   */
  private static StoredImage describe(
      String namespace,
      String imageId,
      String extension,
      @Nullable String key,
      Path source,
      Path file)
      throws IOException {
    BasicFileAttributes attributes =
        Files.readAttributes(source, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    if (!attributes.isRegularFile()) {
      // A link, folder or device under an image's name is not an image of ours.
      throw new NoSuchFileException(source.toString());
    }
    return describe(namespace, imageId, extension, key, file, attributes);
  }

  /**
   * Metadata from the regular file's {@code attributes}, for the image that lives at {@code file}.
   */
  private static StoredImage describe(
      String namespace,
      String imageId,
      String extension,
      @Nullable String key,
      Path file,
      BasicFileAttributes attributes) {
    String mime = MediaTypes.forExtension(extension);
    long modifiedMillis = attributes.lastModifiedTime().toMillis();
    String etag =
        "\"" + Long.toHexString(attributes.size()) + "-" + Long.toHexString(modifiedMillis) + "\"";
    return new StoredImage(
        namespace,
        imageId,
        extension,
        mime == null ? "application/octet-stream" : mime,
        attributes.size(),
        attributes.lastModifiedTime().toInstant(),
        etag,
        file,
        key);
  }

  private static boolean isInfoFile(Path file) {
    return file.getFileName().toString().equals(INFO_FILE)
        && Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS);
  }

  private static boolean isImageFile(Path file) {
    return isImageName(file) && Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS);
  }

  /** An image's name: {@code name.ext} with a known extension, not hidden or temporary. */
  private static boolean isImageName(Path file) {
    String name = file.getFileName().toString();
    int dot = name.lastIndexOf('.');
    return dot > 0
        && !name.startsWith(".")
        && MediaTypes.forExtension(name.substring(dot + 1)) != null;
  }

  /** Temporary files are never valid images: those left by a crash are removed at start-up. */
  private static void removeLeftoverTemporaries(Path root, int depth) {
    if (!Files.isDirectory(root)) {
      return;
    }
    try (Stream<Path> files = Files.walk(root, depth)) {
      files
          .filter(f -> f.getFileName().toString().startsWith(TEMP_PREFIX))
          .forEach(f -> {
            try {
              Files.deleteIfExists(f);
              log.info("removed temporary file left by an interrupted upload: {}", f);
            } catch (IOException e) {
              log.warn("could not remove temporary file {}: {}", f, e.toString());
            }
          });
    } catch (IOException e) {
      log.warn("could not scan {} for temporary files: {}", root, e.toString());
    }
  }
}
