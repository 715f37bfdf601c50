package io.raybridge.runtime.telemetry;

import java.net.InetSocketAddress;

/** Parses {@code host:port} (with {@code [v6]:port}) into a socket address to bind. */
public final class HostPort {

  private HostPort() {}

  /**
   * @throws IllegalArgumentException with a user-facing message when the text is not {@code
   *     host:port} with a port in 0..65535
   */
  public static InetSocketAddress parse(String text) {
    int colon = text.lastIndexOf(':');
    if (colon < 0) {
      throw new IllegalArgumentException("'" + text + "' is not host:port");
    }
    String host = text.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port;
    try {
      port = Integer.parseInt(text.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + text + "' has no numeric port", e);
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port " + port + " in '" + text + "' is out of range");
    }
    return host.isEmpty() ? new InetSocketAddress(port) : new InetSocketAddress(host, port);
  }
}
