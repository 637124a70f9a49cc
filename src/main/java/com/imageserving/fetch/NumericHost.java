package com.imageserving.fetch;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * IPv4 host spellings that {@code inet_aton} (and so most resolvers) accept: one to four parts,
 * each decimal, octal (leading 0) or hex (0x), the last part filling the remaining bytes. {@code
 * 2130706433}, {@code 0177.0.0.1}, {@code 0x7f.1} and {@code 127.1} all mean 127.0.0.1, so the
 * guard must read them the same way a proxy or resolver would.
 */
final class NumericHost {

  private NumericHost() {}

  /**
   * Whether a resolver might take the host as a number rather than a name: its last label starts
   * with a digit. No public DNS name has a numeric top-level label, so nothing legitimate is lost
   * by treating these strictly.
   */
  static boolean looksNumeric(String host) {
    String h = stripTrailingDot(host);
    int dot = h.lastIndexOf('.');
    String last = h.substring(dot + 1);
    return !last.isEmpty() && Character.isDigit(last.charAt(0));
  }

  /** The address {@code inet_aton} would produce, or null if it would refuse the spelling. */
  static @Nullable Inet4Address parse(String host) {
    String h = stripTrailingDot(host).toLowerCase(Locale.ROOT);
    String[] parts = h.split("\\.", -1);
    if (parts.length > 4) {
      return null;
    }
    long[] values = new long[parts.length];
    for (int i = 0; i < parts.length; i++) {
      Long v = part(parts[i]);
      if (v == null) {
        return null;
      }
      values[i] = v;
    }
    long address = 0;
    for (int i = 0; i < values.length - 1; i++) {
      if (values[i] > 0xff) {
        return null;
      }
      address |= values[i] << (24 - 8 * i);
    }
    long last = values[values.length - 1];
    int lastBits = 8 * (4 - (values.length - 1));
    if (last >= (1L << lastBits)) {
      return null;
    }
    address |= last;
    byte[] bytes = {
      (byte) (address >>> 24), (byte) (address >>> 16), (byte) (address >>> 8), (byte) address
    };
    try {
      return (Inet4Address) InetAddress.getByAddress(bytes);
    } catch (UnknownHostException e) {
      throw new AssertionError(e);
    }
  }

  private static @Nullable Long part(String s) {
    int radix = 10;
    String digits = s;
    if (s.startsWith("0x")) {
      radix = 16;
      digits = s.substring(2);
    } else if (s.length() > 1 && s.startsWith("0")) {
      radix = 8;
      digits = s.substring(1);
    }
    // Bounded length keeps parseLong from overflowing; a longer part is not an address anyway.
    if (digits.isEmpty() || digits.length() > 11) {
      return null;
    }
    for (int i = 0; i < digits.length(); i++) {
      if (Character.digit(digits.charAt(i), radix) < 0 || digits.charAt(i) > 'f') {
        return null;
      }
    }
    return Long.parseLong(digits, radix);
  }

  private static String stripTrailingDot(String host) {
    return host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
  }
}
