package com.imageserving.support;

import com.imageserving.config.S3Settings;
import com.imageserving.storage.S3Clients;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A real S3 server for tests: S3Proxy over an in-memory blob store on a loopback port, with
 * signature checking on. It can go down and come back on the same port with its data intact, to
 * play an S3 outage.
 *
 * <p>Clients reach S3Proxy through a relay on a port of this server's own, bound once (to port 0)
 * and held until {@link #close()}: during an outage the relay cuts every connection and resets new
 * ones at once, and afterwards relays again. The port is never given up, so nothing else can take
 * it while S3 is "down" (as it could if S3Proxy itself stopped and bound it again later).
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

  private final S3Proxy proxy;
  private final ServerSocket relay;
  private final Set<Socket> relayed = ConcurrentHashMap.newKeySet();
  private volatile boolean up = true;
  private final AtomicInteger refused = new AtomicInteger();

  private S3ProxyServer() {
    proxy =
        S3Proxy.builder()
            .blobStore(new TransientNio2BlobStore())
            .endpoint(URI.create("http://127.0.0.1:0"))
            .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
            .ignoreUnknownHeaders(true)
            .stopTimeout(0)
            .build();
    try {
      proxy.start();
      long deadline = System.nanoTime() + 30_000_000_000L;
      while (!"STARTED".equals(proxy.getState())) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("S3Proxy did not start: " + proxy.getState());
        }
        Thread.sleep(10);
      }
      relay = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    } catch (Exception e) {
      throw new IllegalStateException("S3Proxy did not start", e);
    }
    Thread.ofVirtual().start(this::acceptLoop);
  }

  /** A new server of one's own (take it down and bring it back freely); close it when done. */
  public static S3ProxyServer start() {
    return new S3ProxyServer();
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
    return URI.create("http://127.0.0.1:" + port());
  }

  public int port() {
    return relay.getLocalPort();
  }

  public boolean running() {
    return up;
  }

  /**
   * Connections reset because S3 was down, since this server started: how many attempts a client
   * made during an outage (a client that retried without bound would show here).
   */
  public int refusedConnections() {
    return refused.get();
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

  /** S3 goes away: open connections are cut, new ones reset, until {@link #restart()}. */
  public void stop() {
    up = false;
    for (Socket socket : relayed) {
      closeQuietly(socket);
    }
  }

  /** S3 is back, on the same port with the same contents. */
  public void restart() {
    up = true;
  }

  @Override
  public void close() {
    stop();
    closeQuietly(relay);
    try {
      proxy.stop();
    } catch (Exception e) {
      throw new IllegalStateException("S3Proxy did not stop", e);
    }
  }

  private void acceptLoop() {
    while (!relay.isClosed()) {
      Socket client;
      try {
        client = relay.accept();
      } catch (IOException closed) {
        return;
      }
      if (!up) {
        refused.incrementAndGet();
        reset(client);
        continue;
      }
      Thread.ofVirtual().start(() -> relay(client));
    }
  }

  private void relay(Socket client) {
    try (client;
        Socket server = new Socket(InetAddress.getLoopbackAddress(), proxy.getPort())) {
      relayed.add(client);
      relayed.add(server);
      if (!up) {
        return; // went down while connecting
      }
      Thread upstream = Thread.ofVirtual().start(() -> pump(client, server));
      pump(server, client);
      upstream.join();
    } catch (IOException | InterruptedException e) {
      // cut by stop(), or a peer went away
    } finally {
      relayed.remove(client);
    }
  }

  /** Copies one direction until either side ends, then ends both. */
  private void pump(Socket from, Socket to) {
    try (InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream()) {
      in.transferTo(out);
    } catch (IOException ended) {
      // either side went away
    } finally {
      relayed.remove(from);
      relayed.remove(to);
      closeQuietly(from);
      closeQuietly(to);
    }
  }

  /** Closes with a reset, as an unreachable server's refusal would end the attempt at once. */
  private static void reset(Socket socket) {
    try {
      socket.setSoLinger(true, 0);
    } catch (IOException ignored) {
      // closing is what matters
    }
    closeQuietly(socket);
  }

  private static void closeQuietly(java.io.Closeable closeable) {
    try {
      closeable.close();
    } catch (IOException ignored) {
      // already closed
    }
  }
}
