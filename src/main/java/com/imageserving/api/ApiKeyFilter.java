package com.imageserving.api;

import com.imageserving.config.ServerSettings;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * API keys: every request that changes something (any method but GET, HEAD and OPTIONS: upload,
 * delete, fetch, proxy, signing) and the listings ({@code GET /images}, {@code GET
 * /images/{namespace}}) need one of {@code API_KEYS}, and {@code /metrics} needs {@code
 * METRICS_API_KEY} when that is set. Keys come as {@code Authorization: Bearer <key>} or {@code
 * X-API-Key: <key>}; anything else is {@code 401 {"detail": "Not authenticated"}}.
 *
 * <p>Protection goes by method, not by path, so no spelling of a path (encoded, dot segments, path
 * parameters) can reach a write endpoint unauthenticated. It runs after the request-id and CORS
 * filters: a 401 carries a request id, gets an access-log line and CORS headers, and CORS
 * preflights are answered before they get here. Without {@code API_KEYS} writes stay open, like the
 * original service.
 */
public final class ApiKeyFilter extends OncePerRequestFilter {
  static final String BEARER_SCHEME = "bearer";
  static final String HEADER_SCHEME = "apiKey";
  static final String API_KEY_HEADER = "X-API-Key";
  private static final Logger log = LoggerFactory.getLogger(ApiKeyFilter.class);
  private static final Set<String> READ_METHODS = Set.of("GET", "HEAD", "OPTIONS");
  // GET /images and GET /images/{namespace}, with any trailing slash a matcher might accept.
  private static final Pattern LISTING = Pattern.compile("/images/*|/images/+[^/]*/*");
  private static final byte[] NOT_AUTHENTICATED =
      "{\"detail\":\"Not authenticated\"}".getBytes(StandardCharsets.UTF_8);

  // Only digests are kept: comparing fixed-length SHA-256 values in constant time leaks neither
  // a key's content nor its length through timing.
  private final List<byte[]> writeKeys;
  private final byte @Nullable [] metricsKey;

  public ApiKeyFilter(ServerSettings server) {
    this.writeKeys =
        server.apiKeys().stream().filter(k -> !k.isBlank()).map(ApiKeyFilter::digest).toList();
    String metrics = server.metricsApiKey();
    this.metricsKey = metrics == null || metrics.isBlank() ? null : digest(metrics);
    if (writeKeys.isEmpty()) {
      log.warn(
          "API_KEYS is not set: uploads, deletes, fetch and proxy are open to anyone who can reach"
              + " this service");
    }
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    List<byte[]> accepted = acceptedKeys(request);
    if (accepted.isEmpty() || matches(presentedKey(request), accepted)) {
      chain.doFilter(request, response);
      return;
    }
    response.setStatus(HttpServletResponse.SC_UNAUTHORIZED);
    response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
    response.setContentType(MediaType.APPLICATION_JSON_VALUE);
    response.setContentLength(NOT_AUTHENTICATED.length);
    response.getOutputStream().write(NOT_AUTHENTICATED);
  }

  /** The keys that open this request; empty when it is public. */
  private List<byte[]> acceptedKeys(HttpServletRequest request) {
    if (!READ_METHODS.contains(request.getMethod())) {
      return writeKeys;
    }
    // The servlet path is decoded and normalised by the container, unlike the request URI.
    String path = request.getServletPath();
    if (metricsKey != null && path.startsWith("/metrics")) {
      return List.of(metricsKey);
    }
    // Listings reveal image ids, which work as unguessable links: they need a key like writes.
    if (LISTING.matcher(path).matches()) {
      return writeKeys;
    }
    return List.of();
  }

  private static @Nullable String presentedKey(HttpServletRequest request) {
    String authorization = request.getHeader(HttpHeaders.AUTHORIZATION);
    if (authorization != null
        && authorization.regionMatches(true, 0, "Bearer ", 0, 7)
        && authorization.length() > 7) {
      return authorization.substring(7).trim();
    }
    return request.getHeader(API_KEY_HEADER);
  }

  private static boolean matches(@Nullable String presented, List<byte[]> accepted) {
    if (presented == null) {
      return false;
    }
    byte[] candidate = digest(presented);
    boolean found = false;
    // Every key is compared, so the time taken does not tell which one (if any) matched.
    for (byte[] key : accepted) {
      found |= MessageDigest.isEqual(candidate, key);
    }
    return found;
  }

  private static byte[] digest(String key) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
