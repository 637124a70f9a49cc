package com.imageserving.variants;

import com.imageserving.config.VariantSettings;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Reads a variant request from its URL, in either spelling, and checks its signature:
 *
 * <ul>
 *   <li>{@code /variants/{signature}/{options}/plain/{source}[@{ext}]} and {@code
 *       /variants/{signature}/{options}/{base64url source}[.{ext}]}, imgproxy's form, signed over
 *       everything after the signature segment;
 *   <li>{@code /images/{ns}/{id}?{options}[&sig=...]}, signed over path ‖ '?' ‖ the query without
 *       {@code sig}.
 * </ul>
 *
 * Both read the raw (still percent-encoded) URL, as it was sent and signed.
 */
@Component
public final class VariantUrls {
  private static final Logger log = LoggerFactory.getLogger(VariantUrls.class);

  /** "http:/host" back to "http://host": proxies and servers merge double slashes in paths. */
  private static final Pattern MERGED_SLASHES =
      Pattern.compile("/plain/([A-Za-z][A-Za-z0-9+.\\-]*):/([^/])");

  private final UrlSignatures signatures;
  private final PathOptionsParser pathParser;
  private final QueryOptionsParser queryParser;

  public VariantUrls(VariantSettings settings) {
    Presets presets = Presets.of(settings.presets());
    this.signatures = new UrlSignatures(settings);
    if (!signatures.enabled()) {
      log.warn(
          "URL_SIGNING_KEY is not set: variant URLs are not signed, and anyone who can reach this"
              + " service can have any variant of any stored image rendered");
    }
    this.pathParser = new PathOptionsParser(presets, settings.onlyPresets());
    this.queryParser = new QueryOptionsParser(presets, settings.onlyPresets());
  }

  /** A variant named by a URL: which image, and how. */
  public record Request(ImageRef image, VariantOptions options) {}

  /**
   * Parses the raw path after {@code /variants}: {@code /{signature}/{options...}/{source}}.
   *
   * @param ownBase scheme://host[:port] clients reach this service at, for sources given as the
   *     image's own URL
   * @throws VariantException 403 for a bad signature, 400 for bad options or an unsupported source
   */
  public Request parsePath(String rawPath, String ownBase) {
    return parsePath(rawPath, () -> ownBase);
  }

  /**
   * The same, with the base asked for only when the source is an own URL of the image (not for
   * {@code local:///}): working it out from the request's headers was a tenth of a kept variant's
   * GET.
   */
  public Request parsePath(String rawPath, Supplier<String> ownBase) {
    String path = rawPath.startsWith("/") ? rawPath.substring(1) : rawPath;
    int slash = path.indexOf('/');
    if (slash <= 0) {
      throw VariantException.badRequest(
          "Invalid variant URL: expected /variants/{signature}/{options}/plain/{source}");
    }
    String signature = path.substring(0, slash);
    String signed = unmergeSlashes(path.substring(slash));
    signatures.verify(signature, signed);

    List<String> segments = Arrays.asList(signed.substring(1).split("/", -1));
    int start = pathParser.sourceStart(segments);
    if (start >= segments.size()) {
      throw VariantException.badRequest("Missing source");
    }
    List<String> optionSegments = segments.subList(0, start);
    String source;
    String extension;
    if (segments.get(start).equals("plain")) {
      String plain = String.join("/", segments.subList(start + 1, segments.size()));
      int at = plain.indexOf('@');
      if (at >= 0 && plain.indexOf('@', at + 1) >= 0) {
        throw VariantException.unsupportedSource(); // an '@' of the source must be escaped
      }
      extension = at < 0 ? "" : plain.substring(at + 1);
      source = percentDecoded(at < 0 ? plain : plain.substring(0, at));
    } else {
      String encoded = String.join("", segments.subList(start, segments.size()));
      int dot = encoded.lastIndexOf('.');
      extension = dot < 0 ? "" : encoded.substring(dot + 1);
      source = base64Decoded(dot < 0 ? encoded : encoded.substring(0, dot));
    }
    VariantOptions options = pathParser.parse(optionSegments, extension);
    return new Request(VariantSource.parse(source, ownBase), options);
  }

  /**
   * The options in the query of {@code /images/{ns}/{id}}; null when it names none (the stored
   * image is served as it is, whatever else the query carries).
   *
   * @param rawPath the request's raw path, as signed
   * @throws VariantException 403 for a bad or missing signature (keys configured), 400 for bad
   *     options
   */
  public @Nullable VariantOptions parseQuery(String rawPath, @Nullable String rawQuery) {
    QueryOptionsParser.Parsed parsed = queryParser.parse(rawQuery);
    if (parsed == null) {
      return null;
    }
    if (signatures.enabled()) {
      if (parsed.signature() == null) {
        throw VariantException.invalidSignature();
      }
      signatures.verify(parsed.signature(), rawPath + "?" + parsed.signedQuery());
    }
    return parsed.options();
  }

