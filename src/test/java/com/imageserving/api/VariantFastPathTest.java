package com.imageserving.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.imageserving.HostingService;
import com.imageserving.config.Settings;
import com.imageserving.imaging.ImageInput;
import com.imageserving.imaging.ImageProcessor;
import com.imageserving.imaging.ImageSummary;
import com.imageserving.imaging.InputBudget;
import com.imageserving.imaging.ProcessedImage;
import com.imageserving.imaging.RenderSpec;
import com.imageserving.storage.LocalImageStore;
import com.imageserving.storage.ReadRequest;
import com.imageserving.support.TestImages;
import com.imageserving.variants.ImageRef;
import com.imageserving.variants.VariantService;
import com.imageserving.variants.VariantUrls;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

/**
 * Which variant requests the fast path answers itself (kept variants, both spellings), and that
 * everything else goes on to the controllers, a miss marked so storage is not asked twice.
 */
class VariantFastPathTest {
  private static final String ID = "0123456789abcdef0123456789abcdef-AAAAAAAAAAA";
  private static final byte[] RENDERED = {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3, 4, 5, 6};
  // Signed with key 736563726574 ("secret") and salt 68656c6c6f ("hello").
  private static final Map<String, String> SIGNED =
      Map.of("URL_SIGNING_KEY", "736563726574", "URL_SIGNING_SALT", "68656c6c6f");

  @TempDir Path uploads;
  final AtomicInteger renders = new AtomicInteger();
  final SimpleMeterRegistry metrics = new SimpleMeterRegistry();
  VariantService variants;
  VariantFastPath fastPath;

  @BeforeEach
  void setUp() throws Exception {
    Path dir = Files.createDirectories(uploads.resolve("images").resolve("ns"));
    Files.write(dir.resolve(ID + ".jpg"), TestImages.jpeg(64, 48));
    start(Map.of());
  }

  private void start(Map<String, String> env) {
    Map<String, String> vars = new java.util.HashMap<>(env);
    vars.put("UPLOADS_PATH", uploads.toString());
    Settings settings = Settings.from(vars);
    ImageProcessor fake =
        new ImageProcessor() {
          @Override
          public ProcessedImage process(ImageInput input, int maxSize) {
            throw new AssertionError("variants never process uploads");
          }

          @Override
          public ProcessedImage render(ImageInput input, RenderSpec spec) {
            renders.incrementAndGet();
            return new ProcessedImage(RENDERED, spec.format(), 2, 1);
          }

          @Override
          public ImageSummary summarize(ImageInput input) {
            throw new AssertionError("variants never summarize");
          }
        };
    LocalImageStore store = new LocalImageStore(uploads);
    HostingService hosting = new HostingService(fake, store, settings.imaging(), metrics);
    variants =
        new VariantService(
            store,
            fake,
            new InputBudget(settings.imaging()),
            settings.variants(),
            settings.imaging(),
            metrics);
    fastPath =
        new VariantFastPath(
            new VariantUrls(settings.variants()),
            variants,
            new BaseUrl(settings.server()),
            new ImageResponses(hosting, settings.storage()));
  }

  private MockFilterChain run(MockHttpServletRequest request, MockHttpServletResponse response)
      throws Exception {
    MockFilterChain chain = new MockFilterChain();
    fastPath.doFilter(request, response, chain);
    return chain;
  }

  private static MockHttpServletRequest get(String method, String target) {
    int q = target.indexOf('?');
    MockHttpServletRequest request =
        new MockHttpServletRequest(method, q < 0 ? target : target.substring(0, q));
    if (q >= 0) {
      request.setQueryString(target.substring(q + 1));
    }
    return request;
  }

  private double hits() {
    return metrics.get("variants.served").tag("outcome", "hit").counter().count();
  }

  /** Renders and keeps the variant, as the controller does after the fast path's miss. */
  private void keep(String options) throws Exception {
    var parsed =
        new VariantUrls(Settings.from(Map.of()).variants()).parseQuery("/images/ns/" + ID, options);
    assertThat(parsed).isNotNull();
    variants.serve(new ImageRef("ns", ID), parsed, null, ReadRequest.GET, true);
  }

  @Test
  void aMissGoesOnMarkedAndAKeptVariantIsAnsweredHereInBothSpellings() throws Exception {
    String query = "/images/ns/" + ID + "?w=2&f=png";
    MockFilterChain missed = run(get("GET", query), new MockHttpServletResponse());
    assertThat(missed.getRequest()).isNotNull();
    assertThat(missed.getRequest().getAttribute(VariantFastPath.KEPT_MISSED))
        .isEqualTo(Boolean.TRUE);

    keep("w=2&f=png");
    assertThat(renders).hasValue(1);
    for (String target :
        new String[] {
          query,
          "/images/ns/" + ID + "?width=2&format=png&utm=x",
          "/variants/_/w:2/plain/local:///ns/" + ID + "@png",
          "/variants/insecure/rs:fit:2:0/f:png/plain/local:///ns/" + ID,
        }) {
      double hits = hits();
      MockHttpServletResponse response = new MockHttpServletResponse();
      MockFilterChain chain = run(get("GET", target), response);
      assertThat(chain.getRequest()).as(target).isNull();
      assertThat(response.getStatus()).as(target).isEqualTo(200);
      assertThat(response.getContentAsByteArray()).as(target).isEqualTo(RENDERED);
      assertThat(response.getContentType()).as(target).isEqualTo("image/png");
      assertThat(response.getHeader("Cache-Control")).isEqualTo("public, max-age=86400");
      assertThat(response.getHeader("ETag")).startsWith("\"");
      assertThat(response.getHeader("Last-Modified")).isNotNull();
      assertThat(response.getHeader("Vary")).isNull();
      assertThat(hits()).as(target).isEqualTo(hits + 1);
    }
    assertThat(renders).hasValue(1);
  }

