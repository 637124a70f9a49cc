package com.imageserving.fetch;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One configured proxy. Credentials are kept for the handshake only: {@link #toString()}, {@link
 * #key()} and {@link #hostPort()} never contain them, and parse errors never quote the URL.
 */
public final class ProxyEndpoint {

  /** The proxy protocol. */
  public enum Type {
    HTTP("http", 80),
    SOCKS5("socks5", 1080);

    final String scheme;
    final int defaultPort;

    Type(String scheme, int defaultPort) {
      this.scheme = scheme;
      this.defaultPort = defaultPort;
    }
  }

  private final Type type;
  private final String host;
  private final int port;
  private final @Nullable String username;
  private final @Nullable String password;

  ProxyEndpoint(
      Type type, String host, int port, @Nullable String username, @Nullable String password) {
    this.type = type;
    this.host = host;
    this.port = port;
    this.username = username;
    this.password = password;
  }

  /**
   * Parses {@code http://[user:pass@]host[:port]} or {@code socks5://...}.
   *
   * @throws IllegalArgumentException with a message that does not repeat the URL
   */
  public static ProxyEndpoint parse(String url) {
    String value = url.strip();
    int sep = value.indexOf("://");
    if (sep < 0) {
      throw new IllegalArgumentException("expected http:// or socks5://");
    }
    String scheme = value.substring(0, sep).toLowerCase(Locale.ROOT);
    Type type =
        switch (scheme) {
          case "http" -> Type.HTTP;
          case "socks5" -> Type.SOCKS5;
          default -> throw new IllegalArgumentException("expected http:// or socks5://");
        };
    String rest = value.substring(sep + 3);
    if (rest.endsWith("/")) {
      rest = rest.substring(0, rest.length() - 1);
    }
    if (rest.contains("/") || rest.contains("?") || rest.contains("#")) {
      throw new IllegalArgumentException("a proxy URL has no path, query or fragment");
    }
    String username = null;
    String password = null;
    int at = rest.lastIndexOf('@');
    if (at >= 0) {
      String userInfo = rest.substring(0, at);
      rest = rest.substring(at + 1);
      int colon = userInfo.indexOf(':');
      username = decode(colon < 0 ? userInfo : userInfo.substring(0, colon));
      password = colon < 0 ? "" : decode(userInfo.substring(colon + 1));
    }
    String host;
    String portText = null;
    if (rest.startsWith("[")) {
      int close = rest.indexOf(']');
      if (close < 0) {
        throw new IllegalArgumentException("unterminated IPv6 address");
      }
      host = rest.substring(1, close);
      String after = rest.substring(close + 1);
      if (after.startsWith(":")) {
        portText = after.substring(1);
      } else if (!after.isEmpty()) {
        throw new IllegalArgumentException("bad host");
      }
    } else {
      int colon = rest.lastIndexOf(':');
      host = colon < 0 ? rest : rest.substring(0, colon);
      portText = colon < 0 ? null : rest.substring(colon + 1);
    }
    if (host.isEmpty() || !host.matches("[A-Za-z0-9._:-]+")) {
      throw new IllegalArgumentException("bad host");
    }
    int port = type.defaultPort;
    if (portText != null) {
      if (!portText.matches("[0-9]{1,5}")) {
        throw new IllegalArgumentException("bad port");
      }
      port = Integer.parseInt(portText);
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("bad port");
      }
    }
    return new ProxyEndpoint(type, host.toLowerCase(Locale.ROOT), port, username, password);
  }

  private static String decode(String s) {
    try {
      // URLDecoder would turn '+' into a space; in a URL's user info '+' is literal.
      return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("bad percent-encoding in credentials");
    }
  }

  public Type type() {
    return type;
  }

  public String host() {
    return host;
  }

  public int port() {
    return port;
  }

  @Nullable String username() {
    return username;
  }

  @Nullable String password() {
    return password;
  }

  boolean hasCredentials() {
    return username != null;
  }

  /** {@code host:port}, for metrics and logs. */
  public String hostPort() {
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }

  /** {@code scheme://host:port}: identifies the proxy's health across pools. */
  public String key() {
    return type.scheme + "://" + hostPort();
  }

  @Override
  public String toString() {
    return key();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ProxyEndpoint p
        && type == p.type
        && host.equals(p.host)
        && port == p.port
        && Objects.equals(username, p.username)
        && Objects.equals(password, p.password);
  }

  @Override
  public int hashCode() {
    return Objects.hash(type, host, port, username, password);
  }
}