  /** Whether URL_SIGNING_KEY is set, so variant URLs must be signed. */
  public boolean signing() {
    return signatures.enabled();
  }

  /**
   * A signed path-form variant URL, {@code
   * {ownBase}/variants/{signature}/{options}/plain/{source}}, for clients that cannot sign (the key
   * stays here). The options and the source are checked as {@link #parsePath} checks them, so only
   * a URL that will be served is signed.
   *
   * @param options path-form options, e.g. {@code rs:fill:96:96/g:sm}; empty for none
   * @throws VariantException 400 for bad options or an unsupported source
   * @throws IllegalStateException no URL_SIGNING_KEY is configured (see {@link #signing})
   */
  public String sign(String source, String options, String ownBase) {
    List<String> segments = options.isEmpty() ? List.of() : Arrays.asList(options.split("/", -1));
    if (pathParser.sourceStart(segments) < segments.size()) {
      // A segment that is no option would be read as the start of the source.
      throw VariantException.badRequest("Invalid options: " + options);
    }
    pathParser.parse(segments, "");
    VariantSource.parse(source, () -> ownBase);
    String signed = (options.isEmpty() ? "" : "/" + options) + "/plain/" + percentEncoded(source);
    return ownBase + "/variants/" + signatures.sign(signed) + signed;
  }

  /**
   * Every byte but unreserved characters, ':' and '/' as %XX; {@link #percentDecoded} reverses it.
   */
  private static String percentEncoded(String source) {
    StringBuilder out = new StringBuilder();
    for (byte b : source.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xff);
      if ((c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9')
          || "-._~:/".indexOf(c) >= 0) {
        out.append(c);
      } else {
        out.append('%').append(Character.toUpperCase(Character.forDigit((b >> 4) & 0xf, 16)));
        out.append(Character.toUpperCase(Character.forDigit(b & 0xf, 16)));
      }
    }
    return out.toString();
  }

  /** Whether a raw query asks for a variant rather than the stored image. */
  public static boolean hasOptions(@Nullable String rawQuery) {
    return QueryOptionsParser.hasOptions(rawQuery);
  }

  private static String unmergeSlashes(String path) {
    if (!mayHaveMergedSlashes(path)) {
      return path; // as nearly always: the regex below was a fiftieth of a kept variant's GET
    }
    Matcher m = MERGED_SLASHES.matcher(path);
    StringBuilder fixed = new StringBuilder();
    while (m.find()) {
      String scheme = m.group(1);
      String slashes = scheme.equals("local") ? ":///" : "://";
      m.appendReplacement(
          fixed, Matcher.quoteReplacement("/plain/" + scheme + slashes + m.group(2)));
    }
    m.appendTail(fixed);
    return fixed.toString();
  }

  /**
   * False only when {@link #MERGED_SLASHES} cannot match: no {@code :/} followed by anything but
   * another '/'.
   */
  private static boolean mayHaveMergedSlashes(String path) {
    for (int i = path.indexOf(":/"); i >= 0; i = path.indexOf(":/", i + 1)) {
      if (i + 2 < path.length() && path.charAt(i + 2) != '/') {
        return true;
      }
    }
    return false;
  }

  /** Percent-decoding of a path: '+' stays '+'; malformed escapes or UTF-8 are refused. */
  private static String percentDecoded(String raw) {
    if (raw.indexOf('%') < 0) {
      return raw;
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c != '%') {
        bytes.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
        continue;
      }
      int value = i + 2 < raw.length() ? hexByte(raw.charAt(i + 1), raw.charAt(i + 2)) : -1;
      if (value < 0) {
        throw VariantException.unsupportedSource();
      }
      bytes.write(value);
      i += 2;
    }
    return utf8(bytes.toByteArray());
  }

  private static int hexByte(char high, char low) {
    int h = Character.digit(high, 16);
    int l = Character.digit(low, 16);
    return h < 0 || l < 0 ? -1 : h * 16 + l;
  }

  private static String base64Decoded(String encoded) {
    try {
      return utf8(Base64.getUrlDecoder().decode(encoded));
    } catch (IllegalArgumentException e) {
      throw VariantException.unsupportedSource();
    }
  }

  private static String utf8(byte[] bytes) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw VariantException.unsupportedSource();
    }
  }
}
