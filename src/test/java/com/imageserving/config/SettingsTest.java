package com.imageserving.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SettingsTest {

  @Test
  void defaultsFollowTheContract() {
    Settings s = Settings.from(Map.of());
    assertThat(s.server().appName()).isEqualTo("image-serving-service");
    assertThat(s.server().host()).isEqualTo("0.0.0.0");
    assertThat(s.server().port()).isEqualTo(8000);
    assertThat(s.server().debug()).isFalse();
    assertThat(s.server().logLevel()).isEqualTo("info");
    assertThat(s.server().corsOrigins()).containsExactly("*");
    assertThat(s.server().metricsEnabled()).isTrue();
    assertThat(s.server().publicBaseUrl()).isNull();
    assertThat(s.server().forwardedHeaders()).isFalse();
    assertThat(s.server().apiKeys()).isEmpty();
    assertThat(s.storage().backend()).isEqualTo(StorageSettings.Backend.LOCAL);
    assertThat(s.storage().uploadsPath()).isEqualTo(Path.of("uploads").toAbsolutePath());
    assertThat(s.storage().cacheMaxAge()).isEqualTo(86400);
    assertThat(s.storage().s3().region()).isEqualTo("us-east-1");
    assertThat(s.storage().s3().prefix()).isEqualTo("images");
    assertThat(s.storage().s3().variantsPrefix()).isEqualTo("variants");
    assertThat(s.imaging().maxUploadSize()).isEqualTo(1200);
    assertThat(s.imaging().maxFetchSize()).isEqualTo(800);
    assertThat(s.imaging().maxUploadBytes()).isEqualTo(20971520);
    assertThat(s.imaging().maxInputPixels()).isEqualTo(50_000_000);
    assertThat(s.imaging().outputFormat()).isEqualTo(OutputFormat.JPEG);
    assertThat(s.imaging().outputQuality()).isEqualTo(85);
    int cores = Runtime.getRuntime().availableProcessors();
    assertThat(s.imaging().processingConcurrency()).isEqualTo(cores);
    assertThat(s.imaging().processingQueue()).isEqualTo(4 * cores);
    assertThat(s.fetch().timeout()).isEqualTo(Duration.ofSeconds(15));
    assertThat(s.fetch().maxFetchBytes()).isEqualTo(10485760);
    assertThat(s.fetch().proxies()).isEmpty();
    assertThat(s.fetch().proxyFiles()).isEmpty();
    assertThat(s.fetch().strategy()).isEqualTo(FetchSettings.Strategy.ROUND_ROBIN);
    assertThat(s.fetch().maxRetries()).isEqualTo(3);
    assertThat(s.fetch().blacklistThreshold()).isEqualTo(3);
    assertThat(s.fetch().blacklistTtl()).isEqualTo(Duration.ofSeconds(300));
    assertThat(s.fetch().backoffMin()).isEqualTo(Duration.ofSeconds(1));
    assertThat(s.fetch().backoffMax()).isEqualTo(Duration.ofSeconds(30));
    assertThat(s.fetch().allowPrivateNetworks()).isFalse();
    assertThat(s.fetch().fallbackDirect()).isTrue();
    assertThat(s.fetch().proxyConcurrency()).isEqualTo(5);
    assertThat(s.fetch().proxyMaxUrls()).isEqualTo(100);
  }

  @Test
  void everyVariableIsRead() {
    Settings s =
        Settings.from(
            Map.ofEntries(
                Map.entry("APP_NAME", "imgs"),
                Map.entry("DEBUG", "true"),
                Map.entry("HOST", "127.0.0.1"),
                Map.entry("PORT", "9000"),
                Map.entry("LOG_LEVEL", "WARNING"),
                Map.entry("CORS_ORIGINS", "[\"https://a.example\", \"https://b.example\"]"),
                Map.entry("METRICS_ENABLED", "false"),
                Map.entry("STORAGE_BACKEND", "s3"),
                Map.entry("UPLOADS_PATH", "/tmp/x"),
                Map.entry("MAX_UPLOAD_SIZE", "640"),
                Map.entry("MAX_FETCH_SIZE", "320"),
                Map.entry("MAX_FETCH_BYTES", "1000"),
                Map.entry("OUTPUT_FORMAT", "webp"),
                Map.entry("OUTPUT_QUALITY", "70"),
                Map.entry("FETCH_TIMEOUT", "2.5"),
                Map.entry("PROXIES", "{\"eu\": [\"http://u:p@h:1\"], \"us\": []}"),
                Map.entry("PROXY_FILES", "{\"eu\": \"/etc/p.txt\"}"),
                Map.entry("PROXY_STRATEGY", "random"),
                Map.entry("FETCH_MAX_RETRIES", "5"),
                Map.entry("PROXY_BLACKLIST_THRESHOLD", "2"),
                Map.entry("PROXY_BLACKLIST_TTL", "0.5"),
                Map.entry("S3_BUCKET", "b"),
                Map.entry("S3_REGION", "eu-west-1"),
                Map.entry("S3_ENDPOINT_URL", "http://127.0.0.1:9000"),
                Map.entry("S3_ACCESS_KEY", "ak"),
                Map.entry("S3_SECRET_KEY", "sk"),
                Map.entry("S3_PREFIX", "/pics/"),
                Map.entry("S3_VARIANTS_PREFIX", "/cache/variants/"),
                Map.entry("S3_PROXY", "http://proxy:3128"),
                Map.entry("MAX_UPLOAD_BYTES", "1024"),
                Map.entry("MAX_INPUT_PIXELS", "1000000"),
                Map.entry("PUBLIC_BASE_URL", "https://img.example/"),
                Map.entry("FORWARDED_HEADERS", "true"),
                Map.entry("CACHE_MAX_AGE", "60"),
                Map.entry("PROCESSING_CONCURRENCY", "3"),
                Map.entry("PROCESSING_QUEUE", "7"),
                Map.entry("FETCH_BACKOFF_MIN", "0.1"),
                Map.entry("FETCH_BACKOFF_MAX", "2"),
                Map.entry("FETCH_ALLOW_PRIVATE_NETWORKS", "true"),
                Map.entry("PROXY_FALLBACK_DIRECT", "false"),
                Map.entry("PROXY_CONCURRENCY", "2"),
                Map.entry("PROXY_MAX_URLS", "10"),
                Map.entry("API_KEYS", "k1, k2"),
                Map.entry("METRICS_API_KEY", "mk"),
                Map.entry("VIPS_LIBRARY", "/opt/libvips.so")));
    assertThat(s.server())
        .isEqualTo(
            new ServerSettings(
                "imgs",
                "127.0.0.1",
                9000,
                true,
                "warn",
                List.of("https://a.example", "https://b.example"),
                false,
                "https://img.example",
                true,
                List.of("k1", "k2"),
                "mk"));
    assertThat(s.storage())
        .isEqualTo(
            new StorageSettings(
                StorageSettings.Backend.S3,
                Path.of("/tmp/x"),
                60,
                new S3Settings(
                    "b",
                    "eu-west-1",
                    "http://127.0.0.1:9000",
                    "ak",
                    "sk",
                    "pics",
                    "cache/variants",
                    "http://proxy:3128")));
    assertThat(s.imaging())
        .isEqualTo(
            new ImagingSettings(
                640, 320, 1024, 1_000_000, OutputFormat.WEBP, 70, 3, 7, "/opt/libvips.so"));
    assertThat(s.fetch().timeout()).isEqualTo(Duration.ofMillis(2500));
    assertThat(s.fetch().maxFetchBytes()).isEqualTo(1000);
    assertThat(s.fetch().proxies())
        .containsExactly(Map.entry("eu", List.of("http://u:p@h:1")), Map.entry("us", List.of()));
    assertThat(s.fetch().proxyFiles()).containsExactly(Map.entry("eu", "/etc/p.txt"));
    assertThat(s.fetch().strategy()).isEqualTo(FetchSettings.Strategy.RANDOM);
    assertThat(s.fetch().maxRetries()).isEqualTo(5);
    assertThat(s.fetch().blacklistThreshold()).isEqualTo(2);
    assertThat(s.fetch().blacklistTtl()).isEqualTo(Duration.ofMillis(500));
    assertThat(s.fetch().backoffMin()).isEqualTo(Duration.ofMillis(100));
    assertThat(s.fetch().backoffMax()).isEqualTo(Duration.ofSeconds(2));
    assertThat(s.fetch().allowPrivateNetworks()).isTrue();
    assertThat(s.fetch().fallbackDirect()).isFalse();
    assertThat(s.fetch().proxyConcurrency()).isEqualTo(2);
    assertThat(s.fetch().proxyMaxUrls()).isEqualTo(10);
  }

  @ParameterizedTest(name = "S3_PREFIX={0} S3_VARIANTS_PREFIX={1}")
  @CsvSource({"images, /", "images, images", "images, images/v", "a/b, a"})
  void variantsPrefixIsRefusedWhereItWouldMixWithImages(String images, String variants) {
    assertThatThrownBy(
            () -> Settings.from(Map.of("S3_PREFIX", images, "S3_VARIANTS_PREFIX", variants)))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("S3_VARIANTS_PREFIX: must");
  }

  @ParameterizedTest(name = "S3_PREFIX={0} S3_VARIANTS_PREFIX={1}")
  @CsvSource({"images, imagesv, imagesv", "'', variants, variants", "a/b, a/c/, a/c"})
  void variantsPrefixApartFromTheImagesIsAccepted(String images, String variants, String read) {
    Map<String, String> vars =
        images.isEmpty()
            ? Map.of("S3_PREFIX", "/", "S3_VARIANTS_PREFIX", variants)
            : Map.of("S3_PREFIX", images, "S3_VARIANTS_PREFIX", variants);
    assertThat(Settings.from(vars).storage().s3().variantsPrefix()).isEqualTo(read);
  }

  @Test
  void apiKeysAlsoAcceptAJsonList() {
    assertThat(Settings.from(Map.of("API_KEYS", "[\"a\",\"b\"]")).server().apiKeys())
        .containsExactly("a", "b");
  }

  @Test
  void secretsNeverAppearInToString() {
    Settings s =
        Settings.from(
            Map.of(
                "API_KEYS", "topsecret1",
                "METRICS_API_KEY", "topsecret2",
                "S3_SECRET_KEY", "topsecret3",
                "S3_ACCESS_KEY", "topsecret4",
                "PROXIES", "{\"p\": [\"http://user:topsecret5@h:1\"]}"));
    assertThat(s.toString()).doesNotContain("topsecret");
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "CORS_ORIGINS|[\"a\"|CORS_ORIGINS: invalid JSON",
        "CORS_ORIGINS|{\"a\": 1}|CORS_ORIGINS: expected a JSON list of strings",
        "PROXIES|[1,2]|PROXIES: expected a JSON object",
        "PROXIES|{\"a\": \"http://x\"}|PROXIES: expected a JSON object",
        "PROXY_FILES|not json|PROXY_FILES: invalid JSON",
        "PROXY_FILES|{\"a\": []}|PROXY_FILES: expected a JSON object",
        "MAX_UPLOAD_BYTES|-5|MAX_UPLOAD_BYTES: must be between 1",
        "MAX_FETCH_BYTES|-1|MAX_FETCH_BYTES: must be between 1",
        "MAX_UPLOAD_SIZE|0|MAX_UPLOAD_SIZE: must be between 1",
        "MAX_FETCH_SIZE|big|MAX_FETCH_SIZE: expected a whole number",
        "OUTPUT_FORMAT|gif|OUTPUT_FORMAT: expected one of jpeg, webp, png, avif",
        "PROXY_STRATEGY|fastest|PROXY_STRATEGY: expected one of round-robin, random",
        "OUTPUT_QUALITY|0|OUTPUT_QUALITY: must be between 1 and 100",
        "OUTPUT_QUALITY|101|OUTPUT_QUALITY: must be between 1 and 100",
        "PORT|70000|PORT: must be between 0 and 65535",
        "FETCH_TIMEOUT|-1|FETCH_TIMEOUT: must be between",
        "FETCH_TIMEOUT|0|FETCH_TIMEOUT: must be greater than 0",
        "PROXY_BLACKLIST_TTL|soon|PROXY_BLACKLIST_TTL: expected a number",
        "DEBUG|maybe|DEBUG: expected true or false",
        "METRICS_ENABLED|2|METRICS_ENABLED: expected true or false",
        "STORAGE_BACKEND|ftp|STORAGE_BACKEND: expected one of local, s3",
        "STORAGE_BACKEND|s3|S3_BUCKET: required when STORAGE_BACKEND=s3",
        "LOG_LEVEL|loud|LOG_LEVEL: expected one of",
        "PUBLIC_BASE_URL|ftp://x|PUBLIC_BASE_URL: expected http(s)://",
        "FETCH_BACKOFF_MAX|0.5|FETCH_BACKOFF_MAX: must not be below FETCH_BACKOFF_MIN",
        "PROCESSING_CONCURRENCY|0|PROCESSING_CONCURRENCY: must be between 1",
      })
  void invalidValuesNameTheVariable(String name, String value, String message) {
    assertThatThrownBy(() -> Settings.from(Map.of(name, value)))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(message)
        .hasMessageNotContaining("\n");
  }
}
