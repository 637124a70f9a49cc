package com.imageserving;

import static org.assertj.core.api.Assertions.assertThat;

import com.imageserving.support.Backend;
import com.imageserving.support.Json;
import com.imageserving.support.RawHttp;
import com.imageserving.support.TestImages;
import com.imageserving.support.TestServer;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import tools.jackson.databind.JsonNode;

/** Upload, serve and delete through HTTP, the same suite on every storage backend. */
@ExtendWith(OutputCaptureExtension.class)
@ParameterizedClass(name = "{0}")
@EnumSource(Backend.class)
class ImageHostingTest {
  static final String ID = "[0-9a-f]{32}-[A-Za-z0-9_-]{11}";
  static TestServer server;

  @Parameter Backend backend;

  @BeforeParameterizedClassInvocation
  static void start(Backend backend) {
    Map<String, String> env = new HashMap<>(backend.env());
    env.put("MAX_UPLOAD_BYTES", Integer.toString(4 * 1024 * 1024));
    server = TestServer.start(env);
  }

  @AfterParameterizedClassInvocation
  static void stop() {
    server.close();
  }

  @AfterAll
  static void noop() {}

  static HttpResponse<String> uploadJson(String namespace, String json) {
    return server.postJson("/images/" + namespace, json);
  }

  static JsonNode upload(String namespace, byte[] image) {
    return server.uploaded(namespace, image);
  }

  static HttpResponse<byte[]> get(String path, String... headers) {
    HttpRequest.Builder request = server.request(path).GET();
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    return server.sendForBytes(request.build());
  }

  @Test
  void uploadJsonAnswersIdUrlAndDimensions() {
    JsonNode body = upload("avatars", TestImages.png(300, 200));
    String id = body.get("image_id").asString();
    assertThat(id).matches(ID);
    assertThat(body.get("url").asString()).isEqualTo(server.base() + "/images/avatars/" + id);
    assertThat(body.get("width").asInt()).isEqualTo(300);
    assertThat(body.get("height").asInt()).isEqualTo(200);
    assertThat(body.get("mime_type").asString()).isEqualTo("image/jpeg");
    assertThat(body.get("size").asLong()).isPositive();
  }

  @Test
  void eachUploadGetsAFreshId() {
    byte[] image = TestImages.jpeg(50, 50);
    assertThat(upload("same", image).get("image_id").asString())
        .isNotEqualTo(upload("same", image).get("image_id").asString());
  }

  @Test
  void uploadAcceptsADataUrlPrefix() {
    String data =
        "data:image/png;base64," + Base64.getEncoder().encodeToString(TestImages.png(20, 10));
    HttpResponse<String> response = uploadJson("prefixed", "{\"data\": \"" + data + "\"}");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(Json.read(response.body()).get("width").asInt()).isEqualTo(20);
  }

  @Test
  void uploadAcceptsBase64WithLineBreaks() {
    String wrapped =
        Base64.getMimeEncoder().encodeToString(TestImages.png(64, 64)).replace("\r\n", "\\n");
    HttpResponse<String> response = uploadJson("wrapped", "{\"data\": \"" + wrapped + "\"}");
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
  }

  @Test
  void uploadAcceptsMultipartAndRawBodies() {
    String boundary = "----test-boundary";
    byte[] png = TestImages.png(40, 30);
    byte[] head =
        ("--"
                + boundary
                + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.png\"\r\n"
                + "Content-Type: image/png\r\n\r\n")
            .getBytes(StandardCharsets.UTF_8);
    byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
    HttpResponse<String> multipart =
        server.send(
            server
                .request("/images/multi")
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(BodyPublishers.ofByteArrays(java.util.List.of(head, png, tail)))
                .build());
    assertThat(multipart.statusCode()).as(multipart.body()).isEqualTo(200);
    assertThat(Json.read(multipart.body()).get("width").asInt()).isEqualTo(40);

    HttpResponse<String> raw =
        server.send(
            server
                .request("/images/raw")
                .header("Content-Type", "image/jpeg")
                .POST(BodyPublishers.ofByteArray(TestImages.jpeg(64, 48)))
                .build());
    assertThat(raw.statusCode()).as(raw.body()).isEqualTo(200);
    assertThat(Json.read(raw.body()).get("height").asInt()).isEqualTo(48);
  }

