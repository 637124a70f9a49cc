package com.imageserving.variants;

import com.imageserving.storage.Names;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Which stored image a variant URL's source names. Only two spellings are sources: {@code
 * local:///{namespace}/{image_id}} and this service's own URL of the image, as an upload returned
 * it ({@code {base}/images/{namespace}/{image_id}}). Anything else is refused with 400 and no
 * network request is ever made: this is not a proxy for other sites.
 */
final class VariantSource {
  private static final String LOCAL = "local:///";
  private static final Pattern OWN_PATH = Pattern.compile("/images/([^/]+)/([^/]+)");
  // local:///ns/id.jpg names the stored file; the id itself never has a dot.
  private static final List<String> STORED_EXTENSIONS =
      List.of(".jpg", ".jpeg", ".png", ".gif", ".webp", ".avif");

  private VariantSource() {}

  /**
   * The image {@code source} names.
   *
   * @param ownBase scheme://host[:port][/path] this service is reached at (see BaseUrl), asked for
   *     only when the source is not {@code local:///}
   * @throws VariantException 400 "Unsupported source", or "Invalid namespace" / "Invalid image_id"
   */
  static ImageRef parse(String source, Supplier<String> ownBase) {
    ImageRef local = local(source);
    if (local != null) {
      return checked(local.namespace(), withoutStoredExtension(local.imageId()));
    }
    ImageRef own = ownImage(source, ownBase.get());
    if (own == null) {
      throw VariantException.unsupportedSource();
    }
    return checked(own.namespace(), own.imageId());
  }

  /**
   * {@code local:///{a}/{b}}, a and b not empty and without '/', '?' or '#'; else null. By hand
   * rather than with a regex: this is on the path of every kept variant's GET.
   */
  private static @Nullable ImageRef local(String source) {
    if (!source.startsWith(LOCAL)) {
      return null;
    }
    int slash = source.indexOf('/', LOCAL.length());
    if (slash <= LOCAL.length() || slash == source.length() - 1) {
      return null;
    }
    String namespace = source.substring(LOCAL.length(), slash);
    String imageId = source.substring(slash + 1);
    if (hasAny(namespace, "?#") || hasAny(imageId, "/?#")) {
      return null;
    }
    return new ImageRef(namespace, imageId);
  }

  private static boolean hasAny(String text, String characters) {
    for (int i = 0; i < text.length(); i++) {
      if (characters.indexOf(text.charAt(i)) >= 0) {
        return true;
      }
    }
    return false;
  }

  /** The id without a stored file's extension (in any ASCII case); as it is when it has none. */
  private static String withoutStoredExtension(String imageId) {
    for (String extension : STORED_EXTENSIONS) {
      int start = imageId.length() - extension.length();
      if (start >= 0 && endsWithAsciiIgnoringCase(imageId, start, extension)) {
        return imageId.substring(0, start);
      }
    }
    return imageId;
  }

  /**
   * ASCII letters only, as the regex this replaced: String.regionMatches(true, ..) would also take
   * e.g. a dotless 'ı' for the 'i' of ".avif".
   */
  private static boolean endsWithAsciiIgnoringCase(String text, int start, String lowerSuffix) {
    for (int i = 0; i < lowerSuffix.length(); i++) {
      char c = text.charAt(start + i);
      if (c >= 'A' && c <= 'Z') {
        c = (char) (c + ('a' - 'A'));
      }
      if (c != lowerSuffix.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  private static @Nullable ImageRef ownImage(String source, String ownBase) {
    URI uri;
    URI base;
    try {
      uri = new URI(source);
      base = new URI(ownBase);
    } catch (URISyntaxException e) {
      return null;
    }
    String scheme = uri.getScheme();
    if (scheme == null
        || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
        || uri.getRawUserInfo() != null
        || uri.getRawQuery() != null
        || uri.getRawFragment() != null
        || uri.getHost() == null
        || base.getHost() == null
        || !scheme.equalsIgnoreCase(base.getScheme())
        || !uri.getHost().toLowerCase(Locale.ROOT).equals(base.getHost().toLowerCase(Locale.ROOT))
        || port(uri) != port(base)) {
      return null;
    }
    String path = uri.getRawPath();
    String prefix = base.getRawPath() == null ? "" : base.getRawPath().replaceAll("/+$", "");
    if (path == null || !path.startsWith(prefix)) {
      return null;
    }
    Matcher m = OWN_PATH.matcher(path.substring(prefix.length()));
    return m.matches() ? new ImageRef(m.group(1), m.group(2)) : null;
  }

  private static int port(URI uri) {
    if (uri.getPort() != -1) {
      return uri.getPort();
    }
    return "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
  }

  private static ImageRef checked(String namespace, String imageId) {
    if (!Names.validNamespace(namespace)) {
      throw VariantException.badRequest("Invalid namespace");
    }
    if (!Names.validImageId(imageId)) {
      throw VariantException.badRequest("Invalid image_id");
    }
    return new ImageRef(namespace, imageId);
  }
}
