package com.imageserving.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Typed, validated reads of raw variables. Every failure becomes a {@link ConfigException} naming
 * the variable, so start-up can stop with one clear line.
 */
final class Env {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private final Map<String, String> vars;

  Env(Map<String, String> vars) {
    this.vars = vars;
  }

  @Nullable String optional(String name) {
    String value = vars.get(name);
    return value == null || value.isBlank() ? null : value.trim();
  }

  String string(String name, String fallback) {
    String value = optional(name);
    return value == null ? fallback : value;
  }

  boolean bool(String name, boolean fallback) {
    String value = optional(name);
    if (value == null) {
      return fallback;
    }
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "true", "1", "yes", "on" -> true;
      case "false", "0", "no", "off" -> false;
      default -> throw new ConfigException(name, "expected true or false, got '" + value + "'");
    };
  }

  long integer(String name, long fallback, long min, long max) {
    String value = optional(name);
    if (value == null) {
      return fallback;
    }
    long parsed;
    try {
      parsed = Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw new ConfigException(name, "expected a whole number, got '" + value + "'");
    }
    if (parsed < min || parsed > max) {
      throw new ConfigException(name, "must be between " + min + " and " + max + ", got " + parsed);
    }
    return parsed;
  }

  int integer(String name, int fallback, int min, int max) {
    return (int) integer(name, (long) fallback, min, max);
  }

  double decimal(String name, double fallback, double min, double max) {
    String value = optional(name);
    if (value == null) {
      return fallback;
    }
    double parsed;
    try {
      parsed = Double.parseDouble(value);
    } catch (NumberFormatException e) {
      throw new ConfigException(name, "expected a number, got '" + value + "'");
    }
    if (!(parsed >= min && parsed <= max)) {
      throw new ConfigException(name, "must be between " + min + " and " + max + ", got " + value);
    }
    return parsed;
  }

  <E> E oneOf(String name, String fallback, Function<String, @Nullable E> parse, String allowed) {
    String value = string(name, fallback).toLowerCase(Locale.ROOT);
    E parsed = parse.apply(value);
    if (parsed == null) {
      throw new ConfigException(name, "expected one of " + allowed + ", got '" + value + "'");
    }
    return parsed;
  }

  /** A JSON list of strings; with {@code commaSeparatedToo}, also a plain "a,b,c". */
  List<String> stringList(String name, List<String> fallback, boolean commaSeparatedToo) {
    String value = optional(name);
    if (value == null) {
      return fallback;
    }
    if (commaSeparatedToo && !value.startsWith("[")) {
      List<String> items = new ArrayList<>();
      for (String part : value.split(",")) {
        if (!part.isBlank()) {
          items.add(part.trim());
        }
      }
      return List.copyOf(items);
    }
    JsonNode node = json(name, value);
    if (!node.isArray()) {
      throw new ConfigException(name, "expected a JSON list of strings");
    }
    List<String> items = new ArrayList<>();
    for (JsonNode item : node) {
      if (!item.isString()) {
        throw new ConfigException(name, "expected a JSON list of strings");
      }
      items.add(item.asString());
    }
    return List.copyOf(items);
  }

  /** A JSON object whose values are each converted by {@code value}; keeps the given order. */
  <V> Map<String, V> jsonObject(String name, Function<JsonNode, @Nullable V> value, String shape) {
    String raw = optional(name);
    if (raw == null) {
      return Map.of();
    }
    JsonNode node = json(name, raw);
    if (!node.isObject()) {
      throw new ConfigException(name, "expected a JSON object " + shape);
    }
    Map<String, V> result = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> entry : node.properties()) {
      V converted = value.apply(entry.getValue());
      if (converted == null) {
        throw new ConfigException(name, "expected a JSON object " + shape);
      }
      result.put(entry.getKey(), converted);
    }
    return java.util.Collections.unmodifiableMap(result);
  }

  private static JsonNode json(String name, String raw) {
    try {
      return JSON.readTree(raw);
    } catch (JacksonException e) {
      throw new ConfigException(name, "invalid JSON (" + e.getOriginalMessage() + ")");
    }
  }
}