  static HttpResponse<String> uploadRaw(String namespace, String type, BodyPublisher body) {
    return server.send(
        server.request("/images/" + namespace).header("Content-Type", type).POST(body).build());
  }

  @Test
  void rawBodiesOfEachKindAreStored() {
    HttpResponse<String> png =
        uploadRaw("raw", "image/png", BodyPublishers.ofByteArray(TestImages.png(30, 20)));
    assertThat(png.statusCode()).as(png.body()).isEqualTo(200);
    assertThat(Json.read(png.body()).get("width").asInt()).isEqualTo(30);

    HttpResponse<String> octets =
        uploadRaw(
            "raw", "application/octet-stream", BodyPublishers.ofByteArray(TestImages.jpeg(20, 30)));
    assertThat(octets.statusCode()).as(octets.body()).isEqualTo(200);
    assertThat(Json.read(octets.body()).get("height").asInt()).isEqualTo(30);

    // No length known up front: the JDK client sends it chunked, and the server grows its
    // buffer block by block (the body is several times the first block).
    byte[] big = TestImages.png(2000, 1500);
    assertThat(big.length).isGreaterThan(4 * 64 * 1024);
    HttpResponse<String> chunked =
        uploadRaw(
            "raw", "image/png", BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big)));
    assertThat(chunked.statusCode()).as(chunked.body()).isEqualTo(200);
    JsonNode body = Json.read(chunked.body());
    assertThat(body.get("width").asInt()).isEqualTo(1200);
    assertThat(body.get("height").asInt()).isEqualTo(900);
    BufferedImage served =
        TestImages.decode(get("/images/raw/" + body.get("image_id").asString()).body());
    assertThat(served.getWidth()).isEqualTo(1200);
  }

  @Test
  void emptyRawBodiesAreClientErrors() {
    HttpResponse<String> empty = uploadRaw("raw", "image/jpeg", BodyPublishers.noBody());
    assertThat(empty.statusCode()).isEqualTo(400);
    assertThat(empty.body()).isEqualTo("{\"detail\":\"Data is not a recognised image\"}");
  }

  @Test
  void aRawBodyCutShortIsAClientError(CapturedOutput output) throws Exception {
    // The client declares more than it sends, then closes its side.
    byte[] jpeg = TestImages.jpeg(200, 200);
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", server.port())) {
      socket.setSoTimeout(10_000);
      var out = socket.getOutputStream();
      out.write(
          ("POST /images/cut HTTP/1.1\r\nHost: x\r\nContent-Type: image/jpeg\r\nContent-Length: "
                  + jpeg.length
                  + "\r\n\r\n")
              .getBytes(StandardCharsets.ISO_8859_1));
      out.write(jpeg, 0, jpeg.length / 2);
      socket.shutdownOutput();
      String answer =
          new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
      // Tomcat has already marked the exchange as failed and answers with its own JSON 400.
      assertThat(answer).startsWith("HTTP/1.1 400").contains("{\"detail\":");
    }
    // The client's doing, not an error of ours: no ERROR line, no stack trace.
    assertThat(output.getOut()).doesNotContain("unexpected error", "ClientAbortException");
  }

  @Test
  void largeImagesAreShrunkToTheUploadLimit() {
    JsonNode body = upload("large", TestImages.jpeg(4000, 3000));
    assertThat(body.get("width").asInt()).isEqualTo(1200);
    assertThat(body.get("height").asInt()).isEqualTo(900);
    BufferedImage served =
        TestImages.decode(get("/images/large/" + body.get("image_id").asString()).body());
    assertThat(served.getWidth()).isEqualTo(1200);
    assertThat(served.getHeight()).isEqualTo(900);
  }

  @Test
  void servedImagesCarryCachingHeaders() {
    JsonNode body = upload("serve", TestImages.png(120, 80));
    String path = "/images/serve/" + body.get("image_id").asString();
    HttpResponse<byte[]> response = get(path);
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-type")).hasValue("image/jpeg");
    assertThat(response.headers().firstValue("cache-control")).hasValue("public, max-age=86400");
    assertThat(response.headers().firstValue("x-content-type-options")).hasValue("nosniff");
    assertThat(response.headers().firstValueAsLong("content-length"))
        .hasValue(body.get("size").asLong());
    assertThat(response.body()).hasSize(body.get("size").asInt());
    assertThat(TestImages.decode(response.body()).getWidth()).isEqualTo(120);
    String etag = response.headers().firstValue("etag").orElseThrow();
    assertThat(etag).startsWith("\"").endsWith("\"");
    String lastModified = response.headers().firstValue("last-modified").orElseThrow();

    assertThat(get(path, "If-None-Match", etag).statusCode()).isEqualTo(304);
    assertThat(get(path, "If-None-Match", "\"other\"").statusCode()).isEqualTo(200);
    assertThat(get(path, "If-Modified-Since", lastModified).statusCode()).isEqualTo(304);
    assertThat(get(path, "If-Modified-Since", "Mon, 01 Jan 2001 00:00:00 GMT").statusCode())
        .isEqualTo(200);

    HttpResponse<byte[]> head =
        server.sendForBytes(server.request(path).method("HEAD", BodyPublishers.noBody()).build());
    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.body()).isEmpty();
    assertThat(head.headers().firstValueAsLong("content-length"))
        .hasValue(body.get("size").asLong());
    assertThat(head.headers().firstValue("etag")).hasValue(etag);
  }

  @Test
  void byteRanges() {
    JsonNode body = upload("ranges", TestImages.jpeg(200, 200));
    String path = "/images/ranges/" + body.get("image_id").asString();
    HttpResponse<byte[]> full = get(path);
    byte[] whole = full.body();
    long size = whole.length;
    String etag = full.headers().firstValue("etag").orElseThrow();

    HttpResponse<byte[]> first = get(path, "Range", "bytes=0-99");
    assertThat(first.statusCode()).isEqualTo(206);
    assertThat(first.headers().firstValue("content-range")).hasValue("bytes 0-99/" + size);
    assertThat(first.body()).isEqualTo(java.util.Arrays.copyOfRange(whole, 0, 100));

    HttpResponse<byte[]> suffix = get(path, "Range", "bytes=-10");
    assertThat(suffix.statusCode()).isEqualTo(206);
    assertThat(suffix.body())
        .isEqualTo(java.util.Arrays.copyOfRange(whole, whole.length - 10, whole.length));

    HttpResponse<byte[]> open = get(path, "Range", "bytes=100-");
    assertThat(open.statusCode()).isEqualTo(206);
    assertThat(open.body()).hasSize(whole.length - 100);

    HttpResponse<byte[]> beyond = get(path, "Range", "bytes=" + size + "-");
    assertThat(beyond.statusCode()).isEqualTo(416);
    assertThat(beyond.headers().firstValue("content-range")).hasValue("bytes */" + size);

    assertThat(get(path, "Range", "bytes=0-1,5-6").statusCode()).isEqualTo(200);

    // If-Range: the range only while the client's copy is current, else the whole image.
    HttpResponse<byte[]> current = get(path, "Range", "bytes=0-99", "If-Range", etag);
    assertThat(current.statusCode()).isEqualTo(206);
    assertThat(current.headers().firstValue("content-range")).hasValue("bytes 0-99/" + size);
    assertThat(current.body()).isEqualTo(java.util.Arrays.copyOfRange(whole, 0, 100));
    HttpResponse<byte[]> stale = get(path, "Range", "bytes=0-99", "If-Range", "\"stale\"");
    assertThat(stale.statusCode()).isEqualTo(200);
    assertThat(stale.body()).isEqualTo(whole);
  }

  @Test
  void unknownAndInvalidNames() {
    HttpResponse<byte[]> missing =
        get("/images/nobody/3f2a9c0e5b7d4e1f8a6b2c3d4e5f6a7b-Zk3_qW9xL2c");
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(new String(missing.body())).isEqualTo("{\"detail\":\"Image not found\"}");
    HttpResponse<byte[]> badId = get("/images/ns/bad.id");
    assertThat(badId.statusCode()).isEqualTo(400);
    assertThat(new String(badId.body())).isEqualTo("{\"detail\":\"Invalid image_id\"}");
    HttpResponse<byte[]> badNamespace = get("/images/.hidden/abc");
    assertThat(badNamespace.statusCode()).isEqualTo(400);
    assertThat(new String(badNamespace.body())).isEqualTo("{\"detail\":\"Invalid namespace\"}");
    assertThat(uploadJson("a..b", "{\"data\":\"x\"}").statusCode()).isEqualTo(400);
    assertThat(uploadJson("x".repeat(129), "{\"data\":\"x\"}").statusCode()).isEqualTo(400);
  }

  @Test
  void deleteNamespaceAndDeleteOne() {
    String first = upload("gone", TestImages.png(10, 10)).get("image_id").asString();
    String second = upload("gone", TestImages.png(10, 10)).get("image_id").asString();
    upload("gone", TestImages.png(10, 10));

    HttpResponse<String> one =
        server.send(server.request("/images/gone/" + first).DELETE().build());
    assertThat(one.statusCode()).isEqualTo(200);
    assertThat(one.body()).isEqualTo("{\"deleted_count\":1}");
    assertThat(get("/images/gone/" + first).statusCode()).isEqualTo(404);
    HttpResponse<String> again =
        server.send(server.request("/images/gone/" + first).DELETE().build());
    assertThat(again.statusCode()).isEqualTo(404);
    assertThat(again.body()).isEqualTo("{\"detail\":\"Image not found\"}");

    HttpResponse<String> all = server.send(server.request("/images/gone").DELETE().build());
    assertThat(all.statusCode()).isEqualTo(200);
    assertThat(all.body()).isEqualTo("{\"deleted_count\":2}");
    assertThat(get("/images/gone/" + second).statusCode()).isEqualTo(404);
    HttpResponse<String> empty =
        server.send(server.request("/images/never-there").DELETE().build());
    assertThat(empty.body()).isEqualTo("{\"deleted_count\":0}");
  }

  @Test
  void validationErrorsHaveTheOriginalsShape() {
    HttpResponse<String> missing = uploadJson("v", "{}");
    assertThat(missing.statusCode()).isEqualTo(422);
    assertThat(missing.body())
        .isEqualTo(
            "{\"detail\":[{\"loc\":[\"body\",\"data\"],\"msg\":\"Field required\",\"type\":\"missing\"}]}");
    HttpResponse<String> wrongType = uploadJson("v", "{\"data\": 12}");
    assertThat(wrongType.statusCode()).isEqualTo(422);
    assertThat(wrongType.body()).contains("\"type\":\"string_type\"");
    HttpResponse<String> broken = uploadJson("v", "{\"data\": ");
    assertThat(broken.statusCode()).isEqualTo(422);
    assertThat(broken.body()).contains("\"type\":\"json_invalid\"");
    HttpResponse<String> list = uploadJson("v", "[1,2]");
    assertThat(list.statusCode()).isEqualTo(422);
  }

  @Test
  void badImagesAreClientErrors() {
    assertThat(uploadJson("bad", "{\"data\": \"!!!not base64!!!\"}").statusCode()).isEqualTo(400);
    String text = Base64.getEncoder().encodeToString("hello, world".getBytes());
    assertThat(uploadJson("bad", "{\"data\": \"" + text + "\"}").statusCode()).isEqualTo(400);
    String svg = Base64.getEncoder().encodeToString(TestImages.SVG);
    HttpResponse<String> unsupported = uploadJson("bad", "{\"data\": \"" + svg + "\"}");
    assertThat(unsupported.statusCode()).isEqualTo(415);
    assertThat(unsupported.body()).startsWith("{\"detail\":\"");
    String bmp = Base64.getEncoder().encodeToString(TestImages.bmp(10, 10));
    assertThat(uploadJson("bad", "{\"data\": \"" + bmp + "\"}").statusCode()).isEqualTo(415);
    byte[] jpeg = TestImages.jpeg(300, 300);
    String truncated =
        Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(jpeg, jpeg.length / 3));
    assertThat(uploadJson("bad", "{\"data\": \"" + truncated + "\"}").statusCode()).isEqualTo(400);
    String wrongMime =
        "data:text/html;base64," + Base64.getEncoder().encodeToString(TestImages.png(2, 2));
    assertThat(uploadJson("bad", "{\"data\": \"" + wrongMime + "\"}").statusCode()).isEqualTo(400);
    HttpResponse<String> textBody =
        server.send(
            server
                .request("/images/bad")
                .header("Content-Type", "text/plain")
                .POST(BodyPublishers.ofString("hello"))
                .build());
    assertThat(textBody.statusCode()).isEqualTo(415);
    assertThat(textBody.body()).isEqualTo("{\"detail\":\"Unsupported Media Type\"}");
  }

  /** A valid image of more than MAX_INPUT_PIXELS (50 million): 100 million pixels in 12 KB. */
  @Test
  void tooManyPixelsIs422() {
    byte[] bomb = TestImages.pngOfZeros(10_000, 10_000);
    HttpResponse<String> json = server.upload("bombs", bomb);
    assertThat(json.statusCode()).as(json.body()).isEqualTo(422);
    assertThat(json.body())
        .isEqualTo("{\"detail\":\"Image has 10000×10000 pixels, over the limit of 50000000\"}");
    HttpResponse<String> raw = uploadRaw("bombs", "image/png", BodyPublishers.ofByteArray(bomb));
    assertThat(raw.statusCode()).as(raw.body()).isEqualTo(422);
    assertThat(raw.body()).isEqualTo(json.body());
  }

  @Test
  void oversizedBodiesAre413BeforeTheBodyIsSent() throws Exception {
    // Only the headers go out, and the body never follows: a 413 can only come from the declared
    // length (a server waiting for the body would time out reading it, and answer otherwise).
    for (String type : new String[] {"image/png", "application/json"}) {
      try (java.net.Socket socket = new java.net.Socket("127.0.0.1", server.port())) {
        socket.setSoTimeout(30_000); // only so that a hang fails instead of stalling the build
        socket
            .getOutputStream()
            .write(
                ("POST /images/big HTTP/1.1\r\nHost: x\r\nContent-Type: "
                        + type
                        + "\r\nContent-Length: 5242880\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
        String answer = RawHttp.readResponse(socket.getInputStream()).text();
        assertThat(answer).startsWith("HTTP/1.1 413");
        assertThat(answer).endsWith("{\"detail\":\"Request body too large\"}");
      }
    }
  }

  @Test
  void oversizedChunkedBodiesAre413() throws Exception {
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", server.port())) {
      socket.setSoTimeout(10_000);
      var out = socket.getOutputStream();
      out.write(
          "POST /images/big HTTP/1.1\r\nHost: x\r\nContent-Type: image/jpeg\r\nTransfer-Encoding: chunked\r\n\r\n"
              .getBytes(StandardCharsets.ISO_8859_1));
      byte[] chunk = new byte[64 * 1024];
      byte[] head =
          (Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
      try {
        for (int i = 0; i < 128; i++) { // 8 MiB offered, 4 MiB allowed
          out.write(head);
          out.write(chunk);
          out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
        }
      } catch (java.io.IOException closedByServer) {
        // expected once the server has answered and closed
      }
      String answer =
          new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
      assertThat(answer).startsWith("HTTP/1.1 413");
    }
  }
}
