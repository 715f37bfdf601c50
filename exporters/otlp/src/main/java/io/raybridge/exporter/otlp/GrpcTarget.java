package io.raybridge.exporter.otlp;

import io.raybridge.pipeline.config.InvalidConfigException;

/** Where the gRPC exporter connects, parsed from {@code endpoint}. */
record GrpcTarget(String host, int port, boolean plaintext) {

  /**
   * Parses {@code host:port}, {@code [v6]:port}, or either behind {@code http://} (plaintext) or
   * {@code https://} (TLS); without a scheme, {@code insecure} decides.
   */
  static GrpcTarget parse(String endpoint, boolean insecure) {
    String rest = endpoint;
    boolean plaintext = insecure;
    if (rest.startsWith("http://")) {
      rest = rest.substring("http://".length());
      plaintext = true;
    } else if (rest.startsWith("https://")) {
      rest = rest.substring("https://".length());
      plaintext = false;
    } else if (rest.contains("://")) {
      throw invalid(endpoint);
    }
    if (rest.endsWith("/")) {
      rest = rest.substring(0, rest.length() - 1);
    }
    int colon = rest.lastIndexOf(':');
    if (colon <= 0 || colon == rest.length() - 1 || rest.indexOf('/') >= 0) {
      throw invalid(endpoint);
    }
    String host = rest.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port;
    try {
      port = Integer.parseInt(rest.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw invalid(endpoint);
    }
    if (port < 1 || port > 65535 || host.isEmpty()) {
      throw invalid(endpoint);
    }
    return new GrpcTarget(host, port, plaintext);
  }

  private static InvalidConfigException invalid(String endpoint) {
    return new InvalidConfigException(
        "endpoint",
        "must be host:port, http://host:port or https://host:port, was '" + endpoint + "'");
  }

  @Override
  public String toString() {
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
  }
}
