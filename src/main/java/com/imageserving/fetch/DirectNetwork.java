package com.imageserving.fetch;

import javax.net.SocketFactory;

/**
 * How direct fetches reach the network: the resolver that turns host names into the addresses the
 * rules of API.md §5 check, and the factory of the sockets that connect to them. The operating
 * system's unless the application context holds another; tests put loopback servers behind public
 * names and addresses with one, so a fetch with the address rules on can reach them.
 */
public record DirectNetwork(Resolver resolver, SocketFactory sockets) {
  public static final DirectNetwork SYSTEM =
      new DirectNetwork(Resolver.SYSTEM, SocketFactory.getDefault());
}
