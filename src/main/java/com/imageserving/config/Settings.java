package com.imageserving.config;

import io.github.cdimascio.dotenv.Dotenv;
import io.github.cdimascio.dotenv.DotenvEntry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * All settings of the service, read once at start-up from the environment (and a {@code .env} file
 * in the working directory, which the real environment overrides), validated, and then immutable.
 * Names and defaults are those of API.md §7.
 */
public record Settings(
    ServerSettings server,
    StorageSettings storage,
    ImagingSettings imaging,
    FetchSettings fetch,
    VariantSettings variants) {

  /** The process environment over the working directory's {@code .env} file. */
  public static Settings fromEnvironment() {
    Map<String, String> vars = new HashMap<>();
    Dotenv dotenv = Dotenv.configure().ignoreIfMissing().ignoreIfMalformed().load();
    for (DotenvEntry entry : dotenv.entries(Dotenv.Filter.DECLARED_IN_ENV_FILE)) {
      vars.put(entry.getKey(), entry.getValue());
    }
    vars.putAll(System.getenv());
    return from(vars);
  }

  /** Parses and validates; throws {@link ConfigException} naming the first bad variable. */
  public static Settings from(Map<String, String> vars) {
    Env env = new Env(vars);
    int cores = Runtime.getRuntime().availableProcessors();
    long maxInt = Integer.MAX_VALUE;

    ServerSettings server =
        new ServerSettings(
            env.string("APP_NAME", "image-serving-service"),
            env.string("HOST", "0.0.0.0"),
            env.integer("PORT", 8000, 0, 65535),
            env.bool("DEBUG", false),
            logLevel(env),
            env.stringList("CORS_ORIGINS", List.of("*"), false),
            env.bool("METRICS_ENABLED", true),
            baseUrl(env),
            env.bool("FORWARDED_HEADERS", false),
            env.stringList("API_KEYS", List.of(), true),
            env.optional("METRICS_API_KEY"));

    StorageSettings.Backend backend =
        env.oneOf(
            "STORAGE_BACKEND",
            "local",
            v ->
                switch (v) {
                  case "local" -> StorageSettings.Backend.LOCAL;
                  case "s3" -> StorageSettings.Backend.S3;
                  default -> null;
                },
            "local, s3");
    String s3Prefix = env.string("S3_PREFIX", "images").replaceAll("^/+|/+$", "");
    S3Settings s3 =
        new S3Settings(
            env.optional("S3_BUCKET"),
            env.string("S3_REGION", "us-east-1"),
            env.optional("S3_ENDPOINT_URL"),
            env.optional("S3_ACCESS_KEY"),
            env.optional("S3_SECRET_KEY"),
            s3Prefix,
            variantsPrefix(env, s3Prefix),
            env.optional("S3_PROXY"));
    if (backend == StorageSettings.Backend.S3 && s3.bucket() == null) {
      throw new ConfigException("S3_BUCKET", "required when STORAGE_BACKEND=s3");
    }
    StorageSettings storage =
        new StorageSettings(
            backend,
            Path.of(env.string("UPLOADS_PATH", "./uploads")).toAbsolutePath().normalize(),
            env.integer("CACHE_MAX_AGE", 86400L, 0, 10L * 365 * 86400),
            s3);

    int concurrency = env.integer("PROCESSING_CONCURRENCY", cores, 1, 1024);
    ImagingSettings imaging =
        new ImagingSettings(
            env.integer("MAX_UPLOAD_SIZE", 1200, 1, 100_000),
            env.integer("MAX_FETCH_SIZE", 800, 1, 100_000),
            env.integer("MAX_UPLOAD_BYTES", 20L * 1024 * 1024, 1, maxInt),
            env.integer("MAX_INPUT_PIXELS", 50_000_000L, 1, 1L << 40),
            env.oneOf("OUTPUT_FORMAT", "jpeg", OutputFormat::parse, "jpeg, webp, png, avif"),
            env.integer("OUTPUT_QUALITY", 85, 1, 100),
            concurrency,
            env.integer("PROCESSING_QUEUE", 4 * cores, 0, 1_000_000),
            env.optional("VIPS_LIBRARY"));

    Duration backoffMin = seconds(env, "FETCH_BACKOFF_MIN", 1.0);
    Duration backoffMax = seconds(env, "FETCH_BACKOFF_MAX", 30.0);
    if (backoffMax.compareTo(backoffMin) < 0) {
      throw new ConfigException("FETCH_BACKOFF_MAX", "must not be below FETCH_BACKOFF_MIN");
    }
    FetchSettings fetch =
        new FetchSettings(
            positiveSeconds(env, "FETCH_TIMEOUT", 15.0),
            env.integer("MAX_FETCH_BYTES", 10_485_760L, 1, Long.MAX_VALUE),
            env.jsonObject("PROXIES", Settings::urlList, "of pool name to a list of proxy URLs"),
            env.jsonObject(
                "PROXY_FILES",
                n -> n.isString() ? n.asString() : null,
                "of pool name to a file path"),
            env.oneOf(
                "PROXY_STRATEGY",
                "round-robin",
                FetchSettings.Strategy::parse,
                "round-robin, random"),
            env.integer("FETCH_MAX_RETRIES", 3, 1, 100),
            env.integer("PROXY_BLACKLIST_THRESHOLD", 3, 1, 1000),
            seconds(env, "PROXY_BLACKLIST_TTL", 300.0),
            backoffMin,
            backoffMax,
            env.bool("FETCH_ALLOW_PRIVATE_NETWORKS", false),
            env.bool("PROXY_FALLBACK_DIRECT", true),
            env.integer("PROXY_CONCURRENCY", 5, 1, 1000),
            env.integer("PROXY_MAX_URLS", 100, 1, 100_000));

    VariantSettings variants =
        new VariantSettings(
            signingKeys(env),
            env.integer("URL_SIGNATURE_SIZE", 32, 1, 32),
            env.jsonObject(
                "PRESETS",
                n -> n.isString() ? n.asString() : null,
                "of preset name to options in the path syntax"),
            env.bool("ONLY_PRESETS", false),
            env.bool("AUTO_WEBP", false),
            env.bool("AUTO_AVIF", false),
            env.integer("MAX_RESULT_DIMENSION", 4096, 1, 100_000),
            env.integer("MAX_VARIANTS_PER_IMAGE", 24, 0, 1_000_000),
            env.bool("VARIANT_CACHE", true));

    return new Settings(server, storage, imaging, fetch, variants);
  }

  /**
   * URL_SIGNING_KEY and URL_SIGNING_SALT: hex, as imgproxy's; several comma-separated values pair
   * up by position, for key rotation. Both or neither.
   */
  private static List<VariantSettings.SigningKey> signingKeys(Env env) {
    List<String> keys = hexList(env, "URL_SIGNING_KEY");
    List<String> salts = hexList(env, "URL_SIGNING_SALT");
    if (keys.isEmpty() && !salts.isEmpty()) {
      throw new ConfigException("URL_SIGNING_KEY", "required when URL_SIGNING_SALT is set");
    }
    if (keys.size() != salts.size()) {
      throw new ConfigException(
          "URL_SIGNING_SALT",
          "expected one salt per key (" + keys.size() + " keys, " + salts.size() + " salts)");
    }
    List<VariantSettings.SigningKey> pairs = new ArrayList<>();
    for (int i = 0; i < keys.size(); i++) {
      pairs.add(new VariantSettings.SigningKey(keys.get(i), salts.get(i)));
    }
    return List.copyOf(pairs);
  }

  private static List<String> hexList(Env env, String name) {
    List<String> values = env.stringList(name, List.of(), true);
    for (String value : values) {
      if (!value.matches("(?:[0-9A-Fa-f]{2})+")) {
        throw new ConfigException(
            name, "expected hex-encoded bytes (comma-separated for rotation)");
      }
    }
    return values;
  }

  private static String logLevel(Env env) {
    return env.oneOf(
        "LOG_LEVEL",
        "info",
        v ->
            switch (v) {
              case "trace", "debug", "info", "error", "off" -> v;
              case "warn", "warning" -> "warn";
              case "critical", "fatal" -> "error";
              default -> null;
            },
        "trace, debug, info, warning, error, critical");
  }

  /**
   * S3_VARIANTS_PREFIX: not empty, and apart from S3_PREFIX (neither inside the other), or deleting
   * a namespace would reach into the variants, or variants would be listed among the images.
   */
  private static String variantsPrefix(Env env, String imagesPrefix) {
    String value =
        env.string("S3_VARIANTS_PREFIX", S3Settings.DEFAULT_VARIANTS_PREFIX)
            .replaceAll("^/+|/+$", "");
    if (value.isEmpty()) {
      throw new ConfigException("S3_VARIANTS_PREFIX", "must not be empty");
    }
    if (!imagesPrefix.isEmpty()
        && (value.equals(imagesPrefix)
            || value.startsWith(imagesPrefix + "/")
            || imagesPrefix.startsWith(value + "/"))) {
      throw new ConfigException(
          "S3_VARIANTS_PREFIX", "must be apart from S3_PREFIX (" + imagesPrefix + ")");
    }
    return value;
  }

  private static @Nullable String baseUrl(Env env) {
    String value = env.optional("PUBLIC_BASE_URL");
    if (value == null) {
      return null;
    }
    if (!value.matches("https?://[^/?#\\s]+(/[^?#\\s]*)?")) {
      throw new ConfigException("PUBLIC_BASE_URL", "expected http(s)://host[:port][/path]");
    }
    return value.replaceAll("/+$", "");
  }

  private static @Nullable List<String> urlList(JsonNode node) {
    if (!node.isArray()) {
      return null;
    }
    List<String> urls = new ArrayList<>();
    for (JsonNode item : node) {
      if (!item.isString()) {
        return null;
      }
      urls.add(item.asString());
    }
    return List.copyOf(urls);
  }

  private static Duration seconds(Env env, String name, double fallback) {
    double value = env.decimal(name, fallback, 0, 365 * 86400.0);
    return Duration.ofNanos(Math.round(value * 1e9));
  }

  private static Duration positiveSeconds(Env env, String name, double fallback) {
    Duration value = seconds(env, name, fallback);
    if (value.isZero()) {
      throw new ConfigException(name, "must be greater than 0");
    }
    return value;
  }
}
