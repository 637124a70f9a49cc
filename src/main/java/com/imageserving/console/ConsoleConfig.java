package com.imageserving.console;

import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.http.CacheControl;
import org.springframework.web.servlet.config.annotation.ResourceHandlerRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Serves {@code classpath:/console/**} at {@code /console/} (Spring Boot's default static mappings
 * are off: only these files are published) with the console's security headers.
 */
@Configuration(proxyBeanMethods = false)
class ConsoleConfig {

  /**
   * Revalidated on every load (no-cache with Last-Modified): after an upgrade a browser never mixes
   * an old app.js with a new index.html.
   */
  @Bean
  WebMvcConfigurer consoleFiles() {
    return new WebMvcConfigurer() {
      @Override
      public void addResourceHandlers(ResourceHandlerRegistry registry) {
        registry
            .addResourceHandler("/console/**")
            .addResourceLocations("classpath:/console/")
            .setCacheControl(CacheControl.noCache());
      }
    };
  }

  /**
   * After request ids, before API keys (HIGHEST_PRECEDENCE + 2), so even a 401 or 404 under
   * /console carries the headers.
   */
  @Bean
  FilterRegistrationBean<ConsoleHeaders> consoleHeaders() {
    FilterRegistrationBean<ConsoleHeaders> registration =
        new FilterRegistrationBean<>(new ConsoleHeaders());
    registration.addUrlPatterns("/console", "/console/*");
    registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 1);
    return registration;
  }
}
