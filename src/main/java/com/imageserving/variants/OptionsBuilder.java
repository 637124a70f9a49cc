package com.imageserving.variants;

import com.imageserving.config.OutputFormat;
import com.imageserving.imaging.Anchor;
import com.imageserving.imaging.Crop;
import com.imageserving.imaging.Gravity;
import com.imageserving.imaging.ResizingType;
import com.imageserving.imaging.Rgb;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Applies options in the order given, as imgproxy does: a later option overrides what an earlier
 * one (or a preset) set, and an empty argument of a meta-option ({@code rs::300}) keeps the value
 * as it was. Every argument is checked; a bad one is a 400 naming the option as the client wrote
 * it.
 */
final class OptionsBuilder {
  /** Largest width or height accepted in a URL; the result is capped by MAX_RESULT_DIMENSION. */
  static final int MAX_SIDE = 100_000;

  /** Blur and sharpen cost grows with sigma; beyond this nothing visible is gained. */
  static final double MAX_SIGMA = 100;

  private static final Pattern DECIMAL =
      Pattern.compile("[+-]?(?:\\d{1,9}(?:\\.\\d{0,12})?|\\.\\d{1,12})");
  private static final Pattern WHOLE = Pattern.compile("\\d{1,9}");
  private static final Pattern UNIX_TIME = Pattern.compile("\\d{1,15}");
  private static final Pattern HEX_COLOUR = Pattern.compile("[0-9A-Fa-f]{6}|[0-9A-Fa-f]{3}");

  private final Presets presets;
  private ResizingType resizingType = ResizingType.FIT;
  private int width;
  private int height;
  private double dpr = 1;
  private boolean enlarge;
  private Gravity gravity = Gravity.CENTER;
  private @Nullable Crop crop;
  private @Nullable OutputFormat format;
  private int quality;
  private double blur;
  private double sharpen;
  private Rgb background = Rgb.WHITE;
  private @Nullable String cachebuster;
  private @Nullable Long expires;

  OptionsBuilder(Presets presets) {
    this.presets = presets;
  }

  VariantOptions build() {
    return new VariantOptions(
        resizingType,
        width,
        height,
        dpr,
        enlarge,
        gravity,
        crop,
        format,
        quality,
        blur,
        sharpen,
        background,
        cachebuster,
        expires);
  }

  void apply(Option option) {
    String name = option.name();
    List<String> args = option.args();
    switch (name) {
      case "resize", "rs" -> {
        atMost(name, args, 5);
        if (!args.isEmpty() && !args.get(0).isEmpty()) {
          resizingType = resizingType(name, args.get(0));
        }
        if (args.size() > 1) {
          size(name, args.subList(1, args.size()));
        }
      }
      case "size", "s" -> {
        atMost(name, args, 4);
        size(name, args);
      }
      case "resizing_type", "rt" -> resizingType = resizingType(name, single(name, args));
      case "width", "w" -> width = side(name, "width", single(name, args));
      case "height", "h" -> height = side(name, "height", single(name, args));
      case "enlarge", "el" -> enlarge = bool(name, "enlarge", single(name, args));
      case "dpr" -> dpr = decimal(name, "dpr", single(name, args), 1, 5);
      case "gravity", "g" -> gravity = gravity(name, args);
      case "crop", "c" -> crop(name, args);
      case "quality", "q" -> quality = whole(name, "quality", single(name, args), 0, 100);
      case "format", "f", "ext" -> format = format(name, single(name, args));
      case "blur", "bl" -> blur = decimal(name, "sigma", single(name, args), 0, MAX_SIGMA);
      case "sharpen", "sh" -> sharpen = decimal(name, "sigma", single(name, args), 0, MAX_SIGMA);
      case "background", "bg" -> background = background(name, args);
      case "preset", "pr" -> {
        if (args.isEmpty() || (args.size() == 1 && args.get(0).isEmpty())) {
          throw VariantException.invalid(name, "expected at least one preset name");
        }
        for (String preset : args) {
          presets.apply(preset, this);
        }
      }
      case "cachebuster", "cb" -> cachebuster = String.join(":", args);
      case "expires", "exp" -> expires = unixTime(name, single(name, args));
      default -> throw VariantException.unknownOption(name);
    }
  }

