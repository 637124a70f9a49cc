package com.imageserving.imaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.imageserving.support.TestImages;
import com.imageserving.support.TestServer;
import java.net.Socket;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Upload bodies live in native memory under one budget (InputBudget): here twice one worker times
 * the 100 KB upload limit. Two clients that declare 100 KB and stall fill it, so a third upload is
 * refused at once with 503 and Retry-After, and is taken again as soon as they go away.
 */
class UploadBudgetTest {
  private static TestServer server;

  @BeforeAll
  static void start() {
    server =
        TestServer.start(
            Map.of(
                "MAX_UPLOAD_BYTES", "100000",
                "PROCESSING_CONCURRENCY", "1",
                "PROCESSING_QUEUE", "0"));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static HttpResponse<String> upload(byte[] png) {
    return server.send(
        server
            .request("/images/budget")
            .header("Content-Type", "image/png")
            .POST(BodyPublishers.ofByteArray(png))
            .build());
  }

  @Test
  void stalledBodiesThatFillTheBudgetMakeOthersWaitNotTheMachine() throws Exception {
    byte[] png = TestImages.png(40, 30);
    assertThat(upload(png).statusCode()).isEqualTo(200);
    List<Socket> stalled = new ArrayList<>();
    try {
      for (int i = 0; i < 2; i++) {
        Socket socket = new Socket("127.0.0.1", server.port());
        socket
            .getOutputStream()
            .write(
                ("POST /images/budget HTTP/1.1\r\nHost: x\r\nContent-Type: image/png\r\n"
                        + "Content-Length: 100000\r\n\r\n0123456789")
                    .getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        stalled.add(socket);
      }
      // Both stalled bodies hold their reservation before the probe: otherwise a probe could slip
      // in between and the second stalled body would be the one refused.
      InputBudget budget = server.context().getBean(InputBudget.class);
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (budget.reserved() < 200_000 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertThat(budget.reserved()).isEqualTo(200_000);
      HttpResponse<String> refused = awaitStatus(png, 503);
      assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
      assertThat(refused.body()).contains("\"detail\"");
    } finally {
      for (Socket socket : stalled) {
        socket.close();
      }
    }
    // The stalled bodies end short, are refused as images, and give their memory back.
    assertThat(awaitStatus(png, 200).body()).contains("\"image_id\"");
  }

  /**
   * A JSON body reserves, when its data string starts, room for the largest image its declared
   * length can hold: three bytes per four. Two stalled 100 KB ones hold 150,006 bytes, so a third
   * of 70 KB is refused (while a small raw body still fits), and taken once they go away.
   */
  @Test
  void jsonBodiesShareTheBudget() throws Exception {
    String b64 = Base64.getEncoder().encodeToString(TestImages.png(40, 30));
    byte[] json = ("{\"data\": \"" + b64 + "\"}" + " ".repeat(70_000)).getBytes();
    List<Socket> stalled = new ArrayList<>();
    try {
      for (int i = 0; i < 2; i++) {
        Socket socket = new Socket("127.0.0.1", server.port());
        socket
            .getOutputStream()
            .write(
                ("POST /images/budget HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                        + "Content-Length: 100000\r\n\r\n{\"data\": \"AAAA")
                    .getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        stalled.add(socket);
      }
      InputBudget budget = server.context().getBean(InputBudget.class);
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (budget.reserved() < 150_006 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertThat(budget.reserved()).isEqualTo(150_006);
      HttpResponse<String> refused = uploadJson(json);
      assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
      assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
      assertThat(refused.body())
          .isEqualTo("{\"detail\":\"Image processing capacity exhausted, retry later\"}");
      assertThat(upload(TestImages.png(40, 30)).statusCode()).isEqualTo(200);
    } finally {
      for (Socket socket : stalled) {
        socket.close();
      }
    }
    long deadline = System.nanoTime() + 10_000_000_000L;
    HttpResponse<String> taken;
    do {
      taken = uploadJson(json);
    } while (taken.statusCode() == 503 && System.nanoTime() < deadline);
    assertThat(taken.statusCode()).as(taken.body()).isEqualTo(200);
  }

  private static HttpResponse<String> uploadJson(byte[] json) {
    return server.send(
        server
            .request("/images/budget")
            .header("Content-Type", "application/json")
            .POST(BodyPublishers.ofByteArray(json))
            .build());
  }

  /** Uploads until the answer has {@code status} (the stalled requests start asynchronously). */
  private static HttpResponse<String> awaitStatus(byte[] png, int status) throws Exception {
    long deadline = System.nanoTime() + 10_000_000_000L;
    HttpResponse<String> response;
    do {
      response = upload(png);
      if (response.statusCode() == status) {
        return response;
      }
      Thread.sleep(50);
    } while (System.nanoTime() < deadline);
    throw new AssertionError("expected " + status + ", last answer " + response.statusCode());
  }
}
