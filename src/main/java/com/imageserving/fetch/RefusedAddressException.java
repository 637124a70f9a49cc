package com.imageserving.fetch;

import java.net.UnknownHostException;

/**
 * A host resolved to an address the guard refuses. Extends {@link UnknownHostException} so OkHttp
 * treats it like a failed lookup and never connects anywhere.
 */
final class RefusedAddressException extends UnknownHostException {
  RefusedAddressException(String host) {
    super(host + " resolves to a non-public address");
  }
}
