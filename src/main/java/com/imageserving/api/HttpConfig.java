package com.imageserving.api;

import com.imageserving.config.ServerSettings;
import io.micrometer.observation.ObservationPredicate;
import java.util.Set;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.http.server.observation.ServerRequestObservationContext;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.UrlBasedCorsConfigurationSource;
import org.springframework.web.filter.CorsFilter;

/** Cross-cutting HTTP plumbing: CORS for every path and which requests are measured. */
@Configuration(proxyBeanMethods = false)
public class HttpConfig {
  private static final Set<String> UNMEASURED = Set.of("/health", "/ready", "/metrics");

  /** CORS as the original: configured origins, credentials, all methods and headers. */
  @Bean
  FilterRegistrationBean<CorsFilter> corsFilter(ServerSettings server) {
    CorsConfiguration cors = new CorsConfiguration();
    // Patterns (not plain origins) so that "*" works together with credentials.
    cors.setAllowedOriginPatterns(server.corsOrigins());
    cors.setAllowCredentials(true);
    cors.addAllowedMethod("*");
    cors.addAllowedHeader("*");
    cors.addExposedHeader(RequestIdFilter.HEADER);
    cors.setMaxAge(600L);
    UrlBasedCorsConfigurationSource source = new UrlBasedCorsConfigurationSource();
    source.registerCorsConfiguration("/**", cors);
    FilterRegistrationBean<CorsFilter> registration =
        new FilterRegistrationBean<>(new CorsFilter(source));
    registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 1);
    return registration;
  }

  /** Probes and scrapes would drown the request metrics; leave them out. */
  @Bean
  ObservationPredicate skipProbeRequests() {
    return (name, context) ->
        !(context instanceof ServerRequestObservationContext server
            && server.getCarrier() != null
            && UNMEASURED.contains(server.getCarrier().getRequestURI()));
  }
}