  /** The format named by a URL's extension ({@code @webp}, {@code .webp}); it wins over f:. */
  void extension(String extension) {
    if (!extension.isEmpty()) {
      format = format("extension", extension);
    }
  }

  private void size(String name, List<String> args) {
    if (args.size() > 0 && !args.get(0).isEmpty()) {
      width = side(name, "width", args.get(0));
    }
    if (args.size() > 1 && !args.get(1).isEmpty()) {
      height = side(name, "height", args.get(1));
    }
    if (args.size() > 2 && !args.get(2).isEmpty()) {
      enlarge = bool(name, "enlarge", args.get(2));
    }
    if (args.size() > 3 && !args.get(3).isEmpty() && bool(name, "extend", args.get(3))) {
      throw VariantException.invalid(name, "extend is not supported");
    }
  }

  private void crop(String name, List<String> args) {
    atMost(name, args, 5);
    if (args.isEmpty() || args.get(0).isEmpty()) {
      throw VariantException.invalid(name, "expected width:height[:gravity]");
    }
    double cropWidth = decimal(name, "width", args.get(0), 0, MAX_SIDE);
    double cropHeight =
        args.size() > 1 && !args.get(1).isEmpty()
            ? decimal(name, "height", args.get(1), 0, MAX_SIDE)
            : 0;
    Gravity cropGravity = args.size() > 2 ? gravity(name, args.subList(2, args.size())) : null;
    crop = new Crop(cropWidth, cropHeight, cropGravity);
  }

  private static Gravity gravity(String name, List<String> args) {
    if (args.isEmpty() || args.get(0).isEmpty()) {
      throw VariantException.invalid(name, "expected a gravity type");
    }
    String type = args.get(0);
    Anchor anchor =
        switch (type) {
          case "no" -> Anchor.NORTH;
          case "so" -> Anchor.SOUTH;
          case "ea" -> Anchor.EAST;
          case "we" -> Anchor.WEST;
          case "noea" -> Anchor.NORTH_EAST;
          case "nowe" -> Anchor.NORTH_WEST;
          case "soea" -> Anchor.SOUTH_EAST;
          case "sowe" -> Anchor.SOUTH_WEST;
          case "ce" -> Anchor.CENTER;
          case "sm" -> Anchor.SMART;
          case "fp" -> Anchor.FOCUS_POINT;
          default ->
              throw VariantException.invalid(
                  name,
                  "gravity must be one of no, so, ea, we, noea, nowe, soea, sowe, ce, sm, fp, got "
                      + quoted(type));
        };
    if (anchor == Anchor.SMART) {
      if (args.size() > 1) {
        throw VariantException.invalid(name, "smart gravity takes no offsets");
      }
      return new Gravity(anchor, 0, 0);
    }
    if (anchor == Anchor.FOCUS_POINT) {
      if (args.size() != 3) {
        throw VariantException.invalid(name, "focus point gravity expects fp:x:y");
      }
      return new Gravity(
          anchor, decimal(name, "x", args.get(1), 0, 1), decimal(name, "y", args.get(2), 0, 1));
    }
    atMost(name, args, 3);
    double x =
        args.size() > 1 && !args.get(1).isEmpty() ? offset(name, "x offset", args.get(1)) : 0;
    double y =
        args.size() > 2 && !args.get(2).isEmpty() ? offset(name, "y offset", args.get(2)) : 0;
    return new Gravity(anchor, x, y);
  }

  private static Rgb background(String name, List<String> args) {
    if (args.isEmpty() || (args.size() == 1 && args.get(0).isEmpty())) {
      return Rgb.WHITE; // imgproxy: no argument = no background of one's own
    }
    if (args.size() == 1 && HEX_COLOUR.matcher(args.get(0)).matches()) {
      String hex = args.get(0);
      if (hex.length() == 3) {
        hex =
            ""
                + hex.charAt(0)
                + hex.charAt(0)
                + hex.charAt(1)
                + hex.charAt(1)
                + hex.charAt(2)
                + hex.charAt(2);
      }
      byte[] rgb = HexFormat.of().parseHex(hex);
      return new Rgb(rgb[0] & 0xff, rgb[1] & 0xff, rgb[2] & 0xff);
    }
    if (args.size() == 3) {
      return new Rgb(
          whole(name, "red", args.get(0), 0, 255),
          whole(name, "green", args.get(1), 0, 255),
          whole(name, "blue", args.get(2), 0, 255));
    }
    throw VariantException.invalid(
        name,
        "background must be a hex colour (rrggbb) or r:g:b, got " + quoted(String.join(":", args)));
  }

