package com.imageserving.fetch;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import okhttp3.HttpUrl;

/**
 * The URL-level rules of API.md §5: scheme, host, {@code localhost}, and literal addresses in any
 * spelling a resolver accepts. Needs no DNS, so it is also what protects fetches through a proxy
 * (where the proxy resolves names). Resolved addresses of direct fetches are checked by {@link
 * GuardedDns}.
 */
public final class UrlGuard {

  private final boolean allowPrivateNetworks;

  public UrlGuard(boolean allowPrivateNetworks) {
    this.allowPrivateNetworks = allowPrivateNetworks;
  }

  /**
   * Parses and checks a URL given by a client. The text must be a URL with a host as the client
   * wrote it: OkHttp parses the way browsers do and would repair {@code http:///x}, {@code
   * http:\\x} or {@code http:x} into a URL with the host {@code x}, so the text is first held to
   * RFC 3986's {@code scheme://authority} form, so that what is checked and what is fetched can
   * never differ.
   */
  public HttpUrl check(String url) throws FetchException {
    String text = url.strip();
    if (!hasAuthority(text)) {
      throw invalid();
    }
    HttpUrl parsed = HttpUrl.parse(text);
    if (parsed == null) {
      throw invalid();
    }
    check(parsed);
    return parsed;
  }

  /**
   * Whether the text is {@code scheme://host...} with a non-empty host, and nothing a browser-style
   * parser would silently drop or reinterpret: whitespace, control characters, backslashes.
   */
  static boolean hasAuthority(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c <= ' ' || c == 0x7f || c == '\\') {
        return false;
      }
    }
    int colon = text.indexOf(':');
    if (colon <= 0 || !text.startsWith("//", colon + 1)) {
      return false;
    }
    int start = colon + 3;
    int end = start;
    while (end < text.length() && "/?#".indexOf(text.charAt(end)) < 0) {
      end++;
    }
    String authority = text.substring(start, end);
    String hostAndPort = authority.substring(authority.lastIndexOf('@') + 1);
    String host =
        hostAndPort.startsWith("[")
            ? hostAndPort
            : hostAndPort.substring(
                0, hostAndPort.indexOf(':') < 0 ? hostAndPort.length() : hostAndPort.indexOf(':'));
    return !host.isEmpty();
  }

  /** Checks an already parsed URL, such as a redirect target. */
  public void check(HttpUrl url) throws FetchException {
    if (!url.scheme().equals("http") && !url.scheme().equals("https")) {
      throw invalid();
    }
    String host = url.host().toLowerCase(Locale.ROOT);
    if (host.endsWith(".")) {
      host = host.substring(0, host.length() - 1);
    }
    if (host.isEmpty() || host.equals("localhost") || host.endsWith(".localhost")) {
      throw invalid();
    }
    InetAddress literal;
    if (host.contains(":")) {
      literal = ipv6Literal(host);
    } else if (NumericHost.looksNumeric(host)) {
      // Whatever a resolver would read as a number must be checked as that number; a numeric
      // spelling it would not accept is refused rather than guessed at.
      literal = NumericHost.parse(host);
      if (literal == null) {
        throw invalid();
      }
    } else {
      return;
    }
    if (!allowPrivateNetworks && !AddressRules.isGlobal(literal)) {
      throw invalid();
    }
  }

  private static InetAddress ipv6Literal(String host) throws FetchException {
    if (host.contains("%")) {
      throw invalid(); // a zone id only makes sense for link-local addresses
    }
    try {
      // A literal containing ':' is parsed, never looked up.
      return InetAddress.getByName(host);
    } catch (UnknownHostException e) {
      throw invalid();
    }
  }

  static FetchException invalid() {
    return new FetchException(FetchException.Kind.INVALID_URL, "Invalid url");
  }
}
