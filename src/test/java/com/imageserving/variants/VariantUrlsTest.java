package com.imageserving.variants;

import static com.imageserving.variants.UrlSigningTest.DOC_KEY;
import static com.imageserving.variants.UrlSigningTest.DOC_SALT;
import static com.imageserving.variants.UrlSigningTest.settings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.imageserving.config.OutputFormat;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Whole variant URLs: where options end, both source spellings, extensions, signatures. */
class VariantUrlsTest {
  private static final String BASE = "http://img.example:8080";
  private static final String ID = "0123456789abcdef0123456789abcdef-Zk3_qW9xL2c";
  private static final ImageRef IMAGE = new ImageRef("avatars", ID);
  private final VariantUrls open = new VariantUrls(settings());
  private final VariantUrls signed =
      new VariantUrls(settings("URL_SIGNING_KEY", DOC_KEY, "URL_SIGNING_SALT", DOC_SALT));
  private final UrlSignatures signer =
      new UrlSignatures(settings("URL_SIGNING_KEY", DOC_KEY, "URL_SIGNING_SALT", DOC_SALT));

  private static String b64(String s) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void plainAndEncodedSourcesNameTheSameImage() {
    String own = BASE + "/images/avatars/" + ID;
    String encodedOwn = own.replace(":", "%3A").replace("/", "%2F");
    for (String path :
        new String[] {
          "/insecure/w:100/plain/local:///avatars/" + ID,
          "/insecure/w:100/plain/local:///avatars/" + ID + ".jpg",
          "/insecure/w:100/plain/local%3A%2F%2F%2Favatars%2F" + ID,
          "/_/w:100/plain/" + own,
          "/_/w:100/plain/" + encodedOwn,
          "/_/w:100/plain/" + own.replace("http://img.example", "HTTP://IMG.EXAMPLE"),
          "/x/w:100/" + b64("local:///avatars/" + ID),
          "/x/w:100/" + b64(own),
          // base64 split by '/', as imgproxy allows
          "/x/w:100/" + b64(own).substring(0, 10) + "/" + b64(own).substring(10),
        }) {
      VariantUrls.Request request = open.parsePath(path, BASE);
      assertThat(request.image()).as(path).isEqualTo(IMAGE);
      assertThat(request.options().width()).as(path).isEqualTo(100);
      assertThat(request.options().format()).as(path).isNull();
    }
  }

  @Test
  void theExtensionChoosesTheFormat() {
    assertThat(
            open.parsePath("/s/w:1/plain/local:///avatars/" + ID + "@webp", BASE)
                .options()
                .format())
        .isEqualTo(OutputFormat.WEBP);
    assertThat(
            open.parsePath("/s/f:png/" + b64("local:///avatars/" + ID) + ".avif", BASE)
                .options()
                .format())
        .isEqualTo(OutputFormat.AVIF);
    assertThat(open.parsePath("/s/plain/local:///avatars/" + ID + "@", BASE).options())
        .isEqualTo(VariantOptions.DEFAULTS);
    assertThatThrownBy(() -> open.parsePath("/s/plain/local:///avatars/" + ID + "@gif", BASE))
        .hasMessage(
            "Invalid extension: format must be one of jpg, jpeg, png, webp, avif, got 'gif'");
  }

