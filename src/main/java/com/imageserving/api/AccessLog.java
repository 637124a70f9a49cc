package com.imageserving.api;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The access-log line, one per request, at INFO on the logger {@code access} (so LOG_LEVEL turns it
 * off like any other line).
 *
 * <p>In JSON mode the line is written here, with the same fields and layout as Spring Boot's
 * Logstash format uses for every other line. Going through Logback's structured encoder cost about
 * 14 µs of CPU per request, a quarter of a small GET's total (see BENCHMARKS.md); this costs a
 * fraction of that. The line goes to {@code System.out} in one write, under the stream's lock, as
 * Logback's console appender does, so lines never interleave. In human-readable mode (DEBUG) the
 * logger is used as usual.
 */
final class AccessLog {
  private static final Logger log = LoggerFactory.getLogger("access");
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private final boolean json;

  AccessLog(boolean json) {
    this.json = json;
  }

  void record(String method, String path, int status, long nanos, String requestId) {
    if (!log.isInfoEnabled()) {
      return;
    }
    // Tenths of a millisecond, as a JSON number.
    long tenths = (nanos + 50_000) / 100_000;
    String millis = (tenths / 10) + "." + (tenths % 10);
    if (!json) {
      log.atInfo()
          .addKeyValue("method", method)
          .addKeyValue("path", path)
          .addKeyValue("status", status)
          .addKeyValue("duration_ms", Double.parseDouble(millis))
          .log("{} {} {} {}ms", method, path, status, millis);
      return;
    }
    byte[] line = line(Instant.now(), method, path, status, millis, requestId);
    PrintStream out = System.out;
    out.write(line, 0, line.length);
    out.flush();
  }

  static byte[] line(
      Instant now, String method, String path, int status, String millis, String requestId) {
    StringBuilder b = new StringBuilder(256 + path.length());
    b.append("{\"@timestamp\":\"");
    DateTimeFormatter.ISO_OFFSET_DATE_TIME.formatTo(
        OffsetDateTime.ofInstant(now, ZoneId.systemDefault()), b);
    b.append("\",\"@version\":\"1\",\"message\":\"");
    escape(b, method).append(' ');
    escape(b, path).append(' ').append(status).append(' ').append(millis).append("ms");
    b.append("\",\"logger_name\":\"access\",\"thread_name\":\"");
    escape(b, Thread.currentThread().getName());
    b.append("\",\"level\":\"INFO\",\"level_value\":20000,\"request_id\":\"");
    escape(b, requestId);
    b.append("\",\"method\":\"");
    escape(b, method);
    b.append("\",\"path\":\"");
    escape(b, path);
    b.append("\",\"status\":").append(status);
    b.append(",\"duration_ms\":").append(millis).append("}\n");
    // Everything above is ASCII: non-ASCII characters were escaped.
    return b.toString().getBytes(StandardCharsets.US_ASCII);
  }

  /** JSON string escaping; control and non-ASCII characters as \\u escapes. */
  private static StringBuilder escape(StringBuilder b, String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') {
        b.append('\\').append(c);
      } else if (c >= 0x20 && c < 0x7f) {
        b.append(c);
      } else {
        b.append("\\u")
            .append(HEX[(c >> 12) & 0xF])
            .append(HEX[(c >> 8) & 0xF])
            .append(HEX[(c >> 4) & 0xF])
            .append(HEX[c & 0xF]);
      }
    }
    return b;
  }
}
