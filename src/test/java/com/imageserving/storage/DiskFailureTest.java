package com.imageserving.storage;

import static org.assertj.core.api.Assertions.assertThat;

import com.imageserving.support.TestImages;
import com.imageserving.support.TestServer;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** A local disk that refuses a write, over HTTP: 500 "Failed to save image" (API.md §3). */
class DiskFailureTest {

  @Test
  void aWriteTheDiskRefusesIs500FailedToSaveImage() throws Exception {
    try (TestServer server = TestServer.start()) {
      byte[] image = TestImages.png(20, 10);
      // The namespace's folder is a file, so no image can be written into it. (Tests run as root,
      // which a folder without write permission would not stop.)
      Path folder = server.uploads().resolve("images").resolve("broken");
      Files.createDirectories(folder.getParent());
      Files.writeString(folder, "not a folder");

      HttpResponse<String> failed = server.upload("broken", image);
      assertThat(failed.statusCode()).as(failed.body()).isEqualTo(500);
      assertThat(failed.body()).isEqualTo("{\"detail\":\"Failed to save image\"}");
      assertThat(Files.readString(folder)).isEqualTo("not a folder");

      // The failure is that namespace's alone.
      assertThat(server.upload("working", image).statusCode()).isEqualTo(200);
    }
  }
}
