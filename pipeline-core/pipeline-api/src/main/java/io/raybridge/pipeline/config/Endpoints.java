package io.raybridge.pipeline.config;

import java.net.InetSocketAddress;

/**
 * Parses {@code host:port} endpoints as the OpenTelemetry Collector writes them: {@code
 * 127.0.0.1:4317}, {@code [::1]:4317}, or {@code :4317} for every interface. Shared by every
 * component that listens, so that they accept and reject the same spellings.
 */
public final class Endpoints {

  private Endpoints() {}

  /** Records a violation at {@code key} unless {@code endpoint} parses. */
  public static void check(Violations v, String key, String endpoint) {
    try {
      parse(endpoint);
    } catch (IllegalArgumentException e) {
      v.add(key, e.getMessage());
    }
  }

  /**
   * Parses {@code host:port}, {@code [ipv6]:port} or {@code :port} (every interface) into an
   * unresolved address; the host is resolved when the server binds.
   */
  public static InetSocketAddress parse(String endpoint) {
    int colon = endpoint.lastIndexOf(':');
    if (colon < 0) {
      throw new IllegalArgumentException("must be host:port, was '" + endpoint + "' (no port)");
    }
    String host = endpoint.substring(0, colon);
    String portText = endpoint.substring(colon + 1);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    } else if (host.contains(":")) {
      throw new IllegalArgumentException(
          "must be host:port with IPv6 addresses in brackets, was '" + endpoint + "'");
    }
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
  public static InetSocketAddress resolve(String endpoint) {
    InetSocketAddress a = parse(endpoint);
    return a.isUnresolved() ? new InetSocketAddress(a.getHostString(), a.getPort()) : a;
  }
}
