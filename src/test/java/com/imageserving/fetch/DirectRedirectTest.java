package com.imageserving.fetch;

import static org.assertj.core.api.Assertions.assertThat;

import com.imageserving.support.Json;
import com.imageserving.support.TestImages;
import com.imageserving.support.TestNetwork;
import com.imageserving.support.TestServer;
import java.net.InetAddress;
import java.net.http.HttpResponse;
import java.util.Map;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okio.Buffer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * API.md §5 over HTTP, with the address rules on: a redirect of a direct fetch to a name that
 * resolves to a private address is refused like a private address given outright, before any
 * connection to it. The origin is a loopback server that the {@link TestNetwork} puts behind a
 * public name and address, since the rules refuse loopback itself.
 */
class DirectRedirectTest {
  private static final String PUBLIC = "http://images.example";
  private static final MockWebServer origin = new MockWebServer();
  private static final TestNetwork network = new TestNetwork();
  private static TestServer server;

  @BeforeAll
  static void start() throws Exception {
    origin.setDispatcher(
        new Dispatcher() {
          @Override
          public MockResponse dispatch(RecordedRequest request) {
            return switch (request.getUrl().encodedPath()) {
              case "/photo.jpg" ->
                  new MockResponse.Builder()
                      .setHeader("Content-Type", "image/jpeg")
                      .body(new Buffer().write(TestImages.jpeg(64, 48)))
                      .build();
              case "/to-internal" ->
                  new MockResponse.Builder()
                      .code(302)
                      .setHeader("Location", "http://internal.example/secret.jpg")
                      .build();
              default -> new MockResponse.Builder().code(404).build();
            };
          }
        });
    origin.start(InetAddress.getLoopbackAddress(), 0);
    network
        .route("images.example", "93.184.215.14", 80, origin.getPort())
        .name("internal.example", "10.1.2.3");
    server =
        TestServer.start(
            Map.of("FETCH_MAX_RETRIES", "1"),
            context -> context.registerBean(DirectNetwork.class, network::direct));
    // The service must fetch through the test network: through any other, a fetch of these
    // public names would leave the machine.
    assertThat(server.context().getBean(OkHttpImageFetcher.class).direct().socketFactory())
        .isSameAs(network.sockets());
  }

  @AfterAll
  static void stop() {
    server.close();
    origin.close();
  }

  @Test
  void aPublicNameIsFetchedWithTheRulesOn() {
    HttpResponse<String> response =
        server.postJson("/images/fetch", "{\"url\": \"" + PUBLIC + "/photo.jpg\"}");
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(Json.read(response.body()).get("mime_type").asString()).isEqualTo("image/jpeg");
  }

  @Test
  void aRedirectToANameOfAPrivateAddressIsRefusedWithoutConnecting() {
    int before = origin.getRequestCount();
    HttpResponse<String> fetched =
        server.postJson("/images/fetch", "{\"url\": \"" + PUBLIC + "/to-internal\"}");
    assertThat(fetched.statusCode()).as(fetched.body()).isEqualTo(400);
    assertThat(fetched.body()).isEqualTo("{\"detail\":\"Invalid url\"}");

    HttpResponse<String> stored =
        server.postJson("/images/redirects/proxy", "{\"urls\": [\"" + PUBLIC + "/to-internal\"]}");
    assertThat(stored.statusCode()).as(stored.body()).isEqualTo(200);
    assertThat(stored.body())
        .isEqualTo("{\"urls\":{},\"errors\":{\"" + PUBLIC + "/to-internal\":\"Invalid url\"}}");

    // The first hop each time; the second is refused at its name's lookup, before connecting:
    // 10.1.2.3 is a literal nowhere, so only the resolved address can have been judged.
    assertThat(origin.getRequestCount() - before).isEqualTo(2);
    assertThat(network.refused).as("connections attempted outside the routes").isEmpty();
  }
}