  @Test
  void noOptionsAtAllIsTheSourceReEncoded() {
    assertThat(open.parsePath("/s/plain/local:///avatars/" + ID, BASE).options())
        .isEqualTo(VariantOptions.DEFAULTS);
    assertThat(open.parsePath("/s/" + b64("local:///avatars/" + ID), BASE).image())
        .isEqualTo(IMAGE);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/s/w:1/plain/http://other.example:8080/images/avatars/" + ID,
        "/s/w:1/plain/http://img.example:8081/images/avatars/" + ID,
        "/s/w:1/plain/https://img.example:8080/images/avatars/" + ID,
        "/s/w:1/plain/http://img.example:8080/api/images/avatars/" + ID,
        "/s/w:1/plain/http://img.example:8080/images/avatars/" + ID + "/x",
        "/s/w:1/plain/http://img.example:8080/images/avatars/" + ID + "%3Fv%3D1",
        "/s/w:1/plain/http://user%40img.example:8080/images/avatars/" + ID,
        "/s/w:1/plain/http://169.254.169.254/latest/meta-data",
        "/s/w:1/plain/s3://bucket/images/avatars/" + ID,
        "/s/w:1/plain/file:///etc/passwd",
        "/s/w:1/plain/local:///avatars/a/" + ID,
        "/s/w:1/plain/local://avatars/" + ID,
        "/s/w:1/plain/%zz",
        "/s/w:1/plain/a@b@webp",
        "/s/w:1/plain/",
        "/s/w:1/not-base64!",
        "/s/w:1/" + "gICA", // not UTF-8
      })
  void anythingElseIsAnUnsupportedSource(String path) {
    assertThatThrownBy(() -> open.parsePath(path, BASE)).hasMessage("Unsupported source");
  }

  @Test
  void sourceNamesAreCheckedAsForOriginals() {
    assertThatThrownBy(() -> open.parsePath("/s/plain/local:///..%2e/" + ID, BASE))
        .hasMessage("Invalid namespace");
    assertThatThrownBy(() -> open.parsePath("/s/plain/local:///.hidden/" + ID, BASE))
        .hasMessage("Invalid namespace");
    assertThatThrownBy(() -> open.parsePath("/s/plain/local:///ns/bad.id.x", BASE))
        .hasMessage("Invalid image_id");
    assertThatThrownBy(() -> open.parsePath("/s/plain/" + BASE + "/images/n%2573/" + ID, BASE))
        .hasMessage("Invalid namespace");
  }

  @Test
  void localSourcesAreReadExactly() {
    for (String ext :
        new String[] {"", ".jpg", ".JPG", ".jpeg", ".Png", ".gif", ".webp", ".AVIF"}) {
      assertThat(open.parsePath("/s/plain/local:///avatars/" + ID + ext, BASE).image())
          .isEqualTo(IMAGE);
    }
    // Only ASCII case is ignored: a dotless i is no 'i', so this id keeps its dot.
    assertThatThrownBy(() -> open.parsePath("/s/plain/local:///avatars/" + ID + ".av%C4%B1f", BASE))
        .hasMessage("Invalid image_id");
    assertThatThrownBy(() -> open.parsePath("/s/plain/local:///avatars/" + ID + ".jpg.x", BASE))
        .hasMessage("Invalid image_id");
    for (String source :
        new String[] {
          "local:///avatars/",
          "local:///avatars",
          "local:////" + ID,
          "local:///avatars/a/" + ID,
          "local:///avatars/" + ID + "%3Fx",
          "local:///avatars/" + ID + "%23x",
          "local:///ava%3Ftars/" + ID,
          "LOCAL:///avatars/" + ID,
          "local://avatars/" + ID,
        }) {
      assertThatThrownBy(() -> open.parsePath("/s/plain/" + source, BASE))
          .as(source)
          .hasMessage("Unsupported source");
    }
  }

  @Test
  void theBaseIsAskedForOnlyForAnOwnUrl() {
    java.util.concurrent.atomic.AtomicInteger asked =
        new java.util.concurrent.atomic.AtomicInteger();
    java.util.function.Supplier<String> base =
        () -> {
          asked.incrementAndGet();
          return BASE;
        };
    assertThat(open.parsePath("/s/w:1/plain/local:///avatars/" + ID, base).image())
        .isEqualTo(IMAGE);
    assertThat(asked).hasValue(0);
    assertThat(open.parsePath("/s/w:1/plain/" + BASE + "/images/avatars/" + ID, base).image())
        .isEqualTo(IMAGE);
    assertThat(asked).hasValue(1);
  }

  @Test
  void aPublicBaseUrlWithAPathIsTheImagesOwnUrl() {
    String base = "https://cdn.example/img";
    assertThat(
            open.parsePath("/s/plain/https://cdn.example/img/images/avatars/" + ID, base).image())
        .isEqualTo(IMAGE);
    assertThatThrownBy(
            () -> open.parsePath("/s/plain/https://cdn.example/images/avatars/" + ID, base))
        .hasMessage("Unsupported source");
  }

  @Test
  void malformedUrlsAre400() {
    assertThatThrownBy(() -> open.parsePath("", BASE))
        .hasMessageStartingWith("Invalid variant URL");
    assertThatThrownBy(() -> open.parsePath("/sig", BASE))
        .hasMessageStartingWith("Invalid variant URL");
    assertThatThrownBy(() -> open.parsePath("/sig/w:1/h:2", BASE)).hasMessage("Missing source");
  }

  @Test
  void aSignedUrlCoversEverythingAfterTheSignature() {
    String rest = "/rs:fill:300:400:0/g:sm/plain/local:///avatars/" + ID + "@png";
    String signature = signer.sign(rest);
    assertThat(signed.parsePath("/" + signature + rest, BASE).image()).isEqualTo(IMAGE);
    assertThatThrownBy(() -> signed.parsePath("/insecure" + rest, BASE))
        .hasMessage("Invalid signature");
    assertThatThrownBy(() -> signed.parsePath("/" + signature + rest.replace("300", "301"), BASE))
        .hasMessage("Invalid signature");
    assertThatThrownBy(
            () -> signed.parsePath("/" + signature + rest.replace("@png", "@webp"), BASE))
        .hasMessage("Invalid signature");
    // A proxy that merged the source's double slash does not break the signature.
    String own = "/w:10/plain/" + BASE + "/images/avatars/" + ID;
    String ownSignature = signer.sign(own);
    String merged = own.replace("http://", "http:/");
    assertThat(signed.parsePath("/" + ownSignature + merged, BASE).image()).isEqualTo(IMAGE);
    String local = "/w:10/plain/local:///avatars/" + ID;
    assertThat(
            signed.parsePath("/" + signer.sign(local) + local.replace(":///", ":/"), BASE).image())
        .isEqualTo(IMAGE);
  }

  @Test
  void aSignatureIsCheckedBeforeAnythingElse() {
    assertThatThrownBy(() -> signed.parsePath("/bad/zoom:2/plain/ftp://x", BASE))
        .hasMessage("Invalid signature");
  }

  @Test
  void theQueryFormIsSignedOverPathQuestionMarkAndTheQueryWithoutSig() {
    String path = "/images/avatars/" + ID;
    String query = "w=320&v=3&rt=fill";
    String sig = signer.sign(path + "?" + query);
    assertThat(signed.parseQuery(path, query + "&sig=" + sig))
        .isEqualTo(OptionsParsingTest.path("w:320/rt:fill"));
    assertThat(signed.parseQuery(path, "sig=" + sig + "&" + query)).isNotNull();
    assertThat(signed.parseQuery(path, "w=320&sig=" + sig + "&v=3&rt=fill")).isNotNull();
    // Parameters in the order sent: another order is another signature.
    assertThatThrownBy(() -> signed.parseQuery(path, "rt=fill&w=320&v=3&sig=" + sig))
        .hasMessage("Invalid signature");
    assertThatThrownBy(() -> signed.parseQuery(path, query)).hasMessage("Invalid signature");
    assertThatThrownBy(() -> signed.parseQuery("/images/avatars/other", query + "&sig=" + sig))
        .hasMessage("Invalid signature");
    // Without options there is nothing to sign: the stored image, as before.
    assertThat(signed.parseQuery(path, "v=3")).isNull();
    assertThat(signed.parseQuery(path, null)).isNull();
    // Without a key, sig is not needed and not checked.
    assertThat(open.parseQuery(path, query)).isNotNull();
    assertThat(open.parseQuery(path, query + "&sig=whatever")).isNotNull();
  }
}
