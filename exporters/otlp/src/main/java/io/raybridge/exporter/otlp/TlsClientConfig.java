package io.raybridge.exporter.otlp;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.raybridge.pipeline.config.Violations;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code tls}: how the exporter secures its connection, with the OpenTelemetry Collector's keys.
 *
 * @param insecure gRPC only: plaintext instead of TLS (default false). For {@code otlphttp} the
 *     endpoint's scheme decides ({@code http://} or {@code https://}), as in the Collector.
 * @param caFile PEM bundle of CAs that sign the server's certificate; the JVM's trust store when
 *     absent
 * @param certFile PEM client certificate chain, for mutual TLS (needs {@code key_file})
 * @param keyFile PEM private key (PKCS#8) of the client certificate
 * @param serverNameOverride the name the server certificate is checked against instead of the
 *     endpoint's host (and, for gRPC, the authority and SNI name)
 * @param insecureSkipVerify accept any server certificate (default false); for tests only
 */
public record TlsClientConfig(
    @JsonProperty("insecure") Boolean insecure,
    @JsonProperty("ca_file") String caFile,
    @JsonProperty("cert_file") String certFile,
    @JsonProperty("key_file") String keyFile,
    @JsonProperty("server_name_override") String serverNameOverride,
    @JsonProperty("insecure_skip_verify") Boolean insecureSkipVerify) {

  public TlsClientConfig {
    insecure = insecure != null && insecure;
    insecureSkipVerify = insecureSkipVerify != null && insecureSkipVerify;
    caFile = blankToNull(caFile);
    certFile = blankToNull(certFile);
    keyFile = blankToNull(keyFile);
    serverNameOverride = blankToNull(serverNameOverride);
    Violations v = new Violations();
    checkFile(v, "ca_file", caFile);
    checkFile(v, "cert_file", certFile);
    checkFile(v, "key_file", keyFile);
    v.check(
        (certFile == null) == (keyFile == null),
        certFile == null ? "cert_file" : "key_file",
        "cert_file and key_file must be set together");
    v.throwIfAny();
  }

  /** TLS with the JVM's trust store, no client certificate. */
  public static TlsClientConfig defaults() {
    return new TlsClientConfig(null, null, null, null, null, null);
  }

  /** Whether a client certificate is configured. */
  boolean hasClientCertificate() {
    return certFile != null;
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }

  private static void checkFile(Violations v, String key, String value) {
    if (value == null) {
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
