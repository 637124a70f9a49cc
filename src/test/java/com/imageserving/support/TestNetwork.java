package com.imageserving.support;

import com.imageserving.fetch.DirectNetwork;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.SocketFactory;

/**
 * A network for direct fetches with the address rules on, which then refuse every loopback server:
 * names resolve from a table, and a connection to a routed public {@code address:port} goes to a
 * loopback port instead. Any other connection is refused here, recorded, and never leaves the
 * machine. Give {@link #direct()} to the service as its {@code DirectNetwork} bean.
 */
public final class TestNetwork {
  public final TestFetch.MapResolver resolver = new TestFetch.MapResolver();

  /** Connections asked for that no route covers: refused without a packet sent. */
  public final List<SocketAddress> refused = new CopyOnWriteArrayList<>();

  private final Map<InetSocketAddress, InetSocketAddress> routes = new ConcurrentHashMap<>();
  private final SocketFactory sockets = new Sockets();
  private final DirectNetwork direct = new DirectNetwork(resolver, sockets);

  /** {@code name} resolves to {@code address}, whose {@code port} is served by a loopback port. */
  public TestNetwork route(String name, String address, int port, int loopbackPort) {
    resolver.map(name, address);
    routes.put(
        new InetSocketAddress(literal(address), port),
        new InetSocketAddress(InetAddress.getLoopbackAddress(), loopbackPort));
    return this;
  }

  /** {@code name} resolves to {@code addresses}, with no route to any of them. */
  public TestNetwork name(String name, String... addresses) {
    resolver.map(name, addresses);
    return this;
  }

  public DirectNetwork direct() {
    return direct;
  }

  public SocketFactory sockets() {
    return sockets;
  }

  private static InetAddress literal(String address) {
    try {
      return InetAddress.getByName(address); // a literal: no lookup
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(e);
    }
  }

  /** Unconnected sockets (what OkHttp asks for) that connect by the routes. */
  private final class Sockets extends SocketFactory {
    @Override
    public Socket createSocket() {
      return new Socket() {
        @Override
        public void connect(SocketAddress endpoint, int timeout) throws IOException {
          InetSocketAddress to = routes.get(endpoint);
          if (to == null) {
            refused.add(endpoint);
            throw new ConnectException("no route to " + endpoint + " in the test network");
          }
          super.connect(to, timeout);
        }
      };
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
      throw new SocketException("connect through createSocket() and connect()");
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort)
        throws IOException {
      throw new SocketException("connect through createSocket() and connect()");
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
      throw new SocketException("connect through createSocket() and connect()");
    }

    @Override
    public Socket createSocket(
        InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
      throw new SocketException("connect through createSocket() and connect()");
    }
  }
}
