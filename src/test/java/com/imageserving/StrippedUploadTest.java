package com.imageserving;

import static org.assertj.core.api.Assertions.assertThat;

import com.imageserving.imaging.ContainerMetadata;
import com.imageserving.support.TestServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A photo with EXIF (GPS, camera), XMP and IPTC, uploaded over HTTP and served back, carries none
 * of it in any output format: the served bytes' container is read, not the library's opinion.
 */
class StrippedUploadTest {

  @ParameterizedTest
  @ValueSource(strings = {"jpeg", "webp", "png", "avif"})
  void theServedImageHasNoMetadata(String format) throws IOException {
    byte[] photo;
    try (InputStream in = getClass().getResourceAsStream("/images/gps.jpg")) {
      photo = in.readAllBytes();
    }
    assertThat(ContainerMetadata.found(photo)).isNotEmpty();
    try (TestServer server = TestServer.start(Map.of("OUTPUT_FORMAT", format))) {
      HttpResponse<String> upload =
          server.send(
              server
                  .request("/images/strip")
                  .header("Content-Type", "image/jpeg")
                  .POST(BodyPublishers.ofByteArray(photo))
                  .build());
      assertThat(upload.statusCode()).isEqualTo(200);
      JsonNode body = JsonMapper.builder().build().readTree(upload.body());
      HttpResponse<byte[]> served =
          server.sendForBytes(
              server.request("/images/strip/" + body.get("image_id").asString()).GET().build());
      assertThat(served.statusCode()).isEqualTo(200);
      assertThat(ContainerMetadata.found(served.body())).isEmpty();
    }
  }
}
