package com.imageserving.api;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

@ExtendWith(OutputCaptureExtension.class)
class AccessLogTest {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  @Test
  void lineHasTheLogstashFieldsOfEveryOtherLine() {
    Instant now = Instant.parse("2026-11-24T03:22:22.043320006Z");
    byte[] bytes = AccessLog.line(now, "GET", "/images/ns/id", 200, "2.5", "req-1");
    String line = new String(bytes, StandardCharsets.US_ASCII);
    assertThat(line).endsWith("}\n").doesNotContain("\n{");
    JsonNode node = JSON.readTree(line);
    List<String> names = new ArrayList<>(node.propertyNames());
    assertThat(names)
        .containsExactly(
            "@timestamp",
            "@version",
            "message",
            "logger_name",
            "thread_name",
            "level",
            "level_value",
            "request_id",
            "method",
            "path",
            "status",
            "duration_ms");
    assertThat(OffsetDateTime.parse(node.get("@timestamp").asString()).toInstant()).isEqualTo(now);
    assertThat(node.get("message").asString()).isEqualTo("GET /images/ns/id 200 2.5ms");
    assertThat(node.get("logger_name").asString()).isEqualTo("access");
    assertThat(node.get("thread_name").asString()).isEqualTo(Thread.currentThread().getName());
    assertThat(node.get("level").asString()).isEqualTo("INFO");
    assertThat(node.get("level_value").asInt()).isEqualTo(20000);
    assertThat(node.get("request_id").asString()).isEqualTo("req-1");
    assertThat(node.get("status").isInt()).isTrue();
    assertThat(node.get("status").asInt()).isEqualTo(200);
    assertThat(node.get("duration_ms").isNumber()).isTrue();
    assertThat(node.get("duration_ms").asDouble()).isEqualTo(2.5);
  }

  // Other tests in this JVM may have configured logging (LOG_LEVEL) differently.
  private final Logger logger = (Logger) LoggerFactory.getLogger("access");
  private @Nullable Level previousLevel;

  @BeforeEach
  void infoLevel() {
    previousLevel = logger.getLevel();
    logger.setLevel(Level.INFO);
  }

  @AfterEach
  void restoreLevel() {
    logger.setLevel(previousLevel);
  }

  @Test
  void humanReadableModeGoesThroughTheLogger() {
    ListAppender<ILoggingEvent> events = new ListAppender<>();
    events.start();
    logger.addAppender(events);
    try {
      new AccessLog(false).record("GET", "/health", 200, 1_460_000, "req-2");
    } finally {
      logger.detachAppender(events);
    }
    assertThat(events.list)
        .singleElement()
        .satisfies(event -> {
          assertThat(event.getFormattedMessage()).isEqualTo("GET /health 200 1.5ms");
          assertThat(event.getKeyValuePairs())
              .extracting(kv -> kv.key + "=" + kv.value)
              .containsExactly("method=GET", "path=/health", "status=200", "duration_ms=1.5");
        });
  }

  @Test
  void jsonModeWritesOneLineToStandardOutput(CapturedOutput output) {
    new AccessLog(true).record("DELETE", "/images/ns", 401, 40_000, "req-3");
    assertThat(output.getOut().lines().filter(l -> l.contains("\"request_id\":\"req-3\"")))
        .singleElement()
        .satisfies(line ->
            assertThat(line)
                .contains("\"message\":\"DELETE /images/ns 401 0.0ms\"", "\"status\":401"));
  }

  @Test
  void anyPathSurvivesAsOneValidJsonLine() {
    String path = "/a\"b\\c\u0001d\te\nf\u00e9g\u2028h\uffff";
    byte[] bytes = AccessLog.line(Instant.now(), "GET", path, 404, "0.1", "r");
    String line = new String(bytes, StandardCharsets.US_ASCII);
    assertThat(line.indexOf('\n')).isEqualTo(line.length() - 1);
    for (byte b : bytes) {
      assertThat(b).isBetween((byte) 0x0a, (byte) 0x7e);
    }
    JsonNode node = JSON.readTree(line);
    assertThat(node.get("path").asString()).isEqualTo(path);
    assertThat(node.get("message").asString()).isEqualTo("GET " + path + " 404 0.1ms");
  }
}
