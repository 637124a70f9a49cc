package com.imageserving.support;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * A loopback port that nothing listens on, held for as long as this is open: a socket bound to it
 * that never listens, so connections to it are refused and no other server can take it meanwhile
 * (unlike a port found free and released, which anything may bind before the test uses it).
 */
public final class DeadPort implements AutoCloseable {
  private final Socket socket = new Socket();

  public DeadPort() throws IOException {
    socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
  }

  public int port() {
    return socket.getLocalPort();
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
