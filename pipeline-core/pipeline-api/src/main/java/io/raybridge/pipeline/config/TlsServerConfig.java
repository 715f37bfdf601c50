package io.raybridge.pipeline.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * TLS settings of a server endpoint, with the OpenTelemetry Collector's key names: a PEM
 * certificate chain and private key, and optionally a PEM bundle of client CAs, which turns on
 * mutual TLS (clients must present a certificate signed by one of them).
 *
 * @param certFile PEM certificate chain of the server
 * @param keyFile PEM private key (PKCS#8) of the server
 * @param clientCaFile PEM bundle of CAs that sign client certificates, or {@code null} for no
 *     client authentication
 * @param minVersion the lowest TLS version accepted: {@code 1.2} (default) or {@code 1.3}
 */
public record TlsServerConfig(
    @JsonProperty("cert_file") String certFile,
    @JsonProperty("key_file") String keyFile,
    @JsonProperty("client_ca_file") String clientCaFile,
    @JsonProperty("min_version") String minVersion) {

  /** The TLS version accepted when {@code min_version} is not set. */
  public static final String DEFAULT_MIN_VERSION = "1.2";

  private static final List<String> VERSIONS = List.of("1.2", "1.3");

  public TlsServerConfig {
    minVersion = minVersion == null || minVersion.isBlank() ? DEFAULT_MIN_VERSION : minVersion;
    Violations v = new Violations();
    checkFile(v, "cert_file", certFile, true);
    checkFile(v, "key_file", keyFile, true);
    checkFile(v, "client_ca_file", clientCaFile, false);
    v.check(
        VERSIONS.contains(minVersion),
        "min_version",
        "must be one of " + VERSIONS + ", was '" + minVersion + "'");
    v.throwIfAny();
  }

  /** Whether clients must present a certificate (mutual TLS). */
  public boolean requiresClientAuth() {
    return clientCaFile != null && !clientCaFile.isBlank();
  }

  /** The client CA bundle, when mutual TLS is configured. */
  public Optional<Path> clientCaPath() {
    return requiresClientAuth() ? Optional.of(Path.of(clientCaFile)) : Optional.empty();
  }

  /**
   * The JSSE protocol names this config enables ({@code TLSv1.2}, {@code TLSv1.3}), lowest first.
   */
  public String[] protocols() {
    return switch (minVersion) {
      case "1.3" -> new String[] {"TLSv1.3"};
      default -> new String[] {"TLSv1.2", "TLSv1.3"};
    };
  }

  private static void checkFile(Violations v, String key, String value, boolean required) {
    if (value == null || value.isBlank()) {
      v.check(!required, key, "is required when tls is configured");
      return;
    }
    Path path;
    try {
      path = Path.of(value);
    } catch (RuntimeException e) {
      v.add(key, "is not a valid path: '" + value + "'");
      return;
    }
    if (!Files.isRegularFile(path)) {
      v.add(key, "file '" + value + "' does not exist or is not a regular file");
    } else if (!Files.isReadable(path)) {
      v.add(key, "file '" + value + "' is not readable");
    }
  }
}
