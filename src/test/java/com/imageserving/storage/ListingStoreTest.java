package com.imageserving.storage;

import static org.assertj.core.api.Assertions.assertThat;

import com.imageserving.storage.ImageStore.Listing;
import com.imageserving.storage.ImageStore.StoredImage;
import com.imageserving.support.Backend;
import com.imageserving.support.RequestCounter;
import com.imageserving.support.S3ProxyServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.util.FileSystemUtils;
import software.amazon.awssdk.regions.Region;

/**
 * Listing namespaces and images page by page, on the local disk and a real S3 server: the same
 * order on both (S3's key order), every image exactly once, never a variant, one ListObjectsV2 per
 * page.
 */
class ListingStoreTest {
  private final List<AutoCloseable> cleanup = new ArrayList<>();
  private final RequestCounter requests = new RequestCounter();

  @AfterEach
  void tearDown() throws Exception {
    Collections.reverse(cleanup);
    for (AutoCloseable c : cleanup) {
      c.close();
    }
  }

  private ImageStore store(Backend backend) throws IOException {
    return store(backend, "images");
  }

  private ImageStore store(Backend backend, String s3Prefix) throws IOException {
    return switch (backend) {
      case LOCAL -> {
        Path dir = Files.createTempDirectory("listing");
        cleanup.add(() -> FileSystemUtils.deleteRecursively(dir));
        yield new LocalImageStore(dir);
      }
      case S3 -> {
        S3ProxyServer server = S3ProxyServer.shared();
        String bucket = server.newBucket();
        S3ImageStore s3 =
            new S3ImageStore(
                S3Clients.build(server.settings(bucket), List.of(requests)),
                bucket,
                s3Prefix,
                Region.US_EAST_1);
        s3.ensureBucket();
        cleanup.add(s3);
        yield s3;
      }
    };
  }

  private static final List<String> TRICKY_NAMES =
      List.of("a", "a-b", "a.b", "a0", "a_b", "A", "B", "_x", "-y", "z", "a1", "ab");

  /** S3's order of the keys {@code {name}/...}: '-' and '.' sort before '/', the rest after. */
  private static List<String> s3NamespaceOrder(List<String> names) {
    List<String> sorted = new ArrayList<>(names);
    sorted.sort(Comparator.comparing(n -> n + "/"));
    return sorted;
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Backend.class)
  void namespacesComeInS3KeyOrderPageByPage(Backend backend) throws Exception {
    ImageStore store = store(backend);
    for (String name : TRICKY_NAMES) {
      store.save(name, "img", "jpg", new byte[] {1});
      store.saveVariant(name, "img", "k", "webp", new byte[] {2});
    }

    assertThat(allNamespaces(store, 1000)).isEqualTo(s3NamespaceOrder(TRICKY_NAMES));
    for (int limit : new int[] {1, 2, 5}) {
      assertThat(allNamespaces(store, limit))
          .as("limit %d", limit)
          .isEqualTo(s3NamespaceOrder(TRICKY_NAMES));
    }
    // The order is S3's, not Java's natural String order (where "a" comes before "a-b").
    assertThat(s3NamespaceOrder(TRICKY_NAMES))
        .isNotEqualTo(TRICKY_NAMES.stream().sorted().toList());
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Backend.class)
  void imagesComeInKeyOrderAndVariantsNever(Backend backend) throws Exception {
    ImageStore store = store(backend);
    List<String> ids = List.of("b", "a-b", "a", "a_b", "A", "Z9", "a0");
    for (String id : ids) {
      store.save("ns", id, id.equals("A") ? "png" : "jpg", new byte[] {1, 2, 3});
      store.saveVariant("ns", id, "rs-fill-10-10", "webp", new byte[] {4});
    }
    List<String> keys = new ArrayList<>();
    for (String id : ids) {
      keys.add(id + (id.equals("A") ? ".png" : ".jpg"));
    }
    Collections.sort(keys); // ASCII ids: String order is UTF-8 byte order

    List<StoredImage> all = allImages(store, "ns", 1000);
    assertThat(all).extracting(i -> i.imageId() + "." + i.extension()).isEqualTo(keys);
    assertThat(all)
        .allSatisfy(i -> {
          assertThat(i.isVariant()).isFalse();
          assertThat(i.size()).isEqualTo(3);
          assertThat(i.namespace()).isEqualTo("ns");
        });
    assertThat(
            all.stream().filter(i -> i.imageId().equals("A")).findFirst().orElseThrow().mimeType())
        .isEqualTo("image/png");
    assertThat(allImages(store, "ns", 2))
        .extracting(StoredImage::imageId)
        .isEqualTo(all.stream().map(StoredImage::imageId).toList());
    assertThat(store.listImages("unknown", null, 10)).isEqualTo(new Listing<>(List.of(), null));
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Backend.class)
  void pagingThrough2500ImagesReturnsEachExactlyOnce(Backend backend) throws Exception {
    ImageStore store = store(backend);
    Set<String> saved = new HashSet<>();
    try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
      List<Future<String>> futures = new ArrayList<>();
      for (int i = 0; i < 2500; i++) {
        futures.add(
            pool.submit(() -> {
              String id = Names.newImageId();
              store.save("many", id, "jpg", new byte[] {7});
              return id;
            }));
      }
      for (Future<String> f : futures) {
        saved.add(f.get());
      }
    }
    store.saveVariant("many", saved.iterator().next(), "v", "jpg", new byte[] {1});

