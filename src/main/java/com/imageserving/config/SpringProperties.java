package com.imageserving.config;

import java.util.HashMap;
import java.util.Map;

/** Translates our settings into the Spring Boot properties that implement them. */
public final class SpringProperties {
  private SpringProperties() {}

  public static Map<String, Object> from(Settings settings) {
    ServerSettings server = settings.server();
    Map<String, Object> p = new HashMap<>();
    p.put("spring.application.name", server.appName());
    p.put("spring.main.banner-mode", "off");
    p.put("spring.threads.virtual.enabled", "true");
    p.put("server.address", server.host());
    p.put("server.port", Integer.toString(server.port()));
    p.put("server.shutdown", "graceful");
    p.put("spring.lifecycle.timeout-per-shutdown-phase", "20s");
    p.put("server.error.whitelabel.enabled", "false");
    p.put("server.max-http-request-header-size", "16KB");
    // A client that stops sending (headers or body) is cut off after 10 s of silence. It is a
    // per-read timeout: a client trickling bytes is not cut off by it, only kept from holding a
    // request thread (headers are parsed without one); see SECURITY.md.
    p.put("server.tomcat.connection-timeout", "10s");
    p.put("server.tomcat.keep-alive-timeout", "60s");
    p.put("server.tomcat.max-keep-alive-requests", "-1");
    p.put("server.tomcat.max-swallow-size", "64KB");
    p.put("server.tomcat.use-relative-redirects", "true");
    long maxBody = settings.imaging().maxUploadBytes();
    p.put("spring.servlet.multipart.max-file-size", Long.toString(maxBody));
    p.put("spring.servlet.multipart.max-request-size", Long.toString(maxBody));
    p.put("spring.servlet.multipart.file-size-threshold", "1MB");
    p.put("spring.web.resources.add-mappings", "false");
    p.put("spring.mvc.problemdetails.enabled", "false");

    // Logging: JSON lines unless DEBUG; Logstash layout carries MDC (request_id) and key-values.
    p.put("logging.level.root", server.logLevel());
    p.put("logging.include-application-name", "false");
    p.put("logging.pattern.correlation", "[%X{request_id:-}] ");
    if (!server.debug()) {
      p.put("logging.structured.format.console", "logstash");
    }

    // Metrics: Prometheus text at /metrics, nothing else of the actuator exposed.
    p.put("management.endpoints.web.base-path", "/");
    p.put("management.endpoints.web.path-mapping.prometheus", "metrics");
    p.put("management.endpoints.web.exposure.include", server.metricsEnabled() ? "prometheus" : "");
    p.put("management.endpoints.access.default", "none");
    p.put("management.endpoint.prometheus.access", server.metricsEnabled() ? "read-only" : "none");
    p.put("management.metrics.enable.all", Boolean.toString(server.metricsEnabled()));
    p.put("management.metrics.distribution.percentiles-histogram.http.server.requests", "true");
    p.put("management.metrics.tags.application", server.appName());

    p.put("spring.jackson.property-naming-strategy", "SNAKE_CASE");

    // API documentation.
    p.put("springdoc.api-docs.path", "/openapi.json");
    p.put("springdoc.swagger-ui.path", "/docs");
    p.put("springdoc.show-actuator", "false");
    p.put("springdoc.api-docs.enabled", "true");
    p.put("springdoc.swagger-ui.enabled", "true");
    return p;
  }
}
