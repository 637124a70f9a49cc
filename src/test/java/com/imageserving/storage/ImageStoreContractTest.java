package com.imageserving.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.imageserving.storage.ImageStore.StorageException;
import com.imageserving.storage.ImageStore.StoredImage;
import com.imageserving.support.Backend;
import com.imageserving.support.RequestCounter;
import com.imageserving.support.S3ProxyServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.util.FileSystemUtils;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/** What every {@link ImageStore} must do, run against the local disk and a real S3 server. */
class ImageStoreContractTest {
  private static final Random RANDOM = new Random(42);

  private final List<AutoCloseable> cleanup = new ArrayList<>();
  private @Nullable RequestCounter requests;
  private @Nullable Path root;
  private @Nullable S3Client raw;
  private @Nullable String bucket;

  @AfterEach
  void tearDown() throws Exception {
    Collections.reverse(cleanup);
    for (AutoCloseable c : cleanup) {
      c.close();
    }
  }

  private ImageStore store(Backend backend) throws IOException {
    return switch (backend) {
      case LOCAL -> {
        Path dir = Files.createTempDirectory("store-contract");
        root = dir;
        cleanup.add(() -> FileSystemUtils.deleteRecursively(dir));
        yield new LocalImageStore(dir);
      }
      case S3 -> {
        S3ProxyServer server = S3ProxyServer.shared();
        bucket = server.newBucket();
        RequestCounter counter = new RequestCounter();
        requests = counter;
        S3ImageStore s3 =
            new S3ImageStore(
                S3Clients.build(server.settings(bucket), List.of(counter)),
                bucket,
                "images",
                Region.US_EAST_1);
        s3.ensureBucket();
        raw = server.client();
        cleanup.add(s3);
        cleanup.add(raw);
        counter.reset();
        yield s3;
      }
    };
  }

