package com.imageserving.api;

import com.imageserving.config.ServerSettings;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;
import org.slf4j.MDC;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Gives every request an id (the client's {@code x-request-id} when it is sane, else a new UUID),
 * echoes it, puts it in every log line of the request (MDC {@code request_id}), and writes one
 * access-log line when the request ends.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
public class RequestIdFilter extends OncePerRequestFilter {
  public static final String HEADER = "x-request-id";
  public static final String MDC_KEY = "request_id";
  // Client-supplied ids end up in logs: keep them short and free of control characters.
  private static final Pattern SANE = Pattern.compile("[A-Za-z0-9._:/+=@-]{1,128}");
  private final AccessLog accessLog;

  public RequestIdFilter(ServerSettings server) {
    this.accessLog = new AccessLog(!server.debug());
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    String incoming = request.getHeader(HEADER);
    String id = incoming != null && SANE.matcher(incoming).matches() ? incoming : newId();
    response.setHeader(HEADER, id);
    MDC.put(MDC_KEY, id);
    long start = System.nanoTime();
    try {
      chain.doFilter(request, response);
    } finally {
      accessLog.record(
          request.getMethod(),
          request.getRequestURI(),
          response.getStatus(),
          System.nanoTime() - start,
          id);
      MDC.remove(MDC_KEY);
    }
  }

  /**
   * A random version-4 UUID. Request ids need to be unique, not unguessable, so they come from
   * ThreadLocalRandom instead of UUID.randomUUID()'s shared SecureRandom, which request threads
   * would otherwise contend on.
   */
  static String newId() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    long high = (random.nextLong() & ~0xF000L) | 0x4000L;
    long low = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return new UUID(high, low).toString();
  }

  @Override
  protected boolean shouldNotFilterErrorDispatch() {
    return true;
  }
}
