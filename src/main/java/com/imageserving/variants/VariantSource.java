package com.imageserving.variants;

import com.imageserving.storage.Names;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
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
  private static final Pattern LOCAL = Pattern.compile("local:///([^/?#]+)/([^/?#]+)");
  private static final Pattern OWN_PATH = Pattern.compile("/images/([^/]+)/([^/]+)");
  // local:///ns/id.jpg names the stored file; the id itself never has a dot.
  private static final Pattern STORED_EXTENSION =
      Pattern.compile("\\.(?:jpg|jpeg|png|gif|webp|avif)$", Pattern.CASE_INSENSITIVE);

  private VariantSource() {}

  /**
   * The image {@code source} names.
   *
   * @param ownBase scheme://host[:port][/path] this service is reached at (see BaseUrl)
   * @throws VariantException 400 "Unsupported source", or "Invalid namespace" / "Invalid image_id"
   */
  static ImageRef parse(String source, String ownBase) {
    Matcher local = LOCAL.matcher(source);
    if (local.matches()) {
      return checked(local.group(1), STORED_EXTENSION.matcher(local.group(2)).replaceFirst(""));
    }
    ImageRef own = ownImage(source, ownBase);
    if (own == null) {
      throw VariantException.unsupportedSource();
    }
    return checked(own.namespace(), own.imageId());
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
