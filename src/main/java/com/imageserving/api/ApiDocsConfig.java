package com.imageserving.api;

import com.imageserving.config.ServerSettings;
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

  @Bean
  OpenAPI openApi(ServerSettings server) {
    String base = server.publicBaseUrl();
    String version = ApiDocsConfig.class.getPackage().getImplementationVersion();
    return new OpenAPI()
        .info(new Info().title(server.appName()).version(version != null ? version : "dev"))
        .servers(List.of(new Server().url(base != null ? base : "/")));
  }
}
