package com.imageserving.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.imageserving.config.S3Settings;
import com.imageserving.storage.ImageStore.StorageException;
import com.imageserving.storage.ImageStore.StoredImage;
import com.imageserving.support.RawServer;
import com.imageserving.support.RequestCounter;
import com.imageserving.support.S3ProxyServer;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;

/** What only the S3 backend has: request costs, key layout, bucket creation, readiness. */
class S3ImageStoreTest {
  private final S3ProxyServer server = S3ProxyServer.shared();
  private final RequestCounter requests = new RequestCounter();
  private final String bucket = server.newBucket();
  private S3Client raw;
  private S3ImageStore store;

  @BeforeEach
  void setUp() {
    raw = server.client();
    store =
        new S3ImageStore(
            S3Clients.build(server.settings(bucket), List.of(requests)),
            bucket,
            "images",
            Region.US_EAST_1);
    store.ensureBucket();
    requests.reset();
  }

  @AfterEach
  void tearDown() {
    store.close();
    raw.close();
  }

  @Test
  void findIsOneHeadOfThePreferredExtensionAndAListingOtherwise() throws Exception {
    store.save("ns", "id", "jpg", new byte[100]);
    store.save("ns", "other", "png", new byte[100]);
    requests.reset();

    assertThat(store.find("ns", "id")).isPresent();
    assertThat(requests.operations()).containsExactly("HeadObject");

    requests.reset();
    assertThat(store.find("ns", "other"))
        .hasValueSatisfying(i -> assertThat(i.size()).isEqualTo(100));
    assertThat(requests.operations()).containsExactly("HeadObject", "ListObjectsV2");

    requests.reset();
    assertThat(store.find("ns", "missing")).isEmpty();
    assertThat(requests.operations()).containsExactly("HeadObject", "ListObjectsV2");
  }

  @Test
  void readIsOneGetWithTheRangeAndValidatorsPassedToS3() throws Exception {
    byte[] data = new byte[1000];
    data[100] = 7;
    StoredImage saved = store.save("ns", "id", "jpg", data);
    requests.reset();

    try (ImageRead read =
        store.read("ns", "id", new ReadRequest(false, null, null, "bytes=100-149")).orElseThrow()) {
      assertThat(read.state()).isEqualTo(ImageRead.State.PARTIAL);
      assertThat(read.image().size()).isEqualTo(1000);
      try (InputStream in = read.take(100, 50)) {
        assertThat(in.readAllBytes()).hasSize(50).startsWith(7);
      }
    }
    assertThat(requests.operations()).containsExactly("GetObject");
    assertThat(requests.sent().getFirst().request().firstMatchingHeader("Range"))
        .contains("bytes=100-149");

    requests.reset();
    try (ImageRead read =
        store.read("ns", "id", new ReadRequest(false, saved.etag(), null, null)).orElseThrow()) {
      assertThat(read.state()).isEqualTo(ImageRead.State.NOT_MODIFIED);
      assertThat(read.image().etag()).isEqualTo(saved.etag());
    }
    assertThat(requests.operations()).containsExactly("GetObject");

    requests.reset();
    try (ImageRead read =
        store.read("ns", "id", new ReadRequest(true, saved.etag(), null, null)).orElseThrow()) {
      assertThat(read.state()).isEqualTo(ImageRead.State.NOT_MODIFIED);
    }
    assertThat(requests.operations()).containsExactly("HeadObject");

    requests.reset();
    try (ImageRead read = store.read("ns", "id", ReadRequest.GET).orElseThrow()) {
      assertThat(read.state()).isEqualTo(ImageRead.State.FULL);
      try (InputStream in = read.take(0, 1000)) {
        assertThat(in.readAllBytes()).isEqualTo(data);
      }
    }
    assertThat(requests.operations()).containsExactly("GetObject");

    requests.reset();
    assertThat(store.read("ns", "missing", ReadRequest.GET)).isEmpty();
    assertThat(requests.operations()).containsExactly("GetObject", "ListObjectsV2");
  }

  @Test
  void anUnsatisfiableRangeIsAnsweredWithTheSize() throws Exception {
    store.save("ns", "id", "jpg", new byte[10]);
    requests.reset();

    try (ImageRead read =
        store.read("ns", "id", new ReadRequest(false, null, null, "bytes=50-60")).orElseThrow()) {
      assertThat(read.state()).isEqualTo(ImageRead.State.FULL);
      assertThat(read.hasBody()).isFalse();
      assertThat(read.image().size()).isEqualTo(10);
    }
  }

