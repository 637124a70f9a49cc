package com.imageserving.variants;

import java.util.List;

/**
 * Options in imgproxy's path syntax: segments {@code name:arg:arg} separated by '/', applied in
 * order. With ONLY_PRESETS, a segment may only name presets ({@code pr:a:b}, or bare {@code a:b} as
 * imgproxy's presets-only mode has it) and the first segment is always presets.
 */
public final class PathOptionsParser {
  private final Presets presets;
  private final boolean onlyPresets;

  public PathOptionsParser(Presets presets, boolean onlyPresets) {
    this.presets = presets;
    this.onlyPresets = onlyPresets;
  }

  /**
   * Where the source begins among the segments after the signature: at {@code plain}, or at the
   * first segment that is not an option (has no ':'), as imgproxy splits them.
   */
  int sourceStart(List<String> segments) {
    int i = 0;
    if (onlyPresets
        && !segments.isEmpty()
        && !segments.get(0).equals("plain")
        && !segments.get(0).contains(":")) {
      i = 1; // a bare preset name
    }
    while (i < segments.size() && segments.get(i).contains(":")) {
      i++;
    }
    return i;
  }

  /**
   * The options of these segments, with the URL's extension ({@code @webp}, {@code .webp}; empty
   * for none) applied last, so it wins over {@code f:} as in imgproxy.
   *
   * @throws VariantException 400 for an unknown option, a bad argument or an unknown preset
   */
  public VariantOptions parse(List<String> segments, String extension) {
    OptionsBuilder builder = presets.builder();
    for (String segment : segments) {
      Option option = Option.parse(segment);
      if (onlyPresets && !Option.isPreset(option.name())) {
        presetsOnly(option, builder);
      } else {
        builder.apply(option);
      }
    }
    builder.extension(extension);
    return builder.build();
  }

  /** A segment of bare preset names {@code a:b}; any other option is refused. */
  private void presetsOnly(Option option, OptionsBuilder builder) {
    if (!presets.contains(option.name()) && Option.known(option.name())) {
      throw VariantException.badRequest("Only presets are allowed: " + option.name());
    }
    presets.apply(option.name(), builder);
    for (String name : option.args()) {
      presets.apply(name, builder);
    }
  }
}
