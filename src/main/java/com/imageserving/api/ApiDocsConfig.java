package com.imageserving.api;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.imageserving.config.ServerSettings;
import io.swagger.v3.core.jackson.ModelResolver;
import io.swagger.v3.core.util.Json;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.servers.Server;
import java.util.List;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The OpenAPI document's fixed parts. Its server URL is PUBLIC_BASE_URL, or else relative ("/", the
 * origin the reader fetched the document from): springdoc would otherwise build it from the first
 * request's Host header and cache it, so one forged Host would set it for every reader.
 */
@Configuration(proxyBeanMethods = false)
public class ApiDocsConfig {

  /**
   * Schemas with the property names the JSON really has: springdoc reads records through swagger's
   * own (Jackson 2) mapper, which knows nothing of spring.jackson.property-naming-strategy.
   */
  @Bean
  ModelResolver modelResolver() {
    return new ModelResolver(
        Json.mapper().copy().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE));
  }

  @Bean
  OpenAPI openApi(ServerSettings server) {
    String base = server.publicBaseUrl();
    String version = ApiDocsConfig.class.getPackage().getImplementationVersion();
    return new OpenAPI()
        .info(new Info().title(server.appName()).version(version != null ? version : "dev"))
        .servers(List.of(new Server().url(base != null ? base : "/")));
  }
}
