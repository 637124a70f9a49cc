package com.imageserving.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class VariantSettingsTest {

  @Test
  void defaultsFollowTheContract() {
    VariantSettings v = Settings.from(Map.of()).variants();
    assertThat(v.signingKeys()).isEmpty();
    assertThat(v.signing()).isFalse();
    assertThat(v.signatureSize()).isEqualTo(32);
    assertThat(v.presets()).isEmpty();
    assertThat(v.onlyPresets()).isFalse();
    assertThat(v.autoWebp()).isFalse();
    assertThat(v.autoAvif()).isFalse();
    assertThat(v.maxResultDimension()).isEqualTo(4096);
    assertThat(v.maxVariantsPerImage()).isEqualTo(24);
    assertThat(v.variantCache()).isTrue();
  }

  @Test
  void everyVariableIsRead() {
    VariantSettings v =
        Settings.from(
                Map.of(
                    "URL_SIGNING_KEY", "aa11, BB22",
                    "URL_SIGNING_SALT", "cc33,dd44",
                    "URL_SIGNATURE_SIZE", "8",
                    "PRESETS", "{\"avatar\": \"rs:fill:96:96/g:sm\", \"card\": \"w:320\"}",
                    "ONLY_PRESETS", "true",
                    "AUTO_WEBP", "true",
                    "AUTO_AVIF", "1",
                    "MAX_RESULT_DIMENSION", "2000",
                    "MAX_VARIANTS_PER_IMAGE", "3",
                    "VARIANT_CACHE", "false"))
            .variants();
    assertThat(v)
        .isEqualTo(
            new VariantSettings(
                List.of(
                    new VariantSettings.SigningKey("aa11", "cc33"),
                    new VariantSettings.SigningKey("BB22", "dd44")),
                8,
                Map.of("avatar", "rs:fill:96:96/g:sm", "card", "w:320"),
                true,
                true,
                true,
                2000,
                3,
                false));
    assertThat(v.presets().keySet()).containsExactly("avatar", "card");
    assertThat(v.signing()).isTrue();
  }

  @Test
  void keysNeverAppearInToString() {
    Settings s =
        Settings.from(Map.of("URL_SIGNING_KEY", "abcdef0123", "URL_SIGNING_SALT", "fedcba9876"));
    assertThat(s.toString()).doesNotContain("abcdef0123", "fedcba9876");
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "URL_SIGNING_KEY|secret|URL_SIGNING_KEY: expected hex-encoded bytes",
        "URL_SIGNING_KEY|abc|URL_SIGNING_KEY: expected hex-encoded bytes",
        "URL_SIGNING_KEY|aa11|URL_SIGNING_SALT: expected one salt per key (1 keys, 0 salts)",
        "URL_SIGNING_SALT|aa11|URL_SIGNING_KEY: required when URL_SIGNING_SALT is set",
        "URL_SIGNATURE_SIZE|0|URL_SIGNATURE_SIZE: must be between 1 and 32",
        "URL_SIGNATURE_SIZE|33|URL_SIGNATURE_SIZE: must be between 1 and 32",
        "PRESETS|[1]|PRESETS: expected a JSON object",
        "PRESETS|{\"a\": 1}|PRESETS: expected a JSON object",
        "PRESETS|{a|PRESETS: invalid JSON",
        "ONLY_PRESETS|sometimes|ONLY_PRESETS: expected true or false",
        "AUTO_WEBP|2|AUTO_WEBP: expected true or false",
        "AUTO_AVIF|x|AUTO_AVIF: expected true or false",
        "MAX_RESULT_DIMENSION|0|MAX_RESULT_DIMENSION: must be between 1",
        "MAX_VARIANTS_PER_IMAGE|-1|MAX_VARIANTS_PER_IMAGE: must be between 0",
        "VARIANT_CACHE|nope|VARIANT_CACHE: expected true or false",
      })
  void invalidValuesNameTheVariable(String name, String value, String message) {
    assertThatThrownBy(() -> Settings.from(Map.of(name, value)))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(message)
        .hasMessageNotContaining("\n");
  }

  @Test
  void pairsMustMatchInNumber() {
    assertThatThrownBy(
            () -> Settings.from(Map.of("URL_SIGNING_KEY", "aa,bb", "URL_SIGNING_SALT", "cc")))
        .hasMessage("URL_SIGNING_SALT: expected one salt per key (2 keys, 1 salts)");
  }
}
