package io.raybridge.runtime.config;

import java.util.Optional;

/** Checks {@code host:port} addresses as written in {@code service.telemetry}. */
final class HostPort {

  private HostPort() {}

  /** What is wrong with {@code address}, if anything. */
  static Optional<String> problem(String address) {
    int colon = address.lastIndexOf(':');
    if (colon < 0) {
      return Optional.of("'" + address + "' is not host:port");
    }
    String host = address.substring(0, colon);
    String port = address.substring(colon + 1);
    if (host.isEmpty()) {
      return Optional.of(
          "'" + address + "' has no host (use 0.0.0.0:" + port + " to listen on every interface)");
    }
    if (host.contains(":") && !(host.startsWith("[") && host.endsWith("]"))) {
      return Optional.of("'" + address + "': write an IPv6 host in brackets, as [::1]:" + port);
    }
    if (!port.matches("[0-9]{1,5}") || Integer.parseInt(port) > 65535) {
      return Optional.of("'" + address + "' has an invalid port (expected 0..65535)");
    }
    return Optional.empty();
  }
}
