package com.imageserving.storage;

import static org.assertj.core.api.Assertions.assertThat;

import com.imageserving.support.S3ProxyServer;
import com.imageserving.support.TestImages;
import com.imageserving.support.TestServer;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Two instances of the service on one bucket: nothing is kept in an instance. */
class S3TwoInstancesTest {
  private static TestServer a;
  private static TestServer b;

  @BeforeAll
  static void start() {
    S3ProxyServer s3 = S3ProxyServer.shared();
    String bucket = s3.newBucket();
    a = TestServer.start(s3.env(bucket));
    b = TestServer.start(s3.env(bucket));
  }

  @AfterAll
  static void stop() {
    a.close();
    b.close();
  }

  @Test
  void uploadThroughOneServeAndDeleteThroughTheOther() {
    String id = upload(a, "shared");

    HttpResponse<byte[]> served = b.sendForBytes(b.request("/images/shared/" + id).GET().build());
    assertThat(served.statusCode()).isEqualTo(200);
    byte[] body = served.body();
    assertThat(body).isNotEmpty();
    assertThat(served.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("image/"));
    assertThat(served.headers().firstValueAsLong("Content-Length")).hasValue(body.length);
    assertThat(served.headers().firstValue("Cache-Control"))
        .hasValueSatisfying(c -> assertThat(c).contains("max-age"));
    String etag = served.headers().firstValue("ETag").orElseThrow();
    assertThat(etag).startsWith("\"");

    // Both instances describe the object the same way: the ETag comes from the bucket.
    HttpResponse<byte[]> viaA = a.sendForBytes(a.request("/images/shared/" + id).GET().build());
    assertThat(viaA.headers().firstValue("ETag")).hasValue(etag);
    assertThat(viaA.body()).isEqualTo(body);

    HttpResponse<byte[]> notModified =
        b.sendForBytes(
            b.request("/images/shared/" + id).header("If-None-Match", etag).GET().build());
    assertThat(notModified.statusCode()).isEqualTo(304);
    assertThat(notModified.body()).isEmpty();

    HttpResponse<byte[]> head =
        b.sendForBytes(
            b.request("/images/shared/" + id)
                .method("HEAD", HttpRequest.BodyPublishers.noBody())
                .build());
    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.headers().firstValueAsLong("Content-Length")).hasValue(body.length);
    assertThat(head.body()).isEmpty();

    HttpResponse<byte[]> range =
        b.sendForBytes(
            b.request("/images/shared/" + id).header("Range", "bytes=0-9").GET().build());
    assertThat(range.statusCode()).isEqualTo(206);
    assertThat(range.headers().firstValue("Content-Range")).hasValue("bytes 0-9/" + body.length);
    assertThat(range.headers().firstValueAsLong("Content-Length")).hasValue(10);
    assertThat(range.body()).isEqualTo(Arrays.copyOf(body, 10));

    HttpResponse<String> deleted = b.send(b.request("/images/shared/" + id).DELETE().build());
    assertThat(deleted.statusCode()).isEqualTo(200);
    assertThat(deleted.body()).contains("\"deleted_count\":1");

    HttpResponse<String> gone = a.get("/images/shared/" + id);
    assertThat(gone.statusCode()).isEqualTo(404);
    assertThat(gone.body()).contains("Image not found");
  }

  @Test
  void namespaceDeletedThroughOneIsGoneFromTheOther() {
    String first = upload(a, "batch");
    String second = upload(b, "batch");

    HttpResponse<String> deleted = a.send(a.request("/images/batch").DELETE().build());
    assertThat(deleted.statusCode()).isEqualTo(200);
    assertThat(deleted.body()).contains("\"deleted_count\":2");

    assertThat(b.get("/images/batch/" + first).statusCode()).isEqualTo(404);
    assertThat(b.get("/images/batch/" + second).statusCode()).isEqualTo(404);
  }

  private static String upload(TestServer server, String namespace) {
    return server.uploadedId(namespace, TestImages.png(64, 48));
  }
}
