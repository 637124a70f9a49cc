package com.imageserving.support;

import com.imageserving.Application;
import com.imageserving.config.Settings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.support.GenericApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * The whole service on a free loopback port, started exactly as {@code main} starts it but with a
 * given environment, and a plain JDK HTTP client to talk to it over a real socket.
 */
public final class TestServer implements AutoCloseable {
  private final ConfigurableApplicationContext context;
  private final Path uploads;
  private final int port;
  private final HttpClient client =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(30))
          .build();

  private TestServer(ConfigurableApplicationContext context, Path uploads) {
    this.context = context;
    this.uploads = uploads;
    this.port = ((WebServerApplicationContext) context).getWebServer().getPort();
  }

  /** Starts with test defaults (port 0, loopback, a fresh uploads folder) overridden by env. */
  public static TestServer start(Map<String, String> env) {
    return start(env, new String[0]);
  }

  /**
   * Also with Spring properties on the command line ({@code
   * --server.tomcat.connection-timeout=2s}), for limits a test must see quickly but an operator
   * never sets.
   */
  public static TestServer start(Map<String, String> env, String... springArgs) {
    return start(env, context -> {}, springArgs);
  }

  /**
   * Also with beans of the test's own registered first, for what the service takes from the context
   * when it is there (such as a {@code DirectNetwork}).
   */
  public static TestServer start(
      Map<String, String> env, Consumer<GenericApplicationContext> beans, String... springArgs) {
    try {
      Path uploads = Files.createTempDirectory("uploads-");
      Map<String, String> vars = new HashMap<>();
      vars.put("PORT", "0");
      vars.put("HOST", "127.0.0.1");
      vars.put("UPLOADS_PATH", uploads.toString());
      vars.put("DEBUG", "true");
      vars.putAll(env);
      Settings settings = Settings.from(vars);
      SpringApplication application = Application.application(settings);
      application.addInitializers(context -> beans.accept((GenericApplicationContext) context));
      return new TestServer(
          Application.run(application, springArgs), settings.storage().uploadsPath());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static TestServer start() {
    return start(Map.of());
  }

  public int port() {
    return port;
  }

  public String base() {
    return "http://127.0.0.1:" + port;
  }

  public URI uri(String path) {
    return URI.create(base() + path);
  }

  public Path uploads() {
    return uploads;
  }

  public ConfigurableApplicationContext context() {
    return context;
  }

  public HttpClient client() {
    return client;
  }

  public HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30));
  }

  public HttpResponse<String> send(HttpRequest request) {
    try {
      return client.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public HttpResponse<byte[]> sendForBytes(HttpRequest request) {
    try {
      return client.send(request, HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public HttpResponse<String> get(String path) {
    return send(request(path).GET().build());
  }

  /** POST of a JSON body. */
  public HttpResponse<String> postJson(String path, String json) {
    return send(
        request(path)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json))
            .build());
  }

  /** A JSON upload ({@link Json#upload}) of {@code image} into {@code namespace}. */
  public HttpResponse<String> upload(String namespace, byte[] image) {
    return postJson("/images/" + namespace, Json.upload(image));
  }

  /** Uploads {@code image}, requires a 200, and returns the answer. */
  public JsonNode uploaded(String namespace, byte[] image) {
    HttpResponse<String> response = upload(namespace, image);
    if (response.statusCode() != 200) {
      throw new AssertionError(
          "upload to " + namespace + ": " + response.statusCode() + " " + response.body());
    }
    return Json.read(response.body());
  }

  /** Uploads {@code image}, requires a 200, and returns its image_id. */
  public String uploadedId(String namespace, byte[] image) {
    return uploaded(namespace, image).get("image_id").asString();
  }

  @Override
  public void close() {
    context.close();
  }
}