  @Test
  void headRangesAndValidatorsOfAKeptVariant() throws Exception {
    keep("w=2&f=png");
    String path = "/variants/_/w:2/plain/local:///ns/" + ID + "@png";
    MockHttpServletResponse head = new MockHttpServletResponse();
    assertThat(run(get("HEAD", path), head).getRequest()).isNull();
    assertThat(head.getContentLengthLong()).isEqualTo(RENDERED.length);
    assertThat(head.getContentAsByteArray()).isEmpty();

    MockHttpServletRequest ranged = get("GET", path);
    ranged.addHeader("Range", "bytes=1-3");
    MockHttpServletResponse partial = new MockHttpServletResponse();
    assertThat(run(ranged, partial).getRequest()).isNull();
    assertThat(partial.getStatus()).isEqualTo(206);
    assertThat(partial.getContentAsByteArray()).containsExactly('P', 'N', 'G');

    MockHttpServletRequest conditional = get("GET", path);
    conditional.addHeader("If-None-Match", head.getHeader("ETag"));
    MockHttpServletResponse notModified = new MockHttpServletResponse();
    assertThat(run(conditional, notModified).getRequest()).isNull();
    assertThat(notModified.getStatus()).isEqualTo(304);
  }

  @Test
  void aBadSignatureIsNeverServedHere() throws Exception {
    keep("w=2&f=png");
    start(SIGNED);
    for (String target :
        new String[] {
          "/variants/badsig/w:2/plain/local:///ns/" + ID + "@png",
          "/images/ns/" + ID + "?w=2&f=png",
          "/images/ns/" + ID + "?w=2&f=png&sig=badsig",
        }) {
      MockHttpServletResponse response = new MockHttpServletResponse();
      MockFilterChain chain = run(get("GET", target), response);
      assertThat(chain.getRequest()).as(target).isNotNull();
      assertThat(response.getContentAsByteArray()).as(target).isEmpty();
    }
  }

  @Test
  void everythingElseGoesOnUnmarked() throws Exception {
    keep("w=2&f=png");
    start(Map.of("AUTO_WEBP", "true"));
    String[][] requests = {
      {"GET", "/images/ns/" + ID}, // no options: the original's
      {"GET", "/images/ns/" + ID + "?w=2"}, // the stored image's format: needs the original
      {"GET", "/images/ns/" + ID + "?w=2&f=png&exp=1"}, // expired
      {"GET", "/images/ns/" + ID + "?w=x&f=png"}, // bad argument
      {"GET", "/images/n%73/" + ID + "?w=2&f=png"}, // encoded names: the controller refuses
      {"GET", "/variants/_/w:2/plain/https://elsewhere.example/x.png"},
      {"GET", "/variants/_"},
      {"DELETE", "/images/ns/" + ID + "?w=2&f=png"},
      {"POST", "/variants/_/w:2/plain/local:///ns/" + ID + "@png"},
    };
    for (String[] r : requests) {
      MockHttpServletResponse response = new MockHttpServletResponse();
      MockFilterChain chain = run(get(r[0], r[1]), response);
      assertThat(chain.getRequest()).as("%s %s", r[0], r[1]).isNotNull();
      assertThat(chain.getRequest().getAttribute(VariantFastPath.KEPT_MISSED))
          .as("%s %s", r[0], r[1])
          .isNull();
      assertThat(response.getContentAsByteArray()).as("%s %s", r[0], r[1]).isEmpty();
    }
  }

  @Test
  void aFormatFromAcceptIsServedHereWithVaryAccept() throws Exception {
    start(Map.of("AUTO_WEBP", "true"));
    MockHttpServletRequest first = get("GET", "/images/ns/" + ID + "?w=2");
    first.addHeader("Accept", "image/webp,*/*");
    MockFilterChain missed = run(first, new MockHttpServletResponse());
    assertThat(missed.getRequest()).isNotNull();
    assertThat(missed.getRequest().getAttribute(VariantFastPath.KEPT_MISSED))
        .isEqualTo(Boolean.TRUE);
    var options =
        new VariantUrls(Settings.from(Map.of()).variants()).parseQuery("/images/ns/" + ID, "w=2");
    assertThat(options).isNotNull();
    variants.serve(new ImageRef("ns", ID), options, "image/webp", ReadRequest.GET, true);

    MockHttpServletRequest again = get("GET", "/images/ns/" + ID + "?w=2");
    again.addHeader("Accept", "image/webp,*/*");
    MockHttpServletResponse response = new MockHttpServletResponse();
    assertThat(run(again, response).getRequest()).isNull();
    assertThat(response.getHeader("Vary")).isEqualTo("Accept");
    assertThat(response.getContentAsByteArray()).isEqualTo(RENDERED);
  }
}
