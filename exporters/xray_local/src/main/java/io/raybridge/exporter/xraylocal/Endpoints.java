package io.raybridge.exporter.xraylocal;

import java.net.InetSocketAddress;

/** Parses {@code host:port} endpoints. */
final class Endpoints {

  private Endpoints() {}

  /** The address of {@code endpoint}, unresolved, or null if it is not {@code host:port}. */
  static InetSocketAddress parse(String endpoint) {
    int colon = endpoint.lastIndexOf(':');
    if (colon <= 0 || colon == endpoint.length() - 1) {
      return null;
    }
    String host = endpoint.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    try {
      int port = Integer.parseInt(endpoint.substring(colon + 1));
      if (port < 0 || port > 65535) {
        return null;
      }
      return InetSocketAddress.createUnresolved(host, port);
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
