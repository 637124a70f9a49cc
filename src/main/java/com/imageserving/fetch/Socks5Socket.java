package com.imageserving.fetch;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * A socket that reaches its destination through a SOCKS5 proxy, doing the RFC 1928 handshake and
 * RFC 1929 username/password authentication itself. The JDK's own SOCKS support takes credentials
 * from the process-wide {@link java.net.Authenticator}, which cannot give different proxies
 * different credentials safely; doing the handshake here keeps them per proxy.
 *
 * <p>A destination whose address is the wildcard placeholder of {@link ProxyDns} is sent by name,
 * so the proxy does the resolution (API.md §5).
 */
final class Socks5Socket extends Socket {

  private static final int VERSION = 5;
  private static final int NO_AUTH = 0;
  private static final int USER_PASS = 2;

  private final ProxyEndpoint proxy;

  Socks5Socket(ProxyEndpoint proxy) {
    this.proxy = proxy;
  }

  @Override
  public void connect(SocketAddress endpoint, int timeout) throws IOException {
    if (!(endpoint instanceof InetSocketAddress target)) {
      throw new SocketException("unsupported address type");
    }
    super.connect(new InetSocketAddress(proxy.host(), proxy.port()), timeout);
    int previousTimeout = getSoTimeout();
    // The handshake must not hang without bound either; the call timeout covers it too.
    setSoTimeout(timeout);
    try {
      handshake(target);
    } catch (IOException e) {
      close();
      throw e;
    }
    setSoTimeout(previousTimeout);
  }

  private void handshake(InetSocketAddress target) throws IOException {
    OutputStream out = getOutputStream();
    InputStream in = getInputStream();
    if (proxy.hasCredentials()) {
      out.write(new byte[] {VERSION, 2, NO_AUTH, USER_PASS});
    } else {
      out.write(new byte[] {VERSION, 1, NO_AUTH});
    }
    out.flush();
    byte[] choice = readFully(in, 2);
    if (choice[0] != VERSION) {
      throw failure("is not a SOCKS5 proxy");
    }
    if (choice[1] == USER_PASS && proxy.hasCredentials()) {
      authenticate(in, out);
    } else if (choice[1] != NO_AUTH) {
      throw failure("accepts none of the offered authentication methods");
    }

    byte[] request = connectRequest(target);
    out.write(request);
    out.flush();
    byte[] reply = readFully(in, 4);
    if (reply[0] != VERSION) {
      throw failure("sent a malformed reply");
    }
    if (reply[1] != 0) {
      throw failure("refused the connection (reply " + (reply[1] & 0xff) + ")");
    }
    int boundLength =
        switch (reply[3]) {
          case 1 -> 4;
          case 4 -> 16;
          case 3 -> readFully(in, 1)[0] & 0xff;
          default -> throw failure("sent an unknown address type");
        };
    readFully(in, boundLength + 2);
  }

  private void authenticate(InputStream in, OutputStream out) throws IOException {
    byte[] user = bytes(proxy.username());
    byte[] pass = bytes(proxy.password());
    if (user.length > 255 || pass.length > 255) {
      throw failure("credentials are too long for SOCKS5");
    }
    byte[] message = new byte[3 + user.length + pass.length];
    message[0] = 1;
    message[1] = (byte) user.length;
    System.arraycopy(user, 0, message, 2, user.length);
    message[2 + user.length] = (byte) pass.length;
    System.arraycopy(pass, 0, message, 3 + user.length, pass.length);
    out.write(message);
    out.flush();
    byte[] status = readFully(in, 2);
    if (status[1] != 0) {
      throw failure("rejected the credentials");
    }
  }

  private static byte[] connectRequest(InetSocketAddress target) throws SocketException {
    InetAddress address = target.getAddress();
    byte[] addressBytes;
    int addressType;
    if (address == null || address.isAnyLocalAddress()) {
      byte[] name = target.getHostString().getBytes(StandardCharsets.US_ASCII);
      if (name.length > 255) {
        throw new SocketException("host name too long for SOCKS5");
      }
      addressBytes = new byte[name.length + 1];
      addressBytes[0] = (byte) name.length;
      System.arraycopy(name, 0, addressBytes, 1, name.length);
      addressType = 3;
    } else {
      addressBytes = address.getAddress();
      addressType = address instanceof Inet4Address ? 1 : 4;
    }
    byte[] request = new byte[4 + addressBytes.length + 2];
    request[0] = VERSION;
    request[1] = 1; // CONNECT
    request[2] = 0;
    request[3] = (byte) addressType;
    System.arraycopy(addressBytes, 0, request, 4, addressBytes.length);
    request[request.length - 2] = (byte) (target.getPort() >>> 8);
    request[request.length - 1] = (byte) target.getPort();
    return request;
  }

  private static byte[] bytes(@Nullable String s) {
    return s == null ? new byte[0] : s.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] readFully(InputStream in, int n) throws IOException {
    byte[] buffer = in.readNBytes(n);
    if (buffer.length < n) {
      throw new SocketException("SOCKS5 proxy closed the connection during the handshake");
    }
    return buffer;
  }

  private SocketException failure(String what) {
    return new SocketException("SOCKS5 proxy " + proxy.hostPort() + " " + what);
  }
}
