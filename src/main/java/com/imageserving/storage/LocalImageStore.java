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
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Images on the local disk at {@code {root}/images/{namespace}/{image_id}.{ext}}, the original's
 * layout. Writes go to a hidden temporary file in the same folder, are forced to disk and renamed
 * into place, so readers and crashes only ever see whole files.
 *
 * <p>Symbolic links inside the tree are never followed: a namespace folder or an image file that is
 * a link counts as absent for reads and deletes, and an upload into a linked namespace fails, so
 * nothing outside the tree is ever read, written or deleted through one. (The images folder itself
 * may be a link, e.g. to a mounted volume: that is the operator's choice.)
 */
public final class LocalImageStore implements ImageStore {
  private static final Logger log = LoggerFactory.getLogger(LocalImageStore.class);
  private static final String TEMP_PREFIX = ".upload-";
  private final Path root;

  public LocalImageStore(Path uploadsPath) {
    this.root = uploadsPath.resolve("images").toAbsolutePath().normalize();
    removeLeftoverTemporaries();
  }

  @Override
  public StoredImage save(String namespace, String imageId, String extension, byte[] data)
      throws StorageException {
    Path dir = namespaceDir(namespace);
    Path target = dir.resolve(imageId + "." + extension);
    try {
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
        // Described before the rename: once in place, a namespace delete may remove it at once.
        stored = describe(namespace, imageId, extension, temp, target);
        move(temp, target);
      } finally {
        Files.deleteIfExists(temp);
      }
      syncDirectory(dir);
      return stored;
    } catch (IOException e) {
      throw new StorageException("Failed to save image", e, false);
    }
  }

  @Override
  public Optional<StoredImage> find(String namespace, String imageId) throws StorageException {
    Path dir = namespaceDir(namespace);
    if (!isRealDirectory(dir)) {
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
    Path dir = namespaceDir(image.namespace());
    Path file = dir.resolve(image.imageId() + "." + image.extension());
    try {
      if (!isRealDirectory(dir)) {
        throw new NoSuchFileException(file.toString());
      }
      FileChannel channel =
          FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
      channel.position(offset);
      return new BoundedInputStream(Channels.newInputStream(channel), length);
    } catch (IOException e) {
      throw new StorageException("Failed to read image", e, false);
    }
  }

  @Override
  public boolean delete(String namespace, String imageId) throws StorageException {
    Optional<StoredImage> found = find(namespace, imageId);
    if (found.isEmpty()) {
      return false;
    }
    try {
      return Files.deleteIfExists(
          namespaceDir(namespace).resolve(imageId + "." + found.get().extension()));
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
    if (!isRealDirectory(dir)) {
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
    return deleted;
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

  /**
   * Creates the hidden temporary file. A concurrent namespace delete may remove the folder at any
   * moment until the file exists; then create both again. Once the temporary file exists, the
   * folder cannot be removed under it (it is not empty).
   */
  private static Path createTemporary(Path dir) throws IOException {
    for (int attempt = 0; ; attempt++) {
      try {
        Files.createDirectories(dir);
        if (Files.isSymbolicLink(dir)) {
          log.warn("namespace folder {} is a symbolic link: nothing is written through it", dir);
          throw new IOException("namespace folder is a symbolic link: " + dir);
        }
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

  /** A directory itself, not a link to one. */
  private static boolean isRealDirectory(Path dir) {
    return Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS);
  }

  private static StoredImage describe(String namespace, String imageId, String extension, Path file)
      throws IOException {
    return describe(namespace, imageId, extension, file, file);
  }

  /** Metadata read from {@code source} for the image that lives (or will live) at {@code file}. */
  private static StoredImage describe(
      String namespace, String imageId, String extension, Path source, Path file)
      throws IOException {
    BasicFileAttributes attributes =
        Files.readAttributes(source, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    if (!attributes.isRegularFile()) {
      // A link, folder or device under an image's name is not an image of ours.
      throw new NoSuchFileException(source.toString());
    }
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
        file);
  }

  private static boolean isImageFile(Path file) {
    String name = file.getFileName().toString();
    int dot = name.lastIndexOf('.');
    return dot > 0
        && !name.startsWith(".")
        && MediaTypes.forExtension(name.substring(dot + 1)) != null
        && Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS);
  }

  /** Temporary files are never valid images: those left by a crash are removed at start-up. */
  private void removeLeftoverTemporaries() {
    if (!Files.isDirectory(root)) {
      return;
    }
    try (Stream<Path> files = Files.walk(root, 2)) {
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
