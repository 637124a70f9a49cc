package com.imageserving.variants;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Options in the query of an image's own URL: {@code ?w=320&h=240&rt=fill&f=webp}, each {@code
 * name=arg:arg} with the path syntax's names, applied in the order sent. Parameters that are not
 * option names ({@code v=3}, tracking parameters) are ignored, as they always were; {@code sig}
 * carries the signature.
 */
public final class QueryOptionsParser {
  static final String SIGNATURE = "sig";

  private final Presets presets;
  private final boolean onlyPresets;

  public QueryOptionsParser(Presets presets, boolean onlyPresets) {
    this.presets = presets;
    this.onlyPresets = onlyPresets;
  }

  /** The options, the signature, and the query as signed (without {@code sig}, order kept). */
  public record Parsed(VariantOptions options, @Nullable String signature, String signedQuery) {}

  /** Whether a raw query names any option; cheap, for the GET fast path. */
  public static boolean hasOptions(@Nullable String rawQuery) {
    if (rawQuery == null || rawQuery.isEmpty()) {
      return false;
    }
    for (String parameter : rawQuery.split("&")) {
      if (Option.known(name(parameter))) {
        return true;
      }
    }
    return false;
  }

  /**
   * The options of a raw query; null when it names none (the stored image is served as it is).
   *
   * @throws VariantException 400 for a bad argument, an unknown preset, or (ONLY_PRESETS) an option
   *     that is not a preset
   */
  public @Nullable Parsed parse(@Nullable String rawQuery) {
    if (rawQuery == null || !hasOptions(rawQuery)) {
      return null;
    }
    OptionsBuilder builder = presets.builder();
    String signature = null;
    List<String> signed = new ArrayList<>();
    for (String parameter : rawQuery.split("&")) {
      String name = name(parameter);
      if (name.equals(SIGNATURE)) {
        signature = decode(value(parameter));
        continue;
      }
      signed.add(parameter);
      if (!Option.known(name)) {
        continue;
      }
      if (onlyPresets && !Option.isPreset(name)) {
        throw VariantException.badRequest("Only presets are allowed: " + name);
      }
      String value = decode(value(parameter));
      builder.apply(new Option(name, List.of(value.split(":", -1))));
    }
    return new Parsed(builder.build(), signature, String.join("&", signed));
  }

  private static String name(String parameter) {
    int eq = parameter.indexOf('=');
    return eq < 0 ? parameter : parameter.substring(0, eq);
  }

  private static String value(String parameter) {
    int eq = parameter.indexOf('=');
    return eq < 0 ? "" : parameter.substring(eq + 1);
  }

  private static String decode(String raw) {
    try {
      return URLDecoder.decode(raw, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw VariantException.badRequest("Invalid query string: bad percent-encoding");
    }
  }
}
