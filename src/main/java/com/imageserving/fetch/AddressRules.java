package com.imageserving.fetch;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * Which addresses are globally routable (API.md §5). Everything else — loopback, private,
 * link-local, CGNAT, documentation, benchmark, multicast, reserved — could reach the service's own
 * network and is refused. IPv4 embedded in IPv6 (mapped, NAT64 well-known prefix, 6to4) is judged
 * by the embedded address.
 */
final class AddressRules {

  private AddressRules() {}

  static boolean isGlobal(InetAddress address) {
    byte[] b = address.getAddress();
    if (address instanceof Inet4Address) {
      return isGlobalV4(b, 0);
    }
    if (address instanceof Inet6Address && b.length == 16) {
      return isGlobalV6(b);
    }
    return false;
  }

  private static boolean isGlobalV4(byte[] bytes, int offset) {
    int a = bytes[offset] & 0xff;
    int b = bytes[offset + 1] & 0xff;
    int c = bytes[offset + 2] & 0xff;
    if (a == 0 || a == 10 || a == 127 || a >= 224) {
      return false; // 0/8, 10/8, 127/8, 224/4 multicast, 240/4 reserved and 255.255.255.255
    }
    if (a == 100 && (b & 0xc0) == 64) {
      return false; // 100.64/10 carrier-grade NAT
    }
    if (a == 169 && b == 254) {
      return false; // link-local
    }
    if (a == 172 && (b & 0xf0) == 16) {
      return false; // 172.16/12
    }
    if (a == 192 && b == 168) {
      return false;
    }
    if (a == 192 && b == 0 && (c == 0 || c == 2)) {
      return false; // 192.0.0/24 IETF assignments, 192.0.2/24 TEST-NET-1
    }
    if (a == 192 && b == 88 && c == 99) {
      return false; // 6to4 relay anycast
    }
    if (a == 198 && (b & 0xfe) == 18) {
      return false; // 198.18/15 benchmarking
    }
    if (a == 198 && b == 51 && c == 100) {
      return false; // TEST-NET-2
    }
    if (a == 203 && b == 0 && c == 113) {
      return false; // TEST-NET-3
    }
    return true;
  }

  private static boolean isGlobalV6(byte[] b) {
    if (allZero(b, 0, 12)) {
      // ::, ::1 and the deprecated IPv4-compatible ::/96: none is reachable globally.
      return false;
    }
    if (allZero(b, 0, 10) && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) {
      return isGlobalV4(b, 12); // ::ffff:0:0/96 mapped
    }
    int w0 = word(b, 0);
    int w1 = word(b, 2);
    int w2 = word(b, 4);
    if (w0 == 0x64 && w1 == 0xff9b) {
      if (allZero(b, 4, 8)) {
        return isGlobalV4(b, 12); // 64:ff9b::/96 NAT64 well-known prefix
      }
      return false; // 64:ff9b:1::/48 local-use NAT64 and the rest of the /32
    }
    if (w0 == 0x2002) {
      return isGlobalV4(b, 2); // 6to4 carries its IPv4 in bits 16..47
    }
    if (w0 == 0x2001 && w1 < 0x200) {
      return false; // 2001::/23 IETF protocol assignments, including Teredo 2001::/32
    }
    if (w0 == 0x2001 && w1 == 0x0db8) {
      return false; // documentation
    }
    if (w0 == 0x0100 && w1 == 0 && w2 == 0 && word(b, 6) == 0) {
      return false; // 100::/64 discard-only
    }
    // Only 2000::/3 is allocated global unicast; fc00::/7, fe80::/10, fec0::/10, ff00::/8 and
    // everything else IANA keeps reserved fall outside it.
    return (b[0] & 0xe0) == 0x20;
  }

  private static int word(byte[] b, int i) {
    return ((b[i] & 0xff) << 8) | (b[i + 1] & 0xff);
  }

  private static boolean allZero(byte[] b, int from, int to) {
    for (int i = from; i < to; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return true;
  }
}
