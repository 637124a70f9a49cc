package com.imageserving.fetch;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import javax.net.SocketFactory;
import org.jspecify.annotations.Nullable;

/**
 * Creates {@link Socks5Socket}s for one proxy. OkHttp only calls {@link #createSocket()} and then
 * connects; the other methods exist to honour the {@link SocketFactory} contract.
 */
final class Socks5SocketFactory extends SocketFactory {

  private final ProxyEndpoint proxy;

  Socks5SocketFactory(ProxyEndpoint proxy) {
    this.proxy = proxy;
  }

  @Override
  public Socket createSocket() {
    return new Socks5Socket(proxy);
  }

  @Override
  public Socket createSocket(String host, int port) throws IOException {
    return connected(InetSocketAddress.createUnresolved(host, port), null);
  }

  @Override
  public Socket createSocket(String host, int port, InetAddress localHost, int localPort)
      throws IOException {
    return connected(
        InetSocketAddress.createUnresolved(host, port),
        new InetSocketAddress(localHost, localPort));
  }

  @Override
  public Socket createSocket(InetAddress host, int port) throws IOException {
    return connected(new InetSocketAddress(host, port), null);
  }

  @Override
  public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
      throws IOException {
    return connected(
        new InetSocketAddress(address, port), new InetSocketAddress(localAddress, localPort));
  }

  /** A SOCKS5 socket connected (through the proxy) to {@code target}, bound first if asked. */
  private Socket connected(InetSocketAddress target, @Nullable InetSocketAddress local)
      throws IOException {
    Socket socket = createSocket();
    if (local != null) {
      socket.bind(local);
    }
    socket.connect(target);
    return socket;
  }
}
