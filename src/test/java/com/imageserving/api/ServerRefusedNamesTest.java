package com.imageserving.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.imageserving.support.RawHttp;
import com.imageserving.support.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Names Tomcat refuses by itself, before Spring sees them (encoded slash and backslash, NUL, bad
 * percent-encoding, invalid UTF-8), get the contract's text like every other invalid name.
 */
class ServerRefusedNamesTest {
  static TestServer server;

  @BeforeAll
  static void start() {
    server = TestServer.start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @ParameterizedTest
  @ValueSource(strings = {"a%5Cb", "a%5cb", "a%2Fb", "a%00b", "a%zzb", "a%C0%AEb", "a%FFb", "%"})
  void answersWithTheContractsText(String name) throws Exception {
    assertDetail("POST", "/images/" + name, "Invalid namespace");
    assertDetail("DELETE", "/images/" + name, "Invalid namespace");
    assertDetail("POST", "/images/" + name + "/proxy", "Invalid namespace");
    assertDetail("GET", "/images/" + name + "/abc", "Invalid namespace");
    assertDetail("GET", "/images/ns/" + name, "Invalid image_id");
    assertDetail("HEAD", "/images/ns/" + name, null);
    assertDetail("DELETE", "/images/ns/" + name, "Invalid image_id");
  }

  /** Outside the names, Tomcat's own refusal keeps its generic text. */
  @Test
  void otherPathsKeepTheGenericText() throws Exception {
    assertDetail("GET", "/health%5C", "Bad Request");
    assertDetail("GET", "/images/ns/id/more%5C", "Bad Request");
  }

  private static void assertDetail(String method, String target, String detail) throws Exception {
    RawHttp.Response response = RawHttp.request(server.port(), method, target);
    assertThat(response.status()).as(method + " " + target).isEqualTo(400);
    assertThat(response.text()).as(method + " " + target).contains("application/json");
    if (detail != null) {
      // The body may come chunked (when Spring answers) or whole (when Tomcat does).
      assertThat(response.text())
          .as(method + " " + target)
          .contains("{\"detail\":\"" + detail + "\"}");
    }
  }
}
