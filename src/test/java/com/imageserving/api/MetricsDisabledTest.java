package com.imageserving.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.imageserving.support.TestServer;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MetricsDisabledTest {

  @Test
  void metricsOffMeansNoEndpoint() {
    try (TestServer server = TestServer.start(Map.of("METRICS_ENABLED", "false"))) {
      assertThat(server.get("/metrics").statusCode()).isEqualTo(404);
      assertThat(server.get("/metrics").body()).isEqualTo("{\"detail\":\"Not Found\"}");
    }
  }
}