  @Test
  void openAsksS3ForTheRange() throws Exception {
    store.save("ns", "id", "jpg", new byte[1000]);
    StoredImage image = store.find("ns", "id").orElseThrow();
    requests.reset();
    try (InputStream in = store.open(image, 100, 50)) {
      assertThat(in.readAllBytes()).hasSize(50);
    }
    assertThat(requests.sent().getFirst().request().firstMatchingHeader("Range"))
        .contains("bytes=100-149");

    requests.reset();
    try (InputStream in = store.open(image, 0, 1000)) {
      assertThat(in.readAllBytes()).hasSize(1000);
    }
    assertThat(requests.sent().getFirst().request().firstMatchingHeader("Range")).isEmpty();
  }

  @Test
  void saveIsOnePutWithKeyLayoutAndContentType() throws Exception {
    store.save("my-ns", "abc", "webp", new byte[42]);

    assertThat(requests.operations()).containsExactly("PutObject");
    HeadObjectResponse head = raw.headObject(b -> b.bucket(bucket).key("images/my-ns/abc.webp"));
    assertThat(head.contentType()).isEqualTo("image/webp");
    assertThat(head.contentLength()).isEqualTo(42);
  }

  @Test
  void deleteOneIsFindThenDelete() throws Exception {
    store.save("ns", "id", "jpg", new byte[1]);
    store.save("ns", "gif", "gif", new byte[1]);
    requests.reset();

    assertThat(store.delete("ns", "id")).isTrue();
    // The listing looks for the image's variants: there are none to delete.
    assertThat(requests.operations())
        .containsExactly("HeadObject", "DeleteObject", "ListObjectsV2");

    requests.reset();
    assertThat(store.delete("ns", "gif")).isTrue();
    assertThat(requests.operations())
        .containsExactly("HeadObject", "ListObjectsV2", "DeleteObject", "ListObjectsV2");
  }

  @Test
  void deleteRemovesTheVariantsInOneBatch() throws Exception {
    store.save("ns", "id", "jpg", new byte[1]);
    store.saveVariant("ns", "id", "k1", "png", new byte[1]);
    store.saveVariant("ns", "id", "k2", "png", new byte[1]);
    requests.reset();

    assertThat(store.delete("ns", "id")).isTrue();
    assertThat(requests.operations())
        .containsExactly("HeadObject", "DeleteObject", "ListObjectsV2", "DeleteObjects");
  }

  @Test
  void findVariantCostsOneHeadHitOrMiss() throws Exception {
    store.save("ns", "id", "png", new byte[100]);
    store.saveVariant("ns", "id", "k1", "webp", new byte[30]);
    requests.reset();

    assertThat(store.findVariant("ns", "id", "k1", "webp")).isPresent();
    assertThat(requests.operations()).containsExactly("HeadObject");

    requests.reset();
    assertThat(store.findVariant("ns", "id", "k2", "webp")).isEmpty();
    assertThat(requests.operations()).containsExactly("HeadObject");

    requests.reset();
    StoredImage variant = store.findVariant("ns", "id", "k1", "webp").orElseThrow();
    try (InputStream in = store.open(variant, 0, variant.size())) {
      assertThat(in.readAllBytes()).hasSize(30);
    }
    assertThat(requests.operations()).containsExactly("HeadObject", "GetObject");

    requests.reset();
    try (ImageRead read =
        store.readVariant("ns", "id", "k1", "webp", ReadRequest.GET).orElseThrow()) {
      assertThat(read.image().variantKey()).isEqualTo("k1");
      try (InputStream in = read.take(0, 30)) {
        assertThat(in.readAllBytes()).hasSize(30);
      }
    }
    assertThat(store.readVariant("ns", "id", "k2", "webp", ReadRequest.GET)).isEmpty();
    assertThat(requests.operations()).containsExactly("GetObject", "GetObject");
  }

  @Test
  void saveVariantIsOnePutWithKeyLayoutThenALookOfTheOriginal() throws Exception {
    store.save("my-ns", "abc", "jpg", new byte[5]);
    requests.reset();

    store.saveVariant("my-ns", "abc", "0123abcd", "webp", new byte[42]);

    assertThat(requests.operations()).containsExactly("PutObject", "HeadObject");
    HeadObjectResponse head =
        raw.headObject(b -> b.bucket(bucket).key("variants/my-ns/abc/0123abcd.webp"));
    assertThat(head.contentType()).isEqualTo("image/webp");
    assertThat(head.contentLength()).isEqualTo(42);
  }

  @Test
  void aVariantOfAMissingImageIsPutThenDeleted() throws Exception {
    assertThatThrownBy(() -> store.saveVariant("ns", "gone", "k", "png", new byte[1]))
        .isInstanceOf(ImageStore.OriginalDeletedException.class);
    assertThat(requests.operations())
        .containsExactly("PutObject", "HeadObject", "ListObjectsV2", "DeleteObject");
    assertThat(raw.listObjectsV2(b -> b.bucket(bucket).prefix("variants/")).contents()).isEmpty();
  }

