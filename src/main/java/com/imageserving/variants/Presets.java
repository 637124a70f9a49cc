package com.imageserving.variants;

import com.imageserving.config.ConfigException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Named sets of options from {@code PRESETS} ({@code {"avatar": "rs:fill:96:96/g:sm"}}), used with
 * {@code pr:NAME}. A preset named {@code default} applies to every variant first, as in imgproxy.
 * Definitions are checked once at start-up; a preset cannot use another one.
 */
public final class Presets {
  static final String DEFAULT = "default";

  private final Map<String, List<Option>> byName;

  private Presets(Map<String, List<Option>> byName) {
    this.byName = byName;
  }

  /**
   * Parses and checks every definition.
   *
   * @throws ConfigException naming PRESETS and the preset, when one is not valid
   */
  public static Presets of(Map<String, String> definitions) {
    Map<String, List<Option>> byName = new LinkedHashMap<>();
    for (Map.Entry<String, String> entry : definitions.entrySet()) {
      String name = entry.getKey();
      if (!name.matches("[A-Za-z0-9_.\\-]{1,64}")) {
        throw new ConfigException(
            "PRESETS", "preset name '" + name + "' must be 1-64 of A-Z a-z 0-9 _ . -");
      }
      List<Option> options = new ArrayList<>();
      for (String segment : entry.getValue().split("/")) {
        if (segment.isBlank()) {
          continue;
        }
        Option option = Option.parse(segment.strip());
        if (Option.isPreset(option.name())) {
          throw new ConfigException("PRESETS", "preset '" + name + "' uses another preset");
        }
        options.add(option);
      }
      byName.put(name, List.copyOf(options));
    }
    Presets presets = new Presets(byName);
    for (String name : byName.keySet()) {
      try {
        presets.apply(name, new OptionsBuilder(presets));
      } catch (VariantException e) {
        throw new ConfigException("PRESETS", "preset '" + name + "': " + e.getMessage());
      }
    }
    return presets;
  }

  boolean contains(String name) {
    return byName.containsKey(name);
  }

  /** Applies the named preset's options in order; 400 when there is no such preset. */
  void apply(String name, OptionsBuilder builder) {
    List<Option> options = byName.get(name);
    if (options == null) {
      throw VariantException.badRequest("Unknown preset: " + name);
    }
    for (Option option : options) {
      builder.apply(option);
    }
  }

  /** A builder that starts from the default preset, when there is one. */
  OptionsBuilder builder() {
    OptionsBuilder builder = new OptionsBuilder(this);
    if (contains(DEFAULT)) {
      apply(DEFAULT, builder);
    }
    return builder;
  }
}
