package com.imageserving.console;

import io.swagger.v3.oas.annotations.Hidden;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.Resource;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The console's entry points: {@code /console} redirects to {@code /console/} (so the page's
 * relative script and style URLs resolve under it), which answers index.html. The other files are
 * served by the resource handler of {@link ConsoleConfig}.
 */
@Hidden // not part of the API
@RestController
class ConsoleController {
  private static final Resource INDEX = new ClassPathResource("console/index.html");

  @GetMapping("/console")
  ResponseEntity<Void> redirect() {
    return ResponseEntity.status(HttpStatus.FOUND).location(URI.create("/console/")).build();
  }

  @GetMapping("/console/")
  ResponseEntity<Resource> index() {
    return ResponseEntity.ok()
        .contentType(new MediaType(MediaType.TEXT_HTML, StandardCharsets.UTF_8))
        .cacheControl(CacheControl.noCache())
        .body(INDEX);
  }
}
