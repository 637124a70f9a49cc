package com.imageserving.api;

import com.imageserving.config.ServerSettings;
import jakarta.servlet.http.HttpServletRequest;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;

/**
 * The scheme://host[:port] clients reach us at: PUBLIC_BASE_URL when set; else the forwarded
 * headers when FORWARDED_HEADERS=true (only behind a proxy that sets them); else the request's own.
 */
@Component
public class BaseUrl {
  private static final Pattern HOST =
      Pattern.compile("[A-Za-z0-9.\\-]+(:\\d{1,5})?|\\[[0-9A-Fa-f:.]+\\](:\\d{1,5})?");
  private final ServerSettings settings;

  public BaseUrl(ServerSettings settings) {
    this.settings = settings;
  }

  public String of(HttpServletRequest request) {
    String configured = settings.publicBaseUrl();
    if (configured != null) {
      return configured;
    }
    String scheme = request.getScheme();
    String host = request.getHeader("Host");
    if (settings.forwardedHeaders()) {
      String proto = first(request.getHeader("X-Forwarded-Proto"));
      String forwardedHost = first(request.getHeader("X-Forwarded-Host"));
      if (proto != null && (proto.equalsIgnoreCase("http") || proto.equalsIgnoreCase("https"))) {
        scheme = proto.toLowerCase(java.util.Locale.ROOT);
      }
      if (forwardedHost != null && HOST.matcher(forwardedHost).matches()) {
        host = forwardedHost;
      }
    }
    if (host == null || !HOST.matcher(host).matches()) {
      host = request.getServerName() + ":" + request.getServerPort();
    }
    return scheme + "://" + host;
  }

  private static @Nullable String first(@Nullable String header) {
    if (header == null) {
      return null;
    }
    int comma = header.indexOf(',');
    return (comma >= 0 ? header.substring(0, comma) : header).trim();
  }
}
