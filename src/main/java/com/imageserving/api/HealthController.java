package com.imageserving.api;

import com.imageserving.storage.ImageStore;
import com.imageserving.storage.ImageStore.StorageException;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** Liveness and readiness probes. */
@RestController
@Tag(name = "health")
public class HealthController {
  private final ImageStore store;

  public HealthController(ImageStore store) {
    this.store = store;
  }

  @Operation(summary = "Liveness: 200 while the process runs")
  @GetMapping("/health")
  Map<String, String> health() {
    return Map.of("status", "ok");
  }

  @Operation(summary = "Readiness: 200 when the storage backend is usable, 503 with a reason")
  @GetMapping("/ready")
  ResponseEntity<Map<String, String>> ready() {
    try {
      store.checkReady();
      return ResponseEntity.ok(Map.of("status", "ok"));
    } catch (StorageException e) {
      Map<String, String> body = new LinkedHashMap<>();
      body.put("status", "unavailable");
      body.put("detail", e.getMessage());
      return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).body(body);
    }
  }
}
