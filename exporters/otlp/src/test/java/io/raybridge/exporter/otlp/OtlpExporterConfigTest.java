package io.raybridge.exporter.otlp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.raybridge.exporter.otlp.OtlpHttpExporterConfig.AuthConfig;
import io.raybridge.exporter.otlp.OtlpHttpExporterConfig.Encoding;
import io.raybridge.exporter.otlp.OtlpHttpExporterConfig.SigV4Config;
import io.raybridge.pipeline.exporter.QueueConfig;
import io.raybridge.pipeline.exporter.RetryConfig;
import io.raybridge.runtime.config.ConfigLoader;
import io.raybridge.testing.ConfigFixtures;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OtlpExporterConfigTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static JsonNode fixture() throws Exception {
    return ConfigLoader.mergedTree(
        List.of(Path.of(OtlpExporterConfigTest.class.getResource("/config.yaml").toURI())),
        List.of(),
        Map.of());
  }

  @Test
  void bindsEveryGrpcKey() throws Exception {
    OtlpExporterConfig c =
        ConfigFixtures.bind(
            OtlpExporterConfig.class, JSON.writeValueAsString(fixture().get("otlp")));
    assertThat(c)
        .isEqualTo(
            new OtlpExporterConfig(
                "collector.internal:4317",
                Compression.ZSTD,
                new CompressionParams(9),
                Map.of("x-tenant", "acme"),
                Duration.ofSeconds(10),
                new TlsClientConfig(false, null, null, null, "collector.example.com", true),
                new KeepaliveConfig(Duration.ofSeconds(20), Duration.ofSeconds(5), true),
                new QueueConfig(null, 2, 500, null, null, null),
                new RetryConfig(
                    null, Duration.ofSeconds(1), null, null, Duration.ofSeconds(10), null)));
  }

  @Test
  void bindsEveryHttpKey() throws Exception {
    OtlpHttpExporterConfig c =
        ConfigFixtures.bind(
            OtlpHttpExporterConfig.class, JSON.writeValueAsString(fixture().get("otlphttp")));
    assertThat(c)
        .isEqualTo(
            new OtlpHttpExporterConfig(
                "https://collector.internal:4318",
                "https://xray.us-west-2.amazonaws.com/v1/traces",
                Encoding.JSON,
                Compression.NONE,
                CompressionParams.defaults(),
                Map.of("X-Tenant", "acme"),
                Duration.ofSeconds(15),
                new TlsClientConfig(null, null, null, null, null, true),
                new AuthConfig(
                    new SigV4Config(
                        "us-west-2", "xray", "arn:aws:iam::123456789012:role/raybridge")),
                QueueConfig.disabled(),
                RetryConfig.disabled()));
    assertThat(c.tracesUri())
        .isEqualTo(URI.create("https://xray.us-west-2.amazonaws.com/v1/traces"));
  }

  @Test
  void emptyConfigsGiveTheCollectorDefaults() {
    OtlpExporterConfig grpc = ConfigFixtures.bind(OtlpExporterConfig.class, "{}");
    assertThat(grpc.endpoint()).isEqualTo("localhost:4317");
    assertThat(grpc.compression()).isEqualTo(Compression.GZIP);
    assertThat(grpc.compressionParams().levelFor(Compression.GZIP)).isEqualTo(1);
    assertThat(grpc.compressionParams().levelFor(Compression.ZSTD)).isEqualTo(3);
    assertThat(grpc.timeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(grpc.tls().insecure()).isFalse();
    assertThat(grpc.keepalive()).isNull();
    OtlpHttpExporterConfig http = ConfigFixtures.bind(OtlpHttpExporterConfig.class, "{}");
    assertThat(http.tracesUri()).isEqualTo(URI.create("http://localhost:4318/v1/traces"));
    assertThat(http.encoding()).isEqualTo(Encoding.PROTO);
    assertThat(http.compression()).isEqualTo(Compression.GZIP);
    assertThat(http.timeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(
            ConfigFixtures.bind(OtlpHttpExporterConfig.class, "auth: {sigv4: {}}").auth().sigv4())
        .isEqualTo(new SigV4Config(null, "xray", null));
  }

  @Test
  void reportsACompressionLevelTheCompressionDoesNotHave() {
    assertThat(
            ConfigFixtures.violations(OtlpExporterConfig.class, "compression_params: {level: 10}"))
        .containsExactly(
            "compression_params.level: gzip levels are 1 (fastest) to 9 (smallest) or -1"
                + " (zlib's default), was 10");
    assertThat(
            ConfigFixtures.violations(
                OtlpExporterConfig.class, "compression: zstd\ncompression_params: {level: 0}"))
        .containsExactly("compression_params.level: zstd levels are 1 to 22, was 0");
    assertThat(
            ConfigFixtures.violations(
                OtlpHttpExporterConfig.class, "compression: none\ncompression_params: {level: 5}"))
        .containsExactly(
            "compression_params.level: a level needs a compression; compression is none");
    assertThat(
            ConfigFixtures.bind(OtlpHttpExporterConfig.class, "compression_params: {level: -1}")
                .compressionParams()
                .levelFor(Compression.GZIP))
        .isEqualTo(-1);
  }

  @Test
  void reportsEveryGrpcProblemWithItsPath() {
    assertThat(
            ConfigFixtures.violations(
                OtlpExporterConfig.class,
                """
                endpoint: collector:http
                headers: {grpc-timeout: 1s, "bad header": x}
                tls: {ca_file: /nonexistent/ca.pem, cert_file: /nonexistent/cert.pem}
                keepalive: {time: 1s}
                """))
        .containsExactlyInAnyOrder(
            "endpoint: must be host:port, http://host:port or https://host:port, was"
                + " 'collector:http'",
            "headers.grpc-timeout: is set by the exporter and cannot be configured",
            "headers.grpc-timeout: gRPC reserves grpc-* names, and -bin names carry binary values",
            "headers.bad header: is not a valid header name: 'bad header'",
            "tls.ca_file: file '/nonexistent/ca.pem' does not exist or is not a regular file",
            "tls.cert_file: file '/nonexistent/cert.pem' does not exist or is not a regular file",
            "tls.key_file: cert_file and key_file must be set together",
            "keepalive.time: must be >= 10s (servers refuse more frequent pings), was 1s");
  }

  @Test
  void reportsEveryHttpProblemWithItsPath() {
    assertThat(
            ConfigFixtures.violations(
                OtlpHttpExporterConfig.class,
                """
                endpoint: collector:4318
                traces_endpoint: ftp://x/v1/traces
                headers: {Content-Type: text/plain}
                encoding: xml
                auth: {sigv4: {role_arn: raybridge}}
                """))
        .containsExactlyInAnyOrder(
            "endpoint: must be an http:// or https:// URL with a host, was 'collector:4318'",
            "traces_endpoint: must be an http:// or https:// URL with a host, was"
                + " 'ftp://x/v1/traces'",
            "headers.Content-Type: is set by the exporter and cannot be configured",
            "encoding: 'xml' is not one of proto, json",
            "auth.sigv4.role_arn: must be a role ARN (arn:aws:iam::<account>:role/<name>), was"
                + " 'raybridge'");
  }

  @Test
  void headerValuesComeFromTheEnvironment() {
    OtlpExporterConfig c =
        io.raybridge.runtime.config.ConfigBinder.bind(
            "headers: {authorization: 'Bearer ${env:TOKEN}'}",
            OtlpExporterConfig.class,
            Map.of("TOKEN", "s3cr3t"));
    assertThat(c.headers()).containsEntry("authorization", "Bearer s3cr3t");
  }
}
