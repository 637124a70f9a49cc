package com.imageserving.support;

import com.imageserving.config.S3Settings;
import com.imageserving.storage.S3Clients;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A real S3 server for tests: S3Proxy over an in-memory blob store on a free loopback port, with
 * signature checking on. It can be stopped and started again on the same port with its data intact,
 * to play an S3 outage.
 *
 * <pre>{@code
 * S3ProxyServer s3 = S3ProxyServer.shared();          // or start() for one of your own
 * Settings settings = Settings.from(s3.env(s3.newBucket()));
 * }</pre>
 */
public final class S3ProxyServer implements AutoCloseable {
  public static final String ACCESS_KEY = "test-access-key";
  public static final String SECRET_KEY = "test-secret-key";
  public static final String REGION = "us-east-1";

  private static final AtomicInteger BUCKETS = new AtomicInteger();
  private static @Nullable S3ProxyServer shared;

  // Kept across stop/start so that an outage does not lose the bucket's contents.
  private final BlobStore blobStore = new TransientNio2BlobStore();
  private @Nullable S3Proxy proxy;
  private int port;

  private S3ProxyServer() {}

  /** A new server of one's own (stop and restart it freely); close it when done. */
  public static S3ProxyServer start() {
    S3ProxyServer server = new S3ProxyServer();
    server.startOn(0);
    return server;
  }

  /**
   * One server for the whole test JVM, never stopped: give each test a bucket of its own with
   * {@link #newBucket()}. Do not stop it; start a private one to test outages.
   */
  public static synchronized S3ProxyServer shared() {
    if (shared == null) {
      shared = start();
    }
    return shared;
  }

  /** A bucket name not used before in this JVM; the service creates it at start-up. */
  public String newBucket() {
    return "test-bucket-" + BUCKETS.incrementAndGet();
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + port);
  }

  public int port() {
    return port;
  }

  public boolean running() {
    return proxy != null;
  }

  /** The variables that point the service at this server and bucket (STORAGE_BACKEND=s3). */
  public Map<String, String> env(String bucket) {
    return Map.of(
        "STORAGE_BACKEND", "s3",
        "S3_BUCKET", bucket,
        "S3_ENDPOINT_URL", endpoint().toString(),
        "S3_ACCESS_KEY", ACCESS_KEY,
        "S3_SECRET_KEY", SECRET_KEY,
        "S3_REGION", REGION);
  }

  public S3Settings settings(String bucket) {
    return new S3Settings(
        bucket, REGION, endpoint().toString(), ACCESS_KEY, SECRET_KEY, "images", null);
  }

  /** A client of this server built like the service's own, e.g. to write or inspect keys. */
  public S3Client client(ExecutionInterceptor... interceptors) {
    return S3Clients.build(settings("unused"), List.of(interceptors));
  }

  /** Stops answering: connections to the port are refused until {@link #restart()}. */
  public synchronized void stop() {
    if (proxy == null) {
      return;
    }
    try {
      proxy.stop();
    } catch (Exception e) {
      throw new IllegalStateException("S3Proxy did not stop", e);
    }
    proxy = null;
  }

  /** Starts again on the same port with the same contents. */
  public synchronized void restart() {
    if (proxy == null) {
      startOn(port);
    }
  }

  @Override
  public synchronized void close() {
    stop();
  }

  private synchronized void startOn(int wantedPort) {
    S3Proxy started =
        S3Proxy.builder()
            .blobStore(blobStore)
            .endpoint(URI.create("http://127.0.0.1:" + wantedPort))
            .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
            .ignoreUnknownHeaders(true)
            // The default waits for open connections; an outage should be immediate.
            .stopTimeout(0)
            .build();
    try {
      started.start();
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (!"STARTED".equals(started.getState())) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("S3Proxy did not start: " + started.getState());
        }
        Thread.sleep(10);
      }
    } catch (Exception e) {
      throw new IllegalStateException("S3Proxy did not start on port " + wantedPort, e);
    }
    proxy = started;
    port = started.getPort();
  }
}