  private static ResizingType resizingType(String name, String value) {
    return switch (value) {
      case "fit" -> ResizingType.FIT;
      case "fill" -> ResizingType.FILL;
      case "fill-down" -> ResizingType.FILL_DOWN;
      case "force" -> ResizingType.FORCE;
      case "auto" -> ResizingType.AUTO;
      default ->
          throw VariantException.invalid(
              name,
              "resizing type must be one of fit, fill, fill-down, force, auto, got "
                  + quoted(value));
    };
  }

  private static OutputFormat format(String name, String value) {
    OutputFormat parsed = OutputFormat.parse(value);
    if (parsed == null || !value.equals(value.toLowerCase(Locale.ROOT))) {
      throw VariantException.invalid(
          name, "format must be one of jpg, jpeg, png, webp, avif, got " + quoted(value));
    }
    return parsed;
  }

  /** imgproxy's booleans are Go's: 1, t, T, TRUE, true, True and their false counterparts. */
  private static boolean bool(String name, String what, String value) {
    return switch (value) {
      case "1", "t", "T", "true", "TRUE", "True" -> true;
      case "0", "f", "F", "false", "FALSE", "False" -> false;
      default ->
          throw VariantException.invalid(
              name, what + " must be a boolean (1, t, true, 0, f, false), got " + quoted(value));
    };
  }

  private static long unixTime(String name, String value) {
    if (!UNIX_TIME.matcher(value).matches()) {
      throw VariantException.invalid(
          name, "expires must be a Unix time in seconds, got " + quoted(value));
    }
    return Long.parseLong(value);
  }

  private static int side(String name, String what, String value) {
    return whole(name, what, value, 0, MAX_SIDE);
  }

  private static int whole(String name, String what, String value, int min, int max) {
    if (!WHOLE.matcher(value).matches()) {
      throw VariantException.invalid(
          name,
          what + " must be a whole number from " + min + " to " + max + ", got " + quoted(value));
    }
    long parsed = Long.parseLong(value);
    if (parsed < min || parsed > max) {
      throw VariantException.invalid(
          name,
          what + " must be a whole number from " + min + " to " + max + ", got " + quoted(value));
    }
    return (int) parsed;
  }

  private static double decimal(String name, String what, String value, double min, double max) {
    if (!DECIMAL.matcher(value).matches() || !inRange(Double.parseDouble(value), min, max)) {
      throw VariantException.invalid(
          name,
          what
              + " must be a number from "
              + plain(min)
              + " to "
              + plain(max)
              + ", got "
              + quoted(value));
    }
    return Double.parseDouble(value);
  }

  private static double offset(String name, String what, String value) {
    return decimal(name, what, value, -MAX_SIDE, MAX_SIDE);
  }

  private static boolean inRange(double value, double min, double max) {
    return value >= min && value <= max;
  }

  private static String single(String name, List<String> args) {
    if (args.size() != 1) {
      throw VariantException.invalid(name, "expected 1 argument, got " + args.size());
    }
    if (args.get(0).isEmpty()) {
      throw VariantException.invalid(name, "expected a value");
    }
    return args.get(0);
  }

  private static void atMost(String name, List<String> args, int max) {
    if (args.size() > max) {
      throw VariantException.invalid(
          name, "expected at most " + max + " arguments, got " + args.size());
    }
  }

  private static String plain(double value) {
    return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
  }

  /** The client's value in an error message: quoted, and cut short when long. */
  static String quoted(String value) {
    String shown = value.length() > 40 ? value.substring(0, 40) + "..." : value;
    return "'" + shown + "'";
  }
}