  @Test
  void countVariantsIsOneListing() throws Exception {
    store.save("ns", "id", "png", new byte[1]);
    for (int i = 0; i < 5; i++) {
      store.saveVariant("ns", "id", "k" + i, "png", new byte[1]);
    }
    requests.reset();

    assertThat(store.countVariants("ns", "id")).isEqualTo(5);
    assertThat(requests.operations()).containsExactly("ListObjectsV2");
  }

  @Test
  void variantsPrefixIsConfigurable() throws Exception {
    try (S3ImageStore custom =
        new S3ImageStore(server.client(), bucket, "images", "cache/v", Region.US_EAST_1)) {
      custom.save("ns", "id", "png", new byte[3]);
      custom.saveVariant("ns", "id", "k", "png", new byte[4]);
      raw.headObject(b -> b.bucket(bucket).key("cache/v/ns/id/k.png"));
      assertThat(store.findVariant("ns", "id", "k", "png")).isEmpty();
      assertThat(custom.findVariant("ns", "id", "k", "png")).isPresent();
    }
  }

  @Test
  void withImagesAtTheRootANamespaceNamedLikeTheVariantsCountsOnlyItsImages() throws Exception {
    try (S3ImageStore atRoot = new S3ImageStore(server.client(), bucket, "", Region.US_EAST_1)) {
      atRoot.save("variants", "own", "png", new byte[3]);
      atRoot.save("ns", "id", "png", new byte[3]);
      atRoot.saveVariant("ns", "id", "k", "png", new byte[3]);

      assertThat(atRoot.find("variants", "ns")).isEmpty();
      assertThat(atRoot.deleteNamespace("variants")).isEqualTo(1);
      assertThat(atRoot.find("ns", "id")).isPresent();
    }
  }

  @Test
  void prefixIsConfigurableAndMayBeEmpty() throws Exception {
    try (S3ImageStore atRoot = new S3ImageStore(server.client(), bucket, "", Region.US_EAST_1)) {
      atRoot.save("ns", "id", "png", new byte[3]);
      raw.headObject(b -> b.bucket(bucket).key("ns/id.png"));
      assertThat(store.find("ns", "id")).isEmpty();
    }
    try (S3ImageStore nested = new S3ImageStore(server.client(), bucket, "a/b", Region.US_EAST_1)) {
      nested.save("ns", "id", "png", new byte[3]);
      raw.headObject(b -> b.bucket(bucket).key("a/b/ns/id.png"));
      assertThat(nested.find("ns", "id")).isPresent();
    }
  }

  @Test
  void createsTheBucketWhenMissingAndAcceptsAnExistingOne() throws Exception {
    String fresh = server.newBucket();
    try (S3ImageStore created =
        new S3ImageStore(server.client(), fresh, "images", Region.US_EAST_1)) {
      created.ensureBucket();
      raw.headBucket(b -> b.bucket(fresh));
      created.checkReady();
      created.ensureBucket();
      created.checkReady();
    }
  }

  @Test
  void reportsABucketDeletedUnderIt() throws Exception {
    raw.deleteBucket(b -> b.bucket(bucket));

    assertThatThrownBy(store::checkReady)
        .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.unavailable()).isTrue())
        .hasMessage("bucket " + bucket + " does not exist");
  }

  @Test
  void requestsGoThroughTheConfiguredProxy() throws Exception {
    BlockingQueue<String> requestLines = new LinkedBlockingQueue<>();
    // A proxy that reads each request line and closes the connection without an answer.
    try (RawServer proxy =
        new RawServer(socket ->
            requestLines.add(
                new BufferedReader(
                        new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))
                    .readLine()))) {
      S3Settings direct = server.settings(bucket);
      S3Settings proxied =
          new S3Settings(
              bucket,
              direct.region(),
              direct.endpointUrl(),
              direct.accessKey(),
              direct.secretKey(),
              "images",
              "http://127.0.0.1:" + proxy.port());
      try (S3ImageStore viaProxy =
          new S3ImageStore(S3Clients.build(proxied), bucket, "images", Region.US_EAST_1)) {
        assertThatThrownBy(() -> viaProxy.find("ns", "id"))
            .isInstanceOfSatisfying(
                StorageException.class, e -> assertThat(e.unavailable()).isTrue());
      }
      // A forward proxy receives the absolute URL of the S3 server.
      assertThat(requestLines.poll(30, TimeUnit.SECONDS))
          .startsWith("HEAD " + server.endpoint() + "/" + bucket + "/images/ns/id.jpg");
    }
  }

  @Test
  void wrongCredentialsMakeTheStoreUnready() {
    S3Settings settings = server.settings(bucket);
    S3Settings wrong =
        new S3Settings(
            bucket, settings.region(), settings.endpointUrl(), "nobody", "wrong", "images", null);
    try (S3ImageStore denied =
        new S3ImageStore(S3Clients.build(wrong), bucket, "images", Region.US_EAST_1)) {
      assertThatThrownBy(denied::checkReady)
          .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.unavailable()).isTrue())
          .hasMessageContaining("403");
    }
  }
}
