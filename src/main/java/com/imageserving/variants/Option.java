package com.imageserving.variants;

import java.util.List;

/** One option as written: {@code rs:fill:300:200} is name {@code rs}, args [fill, 300, 200]. */
record Option(String name, List<String> args) {

  /** Splits {@code name:arg:arg}; a segment without ':' is a name without arguments. */
  static Option parse(String segment) {
    String[] parts = segment.split(":", -1);
    return new Option(parts[0], List.of(parts).subList(1, parts.length));
  }

  /** The option names imgproxy defines and this service implements, short and long. */
  static boolean known(String name) {
    return switch (name) {
      case "resize",
          "rs",
          "size",
          "s",
          "resizing_type",
          "rt",
          "width",
          "w",
          "height",
          "h",
          "enlarge",
          "el",
          "dpr",
          "gravity",
          "g",
          "crop",
          "c",
          "quality",
          "q",
          "format",
          "f",
          "ext",
          "blur",
          "bl",
          "sharpen",
          "sh",
          "background",
          "bg",
          "preset",
          "pr",
          "cachebuster",
          "cb",
          "expires",
          "exp" ->
          true;
      default -> false;
    };
  }

  static boolean isPreset(String name) {
    return name.equals("pr") || name.equals("preset");
  }
}
