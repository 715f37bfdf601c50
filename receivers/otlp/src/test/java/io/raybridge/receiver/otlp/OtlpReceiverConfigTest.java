package io.raybridge.receiver.otlp;

import static org.assertj.core.api.Assertions.assertThat;

import io.raybridge.testing.ConfigFixtures;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class OtlpReceiverConfigTest {

  @Test
  void aFullySpelledOutConfigBindsToTheExpectedRecord() {
    OtlpReceiverConfig config =
        ConfigFixtures.bind(
            OtlpReceiverConfig.class,
            """
            protocols:
              grpc:
                endpoint: 0.0.0.0:14317
                max_recv_msg_size_mib: 16
                max_concurrent_streams: 100
                keepalive:
                  server_parameters:
                    max_connection_idle: 1m
                    max_connection_age: 5m
                    max_connection_age_grace: 30s
                    time: 2h
                    timeout: 20s
                  enforcement_policy:
                    min_time: 10s
                    permit_without_stream: true
              http:
                endpoint: "[::1]:14318"
                traces_url_path: /otlp/v1/traces
                max_request_body_size: 1048576
                cors:
                  allowed_origins: ["https://*.example.com"]
                  allowed_headers: [X-Custom]
                  max_age: 600
            auth:
              bearer_token: s3cret
            """);

    assertThat(config)
        .isEqualTo(
            new OtlpReceiverConfig(
                new OtlpReceiverConfig.Protocols(
                    new OtlpReceiverConfig.GrpcConfig(
                        "0.0.0.0:14317",
                        16,
                        100,
                        new OtlpReceiverConfig.Keepalive(
                            new OtlpReceiverConfig.ServerParameters(
                                Duration.ofMinutes(1),
                                Duration.ofMinutes(5),
                                Duration.ofSeconds(30),
                                Duration.ofHours(2),
                                Duration.ofSeconds(20)),
                            new OtlpReceiverConfig.EnforcementPolicy(Duration.ofSeconds(10), true)),
                        null),
                    new OtlpReceiverConfig.HttpConfig(
                        "[::1]:14318",
                        "/otlp/v1/traces",
                        1048576L,
                        new OtlpReceiverConfig.Cors(
                            List.of("https://*.example.com"), List.of("X-Custom"), 600),
                        null)),
                new OtlpReceiverConfig.Auth("s3cret")));
    assertThat(config.auth().toString()).doesNotContain("s3cret");
  }

  @Test
  void aProtocolKeyWithoutValueMeansItsDefaultsAndAMissingOneIsOff() {
    OtlpReceiverConfig config =
        ConfigFixtures.bind(OtlpReceiverConfig.class, "protocols:\n  grpc: null\n");

    assertThat(config.protocols().grpc()).isEqualTo(OtlpReceiverConfig.GrpcConfig.defaults());
    assertThat(config.protocols().grpc().endpoint()).isEqualTo("127.0.0.1:4317");
    assertThat(config.protocols().grpc().maxRecvMsgSizeMib()).isEqualTo(4);
    assertThat(config.protocols().http()).isNull();
    assertThat(ConfigFixtures.bind(OtlpReceiverConfig.class, "protocols: {http: ~}").protocols())
        .isEqualTo(
            new OtlpReceiverConfig.Protocols(null, OtlpReceiverConfig.HttpConfig.defaults()));
  }

  @Test
  void anEmptyConfigServesBothProtocolsOnTheirDefaults() {
    OtlpReceiverConfig config = ConfigFixtures.bind(OtlpReceiverConfig.class, "{}");

    assertThat(config.protocols().grpc().endpoint()).isEqualTo("127.0.0.1:4317");
    assertThat(config.protocols().http().endpoint()).isEqualTo("127.0.0.1:4318");
    assertThat(config.protocols().http().tracesUrlPath()).isEqualTo("/v1/traces");
    assertThat(config.protocols().http().maxRequestBodySize()).isEqualTo(20L * 1024 * 1024);
    assertThat(config.auth()).isNull();
  }

  @Test
  void protocolsWithoutAnyProtocolIsRejected() {
    assertThat(ConfigFixtures.violations(OtlpReceiverConfig.class, "protocols: {}"))
        .containsExactly("protocols: must configure at least one protocol: grpc or http");
  }

  @Test
  void everyInvalidValueIsReported() {
    assertThat(
            ConfigFixtures.violations(
                OtlpReceiverConfig.class,
                """
                protocols:
                  grpc:
                    endpoint: localhost
                    max_recv_msg_size_mib: 0
                    max_concurrent_streams: -1
                """))
        .containsExactly(
            "protocols.grpc.endpoint: must be host:port, was 'localhost' (no port)",
            "protocols.grpc.max_recv_msg_size_mib: must be between 1 and 2047, was 0",
            "protocols.grpc.max_concurrent_streams: must be >= 0, was -1",
            // The binder reports the parent as if the invalid nested section were absent.
            "protocols: must configure at least one protocol: grpc or http");
    assertThat(
            ConfigFixtures.violations(
                OtlpReceiverConfig.class,
                """
                protocols:
                  http:
                    endpoint: 127.0.0.1:70000
                    traces_url_path: v1/traces
                    max_request_body_size: 0
                """))
        .containsExactly(
            "protocols.http.endpoint: port must be between 0 and 65535, was 70000 in"
                + " '127.0.0.1:70000'",
            "protocols.http.traces_url_path: must start with '/' and hold no query, was"
                + " 'v1/traces'",
            "protocols.http.max_request_body_size: must be between 1 and 2147483647, was 0",
            "protocols: must configure at least one protocol: grpc or http");
    assertThat(
            ConfigFixtures.violations(
                OtlpReceiverConfig.class,
                """
                protocols:
                  grpc:
                    tls:
                      cert_file: /nonexistent/server.pem
                auth:
                  bearer_token: ""
                """))
        .containsExactly(
            "protocols.grpc.tls.cert_file: file '/nonexistent/server.pem' does not exist or is"
                + " not a regular file",
            "protocols.grpc.tls.key_file: is required when tls is configured",
            "protocols: must configure at least one protocol: grpc or http",
            "auth.bearer_token: must not be empty");
  }
}
