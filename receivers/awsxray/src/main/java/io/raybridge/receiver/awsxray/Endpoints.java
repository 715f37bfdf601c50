package io.raybridge.receiver.awsxray;

import io.raybridge.pipeline.config.Violations;
import java.net.InetSocketAddress;

/** Parses {@code host:port} endpoints as the Collector writes them. */
final class Endpoints {

  private Endpoints() {}

  /** Records a violation at {@code key} unless {@code endpoint} parses. */
  static void check(Violations v, String key, String endpoint) {
    try {
      parse(endpoint);
    } catch (IllegalArgumentException e) {
      v.add(key, e.getMessage());
    }
  }

  /**
   * Parses {@code host:port}, {@code [ipv6]:port} or {@code :port} (every interface) into an
   * unresolved address.
   */
  static InetSocketAddress parse(String endpoint) {
    int colon = endpoint.lastIndexOf(':');
    if (colon < 0) {
      throw new IllegalArgumentException("must be host:port, was '" + endpoint + "' (no port)");
    }
    String host = endpoint.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    } else if (host.contains(":")) {
      throw new IllegalArgumentException(
          "must be host:port with IPv6 addresses in brackets, was '" + endpoint + "'");
    }
    String portText = endpoint.substring(colon + 1);
    int port;
    try {
      port = Integer.parseInt(portText);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "must be host:port, was '" + endpoint + "' (port '" + portText + "' is not a number)");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException(
          "port must be between 0 and 65535, was " + port + " in '" + endpoint + "'");
    }
    return host.isEmpty()
        ? new InetSocketAddress(port)
        : InetSocketAddress.createUnresolved(host, port);
  }

  /** The address to bind: {@code endpoint} with its host resolved. */
  static InetSocketAddress resolve(String endpoint) {
    InetSocketAddress a = parse(endpoint);
    return a.isUnresolved() ? new InetSocketAddress(a.getHostString(), a.getPort()) : a;
  }
}