    for (int limit : new int[] {1000, 333}) {
      requests.reset();
      List<StoredImage> all = allImages(store, "many", limit);
      assertThat(all).extracting(StoredImage::imageId).doesNotHaveDuplicates();
      assertThat(all).extracting(StoredImage::imageId).containsExactlyInAnyOrderElementsOf(saved);
      assertThat(all).extracting(StoredImage::imageId).isSorted();
      if (backend == Backend.S3) {
        // One ListObjectsV2 per page and nothing else.
        assertThat(requests.operations())
            .containsOnly("ListObjectsV2")
            .hasSize((2500 + limit - 1) / limit + (2500 % limit == 0 ? 1 : 0));
      }
    }
  }

  @Test
  void withAnEmptyS3PrefixTheVariantsAreNoNamespace() throws Exception {
    ImageStore store = store(Backend.S3, "");
    store.save("ns", "img", "jpg", new byte[] {1});
    store.saveVariant("ns", "img", "k", "webp", new byte[] {2});
    store.save("zz", "img", "jpg", new byte[] {1});

    assertThat(allNamespaces(store, 1000)).containsExactly("ns", "zz");
    assertThat(allNamespaces(store, 1)).containsExactly("ns", "zz");
    // Even a namespace named like the variants prefix lists its own images only.
    store.save("variants", "own", "jpg", new byte[] {1});
    assertThat(allImages(store, "variants", 1000))
        .extracting(StoredImage::imageId)
        .containsExactly("own");
    assertThat(allImages(store, "variants", 1))
        .extracting(StoredImage::imageId)
        .containsExactly("own");
  }

  private static List<String> allNamespaces(ImageStore store, int limit) throws Exception {
    List<String> all = new ArrayList<>();
    @Nullable String after = null;
    for (int pages = 0; pages < 10_000; pages++) {
      Listing<String> page = store.listNamespaces(after, limit);
      assertThat(page.items()).hasSizeLessThanOrEqualTo(limit);
      all.addAll(page.items());
      if (page.next() == null) {
        return all;
      }
      after = page.next();
    }
    throw new AssertionError("listing never ended");
  }

  private static List<StoredImage> allImages(ImageStore store, String namespace, int limit)
      throws Exception {
    List<StoredImage> all = new ArrayList<>();
    @Nullable String after = null;
    for (int pages = 0; pages < 10_000; pages++) {
      Listing<StoredImage> page = store.listImages(namespace, after, limit);
      assertThat(page.items()).hasSizeLessThanOrEqualTo(limit);
      all.addAll(page.items());
      if (page.next() == null) {
        return all;
      }
      after = page.next();
    }
    throw new AssertionError("listing never ended");
  }
}
