package com.imageserving.fetch;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import okhttp3.Dns;

/**
 * DNS for direct fetches: resolves once and hands OkHttp only addresses that passed the address
 * rules, so the connection goes to exactly what was checked (no second lookup a rebinding DNS
 * server could answer differently). If any address of a name is non-public the whole name is
 * refused: a name mixing public and private addresses is a rebinding or misconfiguration signal.
 */
final class GuardedDns implements Dns {

  private final Resolver resolver;
  private final boolean allowPrivateNetworks;

  GuardedDns(Resolver resolver, boolean allowPrivateNetworks) {
    this.resolver = resolver;
    this.allowPrivateNetworks = allowPrivateNetworks;
  }

  @Override
  public List<InetAddress> lookup(String hostname) throws UnknownHostException {
    List<InetAddress> addresses = resolver.resolve(hostname);
    if (addresses.isEmpty()) {
      throw new UnknownHostException(hostname);
    }
    if (!allowPrivateNetworks) {
      for (InetAddress address : addresses) {
        if (!AddressRules.isGlobal(address)) {
          throw new RefusedAddressException(hostname);
        }
      }
    }
    return List.copyOf(addresses);
  }
}
