package com.imageserving.fetch;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * Turns a host name into addresses. Injected so that tests can map names to loopback, private or
 * NAT64 addresses without touching real DNS.
 */
@FunctionalInterface
public interface Resolver {

  /** The operating system's resolver. */
  Resolver SYSTEM = host -> List.of(InetAddress.getAllByName(host));

  /** All addresses of {@code host}; never empty. */
  List<InetAddress> resolve(String host) throws UnknownHostException;
}
