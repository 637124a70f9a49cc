package com.imageserving.variants;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.imageserving.config.Settings;
import com.imageserving.config.VariantSettings;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;

/** imgproxy's signatures: the documented example, rotation, size, and refusals. */
class UrlSigningTest {
  // imgproxy's "Signing a URL" example: key "secret", salt "hello", hex-encoded.
  static final String DOC_KEY = "736563726574";
  static final String DOC_SALT = "68656C6C6F";

  static VariantSettings settings(String... vars) {
    Map<String, String> env = new HashMap<>();
    for (int i = 0; i < vars.length; i += 2) {
      env.put(vars[i], vars[i + 1]);
    }
    return Settings.from(env).variants();
  }

  @Test
  void imgproxysDocumentedExampleSignsTheSame() {
    UrlSignatures signatures =
        new UrlSignatures(settings("URL_SIGNING_KEY", DOC_KEY, "URL_SIGNING_SALT", DOC_SALT));
    // docs.imgproxy.net/usage/signing_url
    String path =
        "/rs:fill:300:400:0/g:sm/aHR0cDovL2V4YW1w/bGUuY29tL2ltYWdl/cy9jdXJpb3NpdHku/anBn.png";
    assertThat(signatures.sign(path)).isEqualTo("oKfUtW34Dvo2BGQehJFR4Nr0_rIjOtdtzJ3QFsUcXH8");
    assertThatCode(() -> signatures.verify("oKfUtW34Dvo2BGQehJFR4Nr0_rIjOtdtzJ3QFsUcXH8", path))
        .doesNotThrowAnyException();
    // The same example in the older docs (basic URL format).
    String basic = "/fill/300/400/sm/0/aHR0cDovL2V4YW1w/bGUuY29tL2ltYWdl/cy9jdXJpb3NpdHku/anBn.png";
    assertThat(signatures.sign(basic)).isEqualTo("AfrOrF3gWeDA6VOlDG4TzxMv39O7MXnF4CXpKUwGqRM");
  }

  @Test
  void aWrongOrMalformedSignatureIsA403() {
    UrlSignatures signatures =
        new UrlSignatures(settings("URL_SIGNING_KEY", DOC_KEY, "URL_SIGNING_SALT", DOC_SALT));
    String path = "/w:100/plain/local:///ns/id";
    String good = signatures.sign(path);
    for (String bad :
        new String[] {
          "insecure", "", "!!!", good.substring(1), good + "A", signatures.sign(path + "x")
        }) {
      assertThatThrownBy(() -> signatures.verify(bad, path))
          .as(bad)
          .isInstanceOfSatisfying(
              VariantException.class, e -> assertThat(e.status()).isEqualTo(HttpStatus.FORBIDDEN))
          .hasMessage("Invalid signature");
    }
    assertThatThrownBy(() -> signatures.verify(good, path.replace("100", "101")))
        .hasMessage("Invalid signature");
  }

  @Test
  void anyOfSeveralKeySaltPairsSigns() {
    UrlSignatures rotated =
        new UrlSignatures(
            settings("URL_SIGNING_KEY", "aa11,bb22", "URL_SIGNING_SALT", "cc33, dd44"));
    UrlSignatures oldPair =
        new UrlSignatures(settings("URL_SIGNING_KEY", "aa11", "URL_SIGNING_SALT", "cc33"));
    UrlSignatures newPair =
        new UrlSignatures(settings("URL_SIGNING_KEY", "bb22", "URL_SIGNING_SALT", "dd44"));
    UrlSignatures mixed =
        new UrlSignatures(settings("URL_SIGNING_KEY", "aa11", "URL_SIGNING_SALT", "dd44"));
    String path = "/w:10/plain/local:///ns/id";
    assertThatCode(() -> rotated.verify(oldPair.sign(path), path)).doesNotThrowAnyException();
    assertThatCode(() -> rotated.verify(newPair.sign(path), path)).doesNotThrowAnyException();
    // Keys and salts pair up by position, not in any combination.
    assertThatThrownBy(() -> rotated.verify(mixed.sign(path), path))
        .hasMessage("Invalid signature");
  }

  @Test
  void theSignatureSizeTruncatesTheDigest() {
    UrlSignatures full =
        new UrlSignatures(settings("URL_SIGNING_KEY", DOC_KEY, "URL_SIGNING_SALT", DOC_SALT));
    UrlSignatures eight =
        new UrlSignatures(
            settings(
                "URL_SIGNING_KEY",
                DOC_KEY,
                "URL_SIGNING_SALT",
                DOC_SALT,
                "URL_SIGNATURE_SIZE",
                "8"));
    String path = "/w:10/plain/local:///ns/id";
    String shortSignature = eight.sign(path);
    assertThat(shortSignature).hasSize(11); // 8 bytes, base64url without padding
    assertThat(full.sign(path)).hasSize(43).startsWith(shortSignature.substring(0, 10));
    assertThatCode(() -> eight.verify(shortSignature, path)).doesNotThrowAnyException();
    assertThatThrownBy(() -> eight.verify(full.sign(path), path)).hasMessage("Invalid signature");
  }

  @Test
  void withoutAKeyAnySignatureIsAccepted() {
    UrlSignatures none = new UrlSignatures(settings());
    assertThat(none.enabled()).isFalse();
    assertThatCode(() -> none.verify("insecure", "/anything")).doesNotThrowAnyException();
    assertThatCode(() -> none.verify("", "/anything")).doesNotThrowAnyException();
  }
}
