package com.imageserving.support;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A loopback TCP server on a port of its own (bound to port 0) that hands each accepted socket to a
 * behaviour on a virtual thread, then closes it: for peers that misbehave below HTTP, or that only
 * count or record what arrives.
 */
public final class RawServer implements AutoCloseable {
  /** What to do with one accepted connection; an I/O error just ends it. */
  @FunctionalInterface
  public interface Behaviour {
    void handle(Socket socket) throws IOException;
  }

  private final ServerSocket socket;
  private final List<Integer> accepted = new CopyOnWriteArrayList<>();

  public RawServer(Behaviour behaviour) throws IOException {
    socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread.ofVirtual()
        .start(() -> {
          while (!socket.isClosed()) {
            try {
              Socket accepted = socket.accept();
              this.accepted.add(accepted.getPort());
              Thread.ofVirtual()
                  .start(() -> {
                    try (accepted) {
                      behaviour.handle(accepted);
                    } catch (IOException ignored) {
                      // the peer went away, or closing failed: nothing to do
                    }
                  });
            } catch (IOException closed) {
              return;
            }
          }
        });
  }

  public int port() {
    return socket.getLocalPort();
  }

  /**
   * The client port of every connection accepted so far, in the order of acceptance (which is the
   * order the connections were established in).
   */
  public List<Integer> accepted() {
    return List.copyOf(accepted);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
