package com.imageserving.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.imageserving.HostingService;
import com.imageserving.config.ImagingSettings;
import com.imageserving.config.OutputFormat;
import com.imageserving.config.S3Settings;
import com.imageserving.config.StorageSettings;
import com.imageserving.imaging.ImageInput;
import com.imageserving.imaging.ImageProcessor;
import com.imageserving.imaging.ImageSummary;
import com.imageserving.imaging.ProcessedImage;
import com.imageserving.imaging.RenderSpec;
import com.imageserving.storage.ImageRead;
import com.imageserving.storage.LocalImageStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.http.HttpStatus;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

/** Which requests the fast path answers itself, and that everything else goes on to Spring MVC. */
class ServeFastPathTest {
  private static final String ID = "0123456789abcdef0123456789abcdef-AAAAAAAAAAA";
  private static final byte[] BYTES = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, 1, 2, 3, 4, 5};

  @TempDir Path uploads;
  ServeFastPath fastPath;
  HostingService hosting;
  ImageResponses responses;

  @BeforeEach
  void setUp() throws Exception {
    Path dir = Files.createDirectories(uploads.resolve("images").resolve("ns"));
    Files.write(dir.resolve(ID + ".jpg"), BYTES);
    ImageProcessor unused =
        new ImageProcessor() {
          @Override
          public ProcessedImage process(ImageInput input, int maxSize) {
            throw new AssertionError("serving never processes images");
          }

          @Override
          public ProcessedImage render(ImageInput input, RenderSpec spec) {
            throw new AssertionError("serving never renders images");
          }

          @Override
          public ImageSummary summarize(ImageInput input) {
            throw new AssertionError("serving never computes placeholders");
          }
        };
    hosting =
        new HostingService(
            unused,
            new LocalImageStore(uploads),
            new ImagingSettings(1200, 800, 1 << 20, 1_000_000L, OutputFormat.JPEG, 85, 1, 1, null),
            new SimpleMeterRegistry());
    StorageSettings storage =
        new StorageSettings(
            StorageSettings.Backend.LOCAL,
            uploads,
            86400,
            new S3Settings(null, "us-east-1", null, null, null, "images", null));
    responses = new ImageResponses(hosting, storage);
    fastPath = new ServeFastPath(hosting, responses);
  }

  private MockFilterChain run(MockHttpServletRequest request, MockHttpServletResponse response)
      throws Exception {
    MockFilterChain chain = new MockFilterChain();
    fastPath.doFilter(request, response, chain);
    return chain;
  }

  @Test
  void anImageDeletedBetweenFindAndOpenIsA404NotA500() throws Exception {
    var found = hosting.find("ns", ID).orElseThrow();
    Files.delete(uploads.resolve("images/ns/" + ID + ".jpg")); // the racing delete
    MockHttpServletResponse response = new MockHttpServletResponse();
    response.setHeader("X-Request-ID", "r-1"); // as the request-id filter sets it
    responses.write(
        ImageRead.found(found), new MockHttpServletRequest("GET", "/images/ns/" + ID), response);
    assertThat(response.getStatus()).isEqualTo(404);
    assertThat(response.getContentAsString()).isEqualTo("{\"detail\":\"Image not found\"}");
    assertThat(response.getContentType()).startsWith("application/json");
    assertThat(response.getHeader("X-Request-ID")).isEqualTo("r-1");
    assertThat(response.getHeaderNames())
        .doesNotContain("ETag", "Last-Modified", "Cache-Control", "Accept-Ranges");
  }

  @Test
  void servesAStoredImageWithoutGoingFurther() throws Exception {
    MockHttpServletResponse response = new MockHttpServletResponse();
    MockFilterChain chain = run(new MockHttpServletRequest("GET", "/images/ns/" + ID), response);
    assertThat(chain.getRequest()).isNull();
    assertThat(response.getStatus()).isEqualTo(200);
    assertThat(response.getContentAsByteArray()).isEqualTo(BYTES);
    assertThat(response.getContentType()).isEqualTo("image/jpeg");
    assertThat(response.getHeader("Cache-Control")).isEqualTo("public, max-age=86400");
    assertThat(response.getHeader("ETag")).startsWith("\"");
  }

  @Test
  void answersHeadRangesAndValidatorsToo() throws Exception {
    MockHttpServletResponse head = new MockHttpServletResponse();
    assertThat(run(new MockHttpServletRequest("HEAD", "/images/ns/" + ID), head).getRequest())
        .isNull();
    assertThat(head.getContentLengthLong()).isEqualTo(BYTES.length);
    assertThat(head.getContentAsByteArray()).isEmpty();

    MockHttpServletRequest ranged = new MockHttpServletRequest("GET", "/images/ns/" + ID);
    ranged.addHeader("Range", "bytes=2-4");
    MockHttpServletResponse partial = new MockHttpServletResponse();
    run(ranged, partial);
    assertThat(partial.getStatus()).isEqualTo(206);
    assertThat(partial.getContentAsByteArray()).containsExactly(0xFF, 1, 2);

    MockHttpServletRequest conditional = new MockHttpServletRequest("GET", "/images/ns/" + ID);
    conditional.addHeader("If-None-Match", head.getHeader("ETag"));
    MockHttpServletResponse notModified = new MockHttpServletResponse();
    run(conditional, notModified);
    assertThat(notModified.getStatus()).isEqualTo(304);
  }

  @Test
  void aMissIsHandedOnWithItsAnswerSoStorageIsAskedOnce() throws Exception {
    MockFilterChain missing =
        run(
            new MockHttpServletRequest(
                "GET", "/images/ns/0123456789abcdef0123456789abcdef-BBBBBBBBBBB"),
            new MockHttpServletResponse());
    assertThat(missing.getRequest()).isNotNull();
    assertThat(missing.getRequest().getAttribute(ServeFastPath.FAILED_LOOKUP))
        .isInstanceOfSatisfying(
            ApiException.class, e -> assertThat(e.status()).isEqualTo(HttpStatus.NOT_FOUND));
    // Names the fast path does not accept are never looked up here.
    MockFilterChain invalid =
        run(new MockHttpServletRequest("GET", "/images/n%73/" + ID), new MockHttpServletResponse());
    assertThat(invalid.getRequest()).isNotNull();
    assertThat(invalid.getRequest().getAttribute(ServeFastPath.FAILED_LOOKUP)).isNull();
  }

  @Test
  void everythingElseGoesOnToTheController() throws Exception {
    String[][] requests = {
      {"GET", "/images/ns/0123456789abcdef0123456789abcdef-BBBBBBBBBBB"}, // not stored
      {"GET", "/images/other/" + ID}, // no such namespace
      {"GET", "/images/n%73/" + ID}, // encoded: refused by the controller, not decoded here
      {"GET", "/images/ns/" + ID + ";x=1"},
      {"GET", "/images/ns/" + ID + "/more"},
      {"GET", "/images/ns/..%2f" + ID},
      {"GET", "/images/ns"},
      {"GET", "/other/ns/" + ID},
      {"DELETE", "/images/ns/" + ID},
      {"POST", "/images/ns/" + ID},
    };
    for (String[] r : requests) {
      MockHttpServletResponse response = new MockHttpServletResponse();
      MockFilterChain chain = run(new MockHttpServletRequest(r[0], r[1]), response);
      assertThat(chain.getRequest()).as("%s %s", r[0], r[1]).isNotNull();
      assertThat(response.getContentAsByteArray()).as("%s %s", r[0], r[1]).isEmpty();
    }
  }
}
