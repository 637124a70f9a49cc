package com.imageserving.api;

import com.imageserving.HostingService;
import com.imageserving.config.ServerSettings;
import com.imageserving.variants.VariantService;
import com.imageserving.variants.VariantUrls;
import io.micrometer.observation.ObservationPredicate;
import io.swagger.v3.oas.annotations.enums.SecuritySchemeIn;
import io.swagger.v3.oas.annotations.enums.SecuritySchemeType;
import io.swagger.v3.oas.annotations.security.SecurityScheme;
import io.swagger.v3.oas.annotations.security.SecuritySchemes;
import java.util.Set;
import org.apache.catalina.core.StandardHost;
import org.apache.tomcat.util.buf.EncodedSolidusHandling;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.http.MediaType;
import org.springframework.http.server.observation.ServerRequestObservationContext;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.UrlBasedCorsConfigurationSource;
import org.springframework.web.filter.CorsFilter;
import org.springframework.web.servlet.config.annotation.ContentNegotiationConfigurer;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/** Cross-cutting HTTP plumbing: CORS, API keys, and which requests are measured. */
// Springdoc reads security schemes from beans: documented here, on a configuration bean.
@SecuritySchemes({
  @SecurityScheme(
      name = ApiKeyFilter.BEARER_SCHEME,
      type = SecuritySchemeType.HTTP,
      scheme = "bearer",
      description = "One of API_KEYS (or METRICS_API_KEY for /metrics) as a bearer token"),
  @SecurityScheme(
      name = ApiKeyFilter.HEADER_SCHEME,
      type = SecuritySchemeType.APIKEY,
      in = SecuritySchemeIn.HEADER,
      paramName = ApiKeyFilter.API_KEY_HEADER,
      description = "One of API_KEYS in the X-API-Key header")
})
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

  /** After request ids and CORS, so a 401 has both and preflights never need a key. */
  @Bean
  FilterRegistrationBean<ApiKeyFilter> apiKeyFilter(ServerSettings server) {
    FilterRegistrationBean<ApiKeyFilter> registration =
        new FilterRegistrationBean<>(new ApiKeyFilter(server));
    registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 2);
    return registration;
  }

  /**
   * After request ids, CORS, API keys and the metrics observation (which Spring Boot registers at
   * {@code HIGHEST_PRECEDENCE + 1}), so a fast-path answer has all of them.
   */
  @Bean
  FilterRegistrationBean<ServeFastPath> serveFastPath(
      HostingService hosting, ImageResponses responses) {
    FilterRegistrationBean<ServeFastPath> registration =
        new FilterRegistrationBean<>(new ServeFastPath(hosting, responses));
    registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 3);
    registration.addUrlPatterns("/images/*");
    return registration;
  }

  /** After {@link ServeFastPath}, which passes on GETs with variant options in the query. */
  @Bean
  FilterRegistrationBean<VariantFastPath> variantFastPath(
      VariantUrls urls, VariantService variants, BaseUrl baseUrl, ImageResponses responses) {
    FilterRegistrationBean<VariantFastPath> registration =
        new FilterRegistrationBean<>(new VariantFastPath(urls, variants, baseUrl, responses));
    registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 4);
    registration.addUrlPatterns("/images/*", VariantController.PREFIX + "/*");
    return registration;
  }

  /**
   * Percent-encoded slashes reach the application instead of being refused by Tomcat: a variant's
   * plain source is a URL, percent-encoded into one path segment (imgproxy's form). Tomcat cannot
   * do this for one path only; it is safe for the rest because {@code %2F} is passed through
   * undecoded (never turned into a path separator), and image paths are read raw and allow-listed
   * by {@link PathNames}, which refuses any percent-encoding in a name.
   */
  @Bean
  WebServerFactoryCustomizer<TomcatServletWebServerFactory> encodedSlashesPassThrough() {
    return factory ->
        factory.addConnectorCustomizers(connector ->
            connector.setEncodedSolidusHandling(EncodedSolidusHandling.PASS_THROUGH.getValue()));
  }

  /** Tomcat's own error pages (before Spring sees a request) as JSON, like every other error. */
  @Bean
  WebServerFactoryCustomizer<TomcatServletWebServerFactory> jsonTomcatErrors() {
    return factory ->
        factory.addContextCustomizers(context -> {
          if (context.getParent() instanceof StandardHost host) {
            host.setErrorReportValveClass(JsonErrorReportValve.class.getName());
          }
        });
  }

  /**
   * The API speaks JSON only, as the original did, whatever a client's {@code Accept} header says:
   * negotiating on it only turned answers into bodiless 406s (a 404 asked for as XML was answered
   * 406 and logged as a server error). The metrics endpoint negotiates its own formats.
   */
  @Bean
  WebMvcConfigurer jsonWhateverTheAcceptHeader() {
    return new WebMvcConfigurer() {
      @Override
      public void configureContentNegotiation(ContentNegotiationConfigurer configurer) {
        configurer.ignoreAcceptHeader(true).defaultContentType(MediaType.APPLICATION_JSON);
      }
    };
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
