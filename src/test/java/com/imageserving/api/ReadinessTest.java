package com.imageserving.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.imageserving.support.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** /ready follows the storage backend; /health only says the process runs. */
class ReadinessTest {

  @Test
  void readyIs503WhenTheUploadsFolderIsUnusable() throws Exception {
    Path file = Files.createTempFile("not-a-folder", ".txt");
    try (TestServer server = TestServer.start(Map.of("UPLOADS_PATH", file.toString()))) {
      var ready = server.get("/ready");
      assertThat(ready.statusCode()).isEqualTo(503);
      assertThat(ready.body()).startsWith("{\"status\":\"unavailable\",\"detail\":\"");
      assertThat(server.get("/health").statusCode()).isEqualTo(200);
    }
  }
}