  /** Writes a file the way the original Python service did, bypassing the store. */
  private void writeAsOriginal(
      Backend backend, String namespace, String name, String contentType, byte[] data)
      throws IOException {
    switch (backend) {
      case LOCAL -> {
        Path dir = root.resolve("images").resolve(namespace);
        Files.createDirectories(dir);
        Files.write(dir.resolve(name), data);
      }
      case S3 ->
          raw.putObject(
              b ->
                  b.bucket(bucket).key("images/" + namespace + "/" + name).contentType(contentType),
              RequestBody.fromBytes(data));
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Backend.class)
  void savedImageIsFoundWithItsMetadata(Backend backend) throws Exception {
    ImageStore store = store(backend);
    byte[] data = bytes(3000);

    StoredImage saved = store.save("ns", "id-1", "png", data);
    Optional<StoredImage> found = store.find("ns", "id-1");

    assertThat(found).isPresent();
    StoredImage image = found.get();
    assertThat(image.extension()).isEqualTo("png");
    assertThat(image.mimeType()).isEqualTo("image/png");
    assertThat(image.size()).isEqualTo(3000);
    assertThat(image.etag()).startsWith("\"").endsWith("\"").hasSizeGreaterThan(2);
    assertThat(image.etag()).isEqualTo(store.find("ns", "id-1").orElseThrow().etag());
    assertThat(image.lastModified()).isBetween(Instant.now().minusSeconds(60), Instant.now());
    assertThat(saved.size()).isEqualTo(3000);
    assertThat(saved.mimeType()).isEqualTo("image/png");
    assertThat(read(store, image, 0, image.size())).isEqualTo(data);
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Backend.class)
  void opensByteRanges(Backend backend) throws Exception {
    ImageStore store = store(backend);
    byte[] data = bytes(1000);
    store.save("ns", "ranged", "jpg", data);
    StoredImage image = store.find("ns", "ranged").orElseThrow();

    assertThat(read(store, image, 0, 10)).isEqualTo(slice(data, 0, 10));
    assertThat(read(store, image, 500, 100)).isEqualTo(slice(data, 500, 100));
    assertThat(read(store, image, 999, 1)).isEqualTo(slice(data, 999, 1));
    assertThat(read(store, image, 1, 999)).isEqualTo(slice(data, 1, 999));
    assertThat(read(store, image, 0, 0)).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Backend.class)
  void unknownImagesAndNamespacesAreEmpty(Backend backend) throws Exception {
    ImageStore store = store(backend);
    store.save("ns", "present", "webp", bytes(10));

    assertThat(store.find("ns", "absent")).isEmpty();
    assertThat(store.find("ns", "presen")).isEmpty();
    assertThat(store.find("no-such-namespace", "present")).isEmpty();
    assertThat(store.delete("ns", "absent")).isFalse();
    assertThat(store.delete("no-such-namespace", "present")).isFalse();
    assertThat(store.deleteNamespace("no-such-namespace")).isZero();
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Backend.class)
  void deletesOneImageAndNothingElse(Backend backend) throws Exception {
    ImageStore store = store(backend);
    store.save("ns", "a", "gif", bytes(10));
    store.save("ns", "b", "gif", bytes(10));

    assertThat(store.delete("ns", "a")).isTrue();
    assertThat(store.find("ns", "a")).isEmpty();
    assertThat(store.delete("ns", "a")).isFalse();
    assertThat(store.find("ns", "b")).isPresent();
  }

  /** More than one page of listing and more than one DeleteObjects batch. */
  @ParameterizedTest(name = "{0}")
  @EnumSource(Backend.class)
  void deletesLargeNamespace(Backend backend) throws Exception {
    ImageStore store = store(backend);
    int count = 1005;
    byte[] data = bytes(16);
    IntStream.range(0, count)
        .parallel()
        .forEach(i -> {
          try {
            store.save("big", "img-" + i, "jpg", data);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
    store.save("big-neighbour", "kept", "jpg", data);
    store.save("bi", "kept", "jpg", data);
    if (requests != null) {
      requests.reset();
    }

    assertThat(store.deleteNamespace("big")).isEqualTo(count);

    assertThat(store.find("big", "img-0")).isEmpty();
    assertThat(store.find("big", "img-1004")).isEmpty();
    assertThat(store.find("big-neighbour", "kept")).isPresent();
    assertThat(store.find("bi", "kept")).isPresent();
    assertThat(store.deleteNamespace("big")).isZero();
    if (requests != null) {
      // 1,005 keys: two listing pages, two batches (plus the 2 finds and the 2nd empty listing).
      assertThat(requests.operations().stream().filter("DeleteObjects"::equals)).hasSize(2);
      assertThat(requests.operations().stream().filter("DeleteObject"::equals)).isEmpty();
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Backend.class)
  void servesWhatTheOriginalServiceWrote(Backend backend) throws Exception {
    ImageStore store = store(backend);
    byte[] data = bytes(500);
    writeAsOriginal(backend, "legacy", "0123abcd-XYZ_12.jpg", "image/jpeg", data);

    StoredImage image = store.find("legacy", "0123abcd-XYZ_12").orElseThrow();

    assertThat(image.extension()).isEqualTo("jpg");
    assertThat(image.mimeType()).isEqualTo("image/jpeg");
    assertThat(image.size()).isEqualTo(500);
    assertThat(read(store, image, 0, 500)).isEqualTo(data);
    assertThat(store.deleteNamespace("legacy")).isEqualTo(1);
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Backend.class)
  void ignoresKeysWithUnknownExtensions(Backend backend) throws Exception {
    ImageStore store = store(backend);
    writeAsOriginal(backend, "ns", "doc.txt", "text/plain", bytes(5));
    writeAsOriginal(backend, "ns", "pic.txt", "text/plain", bytes(5));
    writeAsOriginal(backend, "ns", "pic.png", "image/png", bytes(7));

    assertThat(store.find("ns", "doc")).isEmpty();
    assertThat(store.find("ns", "pic").orElseThrow().extension()).isEqualTo("png");
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Backend.class)
  void namespacesMayContainDots(Backend backend) throws Exception {
    ImageStore store = store(backend);
    store.save("a.b", "x", "avif", bytes(8));

    assertThat(store.find("a.b", "x").orElseThrow().mimeType()).isEqualTo("image/avif");
    assertThat(store.find("a", "x")).isEmpty();
    assertThatThrownBy(() -> store.find("..", "x")).isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Backend.class)
  void isReadyOnlyWhileUsable(Backend backend) throws Exception {
    ImageStore store = store(backend);
    store.checkReady();

    switch (backend) {
      case LOCAL -> {
        // Its folder is a file now (a folder without permissions would not stop root).
        Path images = root.resolve("images");
        FileSystemUtils.deleteRecursively(images);
        Files.writeString(images, "not a folder");
      }
      case S3 -> raw.deleteBucket(b -> b.bucket(bucket));
    }

    assertThatThrownBy(store::checkReady)
        .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.unavailable()).isTrue());
  }

  /** Writes a variant where the backend keeps them, bypassing the store (and its checks). */
  private void writeVariantDirectly(
      Backend backend, String namespace, String imageId, String name, byte[] data)
      throws IOException {
    switch (backend) {
      case LOCAL -> {
        Path dir = root.resolve("variants").resolve(namespace).resolve(imageId);
        Files.createDirectories(dir);
        Files.write(dir.resolve(name), data);
      }
      case S3 ->
          raw.putObject(
              b -> b.bucket(bucket).key("variants/" + namespace + "/" + imageId + "/" + name),
              RequestBody.fromBytes(data));
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Backend.class)
  void variantIsSavedFoundOpenedAndCounted(Backend backend) throws Exception {
    ImageStore store = store(backend);
    store.save("ns", "id-1", "png", bytes(100));
    byte[] data = bytes(777);

    StoredImage saved = store.saveVariant("ns", "id-1", "k1-ab_c", "webp", data);
    StoredImage found = store.findVariant("ns", "id-1", "k1-ab_c", "webp").orElseThrow();

    for (StoredImage variant : List.of(saved, found)) {
      assertThat(variant.isVariant()).isTrue();
      assertThat(variant.variantKey()).isEqualTo("k1-ab_c");
      assertThat(variant.namespace()).isEqualTo("ns");
      assertThat(variant.imageId()).isEqualTo("id-1");
      assertThat(variant.extension()).isEqualTo("webp");
      assertThat(variant.mimeType()).isEqualTo("image/webp");
      assertThat(variant.size()).isEqualTo(777);
      assertThat(variant.lastModified()).isBetween(Instant.now().minusSeconds(60), Instant.now());
      assertThat(variant.etag()).startsWith("\"").endsWith("\"").hasSizeGreaterThan(2);
    }
    assertThat(found.etag()).isEqualTo(saved.etag());
    assertThat(read(store, found, 0, 777)).isEqualTo(data);
    assertThat(read(store, saved, 0, 777)).isEqualTo(data);
    assertThat(read(store, found, 700, 77)).isEqualTo(slice(data, 700, 77));
    assertThat(store.countVariants("ns", "id-1")).isEqualTo(1);

    // Another key, and the same key in another format, are other variants.
    store.saveVariant("ns", "id-1", "k2", "jpg", bytes(10));
    store.saveVariant("ns", "id-1", "k1-ab_c", "avif", bytes(11));
    assertThat(store.countVariants("ns", "id-1")).isEqualTo(3);
    assertThat(store.findVariant("ns", "id-1", "k1-ab_c", "avif").orElseThrow().size())
        .isEqualTo(11);
    assertThat(store.findVariant("ns", "id-1", "k1-ab_c", "webp").orElseThrow().size())
        .isEqualTo(777);

    // The original is untouched and still the only image.
    StoredImage original = store.find("ns", "id-1").orElseThrow();
    assertThat(original.isVariant()).isFalse();
    assertThat(original.extension()).isEqualTo("png");
    assertThat(original.size()).isEqualTo(100);
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Backend.class)
  void missingVariantsAreEmptyAndCountZero(Backend backend) throws Exception {
    ImageStore store = store(backend);
    store.save("ns", "id", "jpg", bytes(10));
    store.saveVariant("ns", "id", "k1", "png", bytes(10));

    assertThat(store.findVariant("ns", "id", "k2", "png")).isEmpty();
    assertThat(store.findVariant("ns", "id", "k1", "jpg")).isEmpty();
    assertThat(store.findVariant("ns", "other", "k1", "png")).isEmpty();
    assertThat(store.findVariant("other-ns", "id", "k1", "png")).isEmpty();
    assertThat(store.countVariants("ns", "other")).isZero();
    assertThat(store.countVariants("other-ns", "id")).isZero();
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Backend.class)
  void savingAVariantAgainReplacesIt(Backend backend) throws Exception {
    ImageStore store = store(backend);
    store.save("ns", "id", "jpg", bytes(10));
    store.saveVariant("ns", "id", "k", "png", bytes(50));
    byte[] second = bytes(60);

    store.saveVariant("ns", "id", "k", "png", second);

    StoredImage found = store.findVariant("ns", "id", "k", "png").orElseThrow();
    assertThat(found.size()).isEqualTo(60);
    assertThat(read(store, found, 0, 60)).isEqualTo(second);
    assertThat(store.countVariants("ns", "id")).isEqualTo(1);
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Backend.class)
  void variantsAreNeverImages(Backend backend) throws Exception {
    ImageStore store = store(backend);
    store.save("ns", "a", "jpg", bytes(10));
    store.save("ns", "b", "jpg", bytes(10));
    store.saveVariant("ns", "a", "k1", "png", bytes(10));
    store.saveVariant("ns", "a", "k2", "png", bytes(10));
    store.saveVariant("ns", "b", "k1", "webp", bytes(10));
    // A variant left without its original (written around the store) is no image either.
    writeVariantDirectly(backend, "ns", "ghost", "k1.png", bytes(10));

    assertThat(store.find("ns", "ghost")).isEmpty();
    assertThat(store.find("ns", "k1")).isEmpty();
    assertThat(store.find("variants", "ns")).isEmpty();
    assertThat(store.deleteNamespace("ns")).as("originals only").isEqualTo(2);
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Backend.class)
  void deletingAnImageDeletesItsVariantsOnly(Backend backend) throws Exception {
    ImageStore store = store(backend);
    store.save("ns", "a", "jpg", bytes(10));
    store.save("ns", "b", "jpg", bytes(10));
    store.saveVariant("ns", "a", "k1", "png", bytes(10));
    store.saveVariant("ns", "a", "k2", "webp", bytes(10));
    store.saveVariant("ns", "b", "k1", "png", bytes(10));

    assertThat(store.delete("ns", "a")).isTrue();

    assertThat(store.findVariant("ns", "a", "k1", "png")).isEmpty();
    assertThat(store.findVariant("ns", "a", "k2", "webp")).isEmpty();
    assertThat(store.countVariants("ns", "a")).isZero();
    assertThat(store.findVariant("ns", "b", "k1", "png")).isPresent();
    assertThat(store.find("ns", "b")).isPresent();
    if (backend == Backend.LOCAL) {
      assertThat(root.resolve("variants/ns/a")).doesNotExist();
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Backend.class)
  void deletingAMissingImageClearsVariantsLeftBehind(Backend backend) throws Exception {
    ImageStore store = store(backend);
    // As after a delete interrupted between the original and its variants.
    writeVariantDirectly(backend, "ns", "gone", "k1.png", bytes(10));

    assertThat(store.delete("ns", "gone")).isFalse();

    assertThat(store.findVariant("ns", "gone", "k1", "png")).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Backend.class)
  void deletingANamespaceDeletesAllItsVariants(Backend backend) throws Exception {
    ImageStore store = store(backend);
    for (String id : List.of("a", "b", "c")) {
      store.save("ns", id, "jpg", bytes(10));
      store.saveVariant("ns", id, "k1", "png", bytes(10));
      store.saveVariant("ns", id, "k2", "png", bytes(10));
    }
    store.save("ns-2", "a", "jpg", bytes(10));
    store.saveVariant("ns-2", "a", "k1", "png", bytes(10));
    store.save("n", "a", "jpg", bytes(10));
    store.saveVariant("n", "a", "k1", "png", bytes(10));

    assertThat(store.deleteNamespace("ns")).isEqualTo(3);

    for (String id : List.of("a", "b", "c")) {
      assertThat(store.countVariants("ns", id)).isZero();
      assertThat(store.findVariant("ns", id, "k1", "png")).isEmpty();
    }
    assertThat(store.findVariant("ns-2", "a", "k1", "png")).isPresent();
    assertThat(store.findVariant("n", "a", "k1", "png")).isPresent();
    if (backend == Backend.LOCAL) {
      assertThat(root.resolve("variants/ns")).doesNotExist();
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Backend.class)
  void aVariantOfADeletedImageIsNotKept(Backend backend) throws Exception {
    ImageStore store = store(backend);
    store.save("ns", "id", "jpg", bytes(10));
    store.delete("ns", "id");

    assertThatThrownBy(() -> store.saveVariant("ns", "id", "k1", "png", bytes(10)))
        .isInstanceOf(ImageStore.OriginalDeletedException.class);
    assertThatThrownBy(() -> store.saveVariant("ns", "never-was", "k1", "png", bytes(10)))
        .isInstanceOf(ImageStore.OriginalDeletedException.class);

    assertThat(store.findVariant("ns", "id", "k1", "png")).isEmpty();
    assertThat(store.countVariants("ns", "id")).isZero();
    assertThat(store.findVariant("ns", "never-was", "k1", "png")).isEmpty();
  }

  /**
   * Renders finishing while their image is deleted: whichever comes first, once both are done no
   * variant is left, and the save either kept it (the delete then removed it) or refused.
   */
  @ParameterizedTest(name = "{0}")
  @EnumSource(Backend.class)
  void aVariantSavedWhileItsImageIsDeletedDoesNotOutliveIt(Backend backend) throws Exception {
    ImageStore store = store(backend);
    int rounds = backend == Backend.LOCAL ? 300 : 40;
    int refused = 0;
    try (ExecutorService threads = Executors.newFixedThreadPool(2)) {
      for (int i = 0; i < rounds; i++) {
        String id = "img-" + i;
        store.save("race", id, "jpg", bytes(10));
        CountDownLatch go = new CountDownLatch(1);
        Future<Boolean> save =
            threads.submit(() -> {
              go.await();
              try {
                store.saveVariant("race", id, "k", "png", bytes(20));
                return true;
              } catch (ImageStore.OriginalDeletedException e) {
                return false;
              }
            });
        Future<Boolean> delete =
            threads.submit(() -> {
              go.await();
              return store.delete("race", id);
            });
        go.countDown();
        if (!save.get()) {
          refused++;
        }
        assertThat(delete.get()).isTrue();
        assertThat(store.findVariant("race", id, "k", "png")).as("round %d", i).isEmpty();
        assertThat(store.countVariants("race", id)).as("round %d", i).isZero();
      }
    }
    // Not an assertion (it depends on timing), but shows that both orders were exercised.
    System.out.printf("%s: %d of %d variant saves refused%n", backend, refused, rounds);
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Backend.class)
  void invalidVariantNamesAreRefusedBeforeAnyIo(Backend backend) throws Exception {
    ImageStore store = store(backend);
    for (String key : List.of("", "UPPER", "a/b", "..", "a.b", "x".repeat(65))) {
      assertThatThrownBy(() -> store.findVariant("ns", "id", key, "png"))
          .as(key)
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> store.saveVariant("ns", "id", key, "png", bytes(1)))
          .as(key)
          .isInstanceOf(IllegalArgumentException.class);
    }
    assertThatThrownBy(() -> store.findVariant("ns", "id", "k", "txt"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.findVariant("..", "id", "k", "png"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.countVariants("ns", "../x"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  static byte[] bytes(int n) {
    byte[] data = new byte[n];
    RANDOM.nextBytes(data);
    return data;
  }

  private static byte[] slice(byte[] data, int offset, int length) {
    byte[] part = new byte[length];
    System.arraycopy(data, offset, part, 0, length);
    return part;
  }

  private static byte[] read(ImageStore store, StoredImage image, long offset, long length)
      throws IOException {
    try (InputStream in = store.open(image, offset, length)) {
      return in.readAllBytes();
    }
  }
}
