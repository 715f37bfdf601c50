package io.raybridge.exporter.otlp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Any;
import com.google.rpc.Code;
import com.google.rpc.RetryInfo;
import io.grpc.Status;
import io.grpc.protobuf.StatusProto;
import io.opentelemetry.proto.collector.trace.v1.ExportTracePartialSuccess;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.raybridge.pipeline.ComponentKind;
import io.raybridge.pipeline.ConsumerException;
import io.raybridge.pipeline.Exporter;
import io.raybridge.pipeline.Traces;
import io.raybridge.testing.ConfigFixtures;
import io.raybridge.testing.TestSettings;
import io.raybridge.testing.TestTelemetry;
import io.raybridge.testing.TraceGenerator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class OtlpGrpcExporterTest {

  private final TestTelemetry telemetry = new TestTelemetry();
  private final List<AutoCloseable> closeables = new ArrayList<>();
  private final List<Exporter> exporters = new ArrayList<>();

  @AfterEach
  void tearDown() throws Exception {
    exporters.forEach(e -> e.shutdown(Duration.ofSeconds(5)));
    for (AutoCloseable c : closeables) {
      c.close();
    }
  }

  private GrpcBackend backend(Certificates tls) throws Exception {
    GrpcBackend b = new GrpcBackend(tls);
    closeables.add(b);
    return b;
  }

  /** A synchronous exporter (no queue, no retries) so that the outcome reaches the test. */
  private Exporter exporter(String yaml) throws Exception {
    OtlpExporterConfig config =
        ConfigFixtures.bind(
            OtlpExporterConfig.class,
            yaml + "\nsending_queue: {enabled: false}\nretry_on_failure: {enabled: false}\n");
    Exporter e =
        new OtlpExporterFactory()
            .create(
                TestSettings.builder(ComponentKind.EXPORTER, "otlp").telemetry(telemetry).build(),
                config);
    exporters.add(e);
    e.start();
    return e;
  }

  private static Traces batch(int seed) {
    return TraceGenerator.seeded(seed).traces(2).spansPerTrace(3).generate();
  }

  @Test
  void sendsWithEachCompressionAndTheConfiguredHeaders() throws Exception {
    GrpcBackend backend = backend(null);
    for (String setting :
        List.of("gzip", "gzip, level: 9", "gzip, level: -1", "zstd", "zstd, level: 19", "none")) {
      String compression = setting.split(",")[0];
      String level =
          setting.contains("level")
              ? "\ncompression_params: {" + setting.substring(setting.indexOf(',') + 1) + "}"
              : "";
      Exporter e =
          exporter(
              "endpoint: 127.0.0.1:"
                  + backend.port()
                  + "\ntls: {insecure: true}\ncompression: "
                  + compression
                  + level
                  + "\nheaders: {x-tenant: acme}");
      Traces t = batch(compression.length());
      backend.calls.clear();
      e.consume(t);
      assertThat(backend.calls).hasSize(1);
      GrpcBackend.Call call = backend.calls.get(0);
      assertThat(Traces.fromRequest(call.request())).isEqualTo(t);
      assertThat(call.header("x-tenant")).isEqualTo("acme");
      assertThat(call.header("grpc-encoding"))
          .isEqualTo(compression.equals("none") ? null : compression);
    }
  }

  @Test
  void sendsOverTlsTrustingTheConfiguredCa() throws Exception {
    Certificates certs = new Certificates();
    GrpcBackend backend = backend(certs);
    Exporter e =
        exporter(
            "endpoint: localhost:" + backend.port() + "\ntls: {ca_file: " + certs.certFile + "}");
    Traces t = batch(1);
    e.consume(t);
    assertThat(Traces.fromRequest(backend.calls.get(0).request())).isEqualTo(t);
  }

  @Test
  void refusesAnUntrustedServerAsRetryable() throws Exception {
    GrpcBackend backend = backend(new Certificates());
    Exporter e = exporter("endpoint: https://127.0.0.1:" + backend.port());
    assertThatThrownBy(() -> e.consume(batch(1)))
        .isInstanceOfSatisfying(
            ConsumerException.class, ce -> assertThat(ce.isRetryable()).isTrue());
    assertThat(backend.calls).isEmpty();
  }

  @Test
  void serverNameOverrideAndSkipVerifyReachAServerWithAnotherName() throws Exception {
    Certificates certs = new Certificates("collector.internal", false);
    GrpcBackend backend = backend(certs);
    exporter(
            "endpoint: 127.0.0.1:"
                + backend.port()
                + "\ntls: {ca_file: "
                + certs.certFile
                + ", server_name_override: collector.internal}")
        .consume(batch(1));
    exporter("endpoint: 127.0.0.1:" + backend.port() + "\ntls: {insecure_skip_verify: true}")
        .consume(batch(2));
    assertThat(backend.calls).hasSize(2);
  }

  @Test
  void classifiesStatusCodesAsTheOtlpSpecificationSays() throws Exception {
    GrpcBackend backend = backend(null);
    Exporter e = exporter("endpoint: http://127.0.0.1:" + backend.port());

    backend.answer =
        r -> {
          throw Status.UNAVAILABLE.withDescription("restarting").asRuntimeException();
        };
    assertThatThrownBy(() -> e.consume(batch(1)))
        .isInstanceOfSatisfying(
            ConsumerException.class,
            ce -> {
              assertThat(ce.isRetryable()).isTrue();
              assertThat(ce.retryAfter()).isEmpty();
            });

    backend.answer =
        r -> {
          throw Status.INVALID_ARGUMENT.withDescription("bad span").asRuntimeException();
        };
    assertThatThrownBy(() -> e.consume(batch(2)))
        .isInstanceOfSatisfying(
            ConsumerException.class, ce -> assertThat(ce.isPermanent()).isTrue())
        .hasMessageContaining("bad span");

    backend.answer =
        r -> {
          throw Status.RESOURCE_EXHAUSTED.withDescription("quota").asRuntimeException();
        };
    assertThatThrownBy(() -> e.consume(batch(3)))
        .isInstanceOfSatisfying(
            ConsumerException.class, ce -> assertThat(ce.isPermanent()).isTrue());

    backend.answer =
        r -> {
          throw StatusProto.toStatusRuntimeException(
              com.google.rpc.Status.newBuilder()
                  .setCode(Code.RESOURCE_EXHAUSTED_VALUE)
                  .setMessage("slow down")
                  .addDetails(
                      Any.pack(
                          RetryInfo.newBuilder()
                              .setRetryDelay(
                                  com.google.protobuf.Duration.newBuilder()
                                      .setSeconds(3)
                                      .setNanos(500_000_000))
                              .build()))
                  .build());
        };
    assertThatThrownBy(() -> e.consume(batch(4)))
        .isInstanceOfSatisfying(
            ConsumerException.class,
            ce -> {
              assertThat(ce.isRetryable()).isTrue();
              assertThat(ce.retryAfter()).contains(Duration.ofMillis(3500));
            });
    assertThat(telemetry.counterValue(ExportOutcomes.PERMANENT_ERRORS_METRIC)).isEqualTo(2);
  }

  @Test
  void retriesThroughTheHelperUntilTheServerAccepts() throws Exception {
    GrpcBackend backend = backend(null);
    java.util.concurrent.atomic.AtomicInteger calls =
        new java.util.concurrent.atomic.AtomicInteger();
    backend.answer =
        r -> {
          if (calls.incrementAndGet() < 3) {
            throw Status.UNAVAILABLE.asRuntimeException();
          }
          return ExportTraceServiceResponse.getDefaultInstance();
        };
    OtlpExporterConfig config =
        ConfigFixtures.bind(
            OtlpExporterConfig.class,
            """
            endpoint: http://127.0.0.1:%d
            sending_queue: {enabled: false}
            retry_on_failure: {initial_interval: 10ms, max_interval: 20ms}
            """
                .formatted(backend.port()));
    Exporter e =
        new OtlpExporterFactory()
            .create(
                TestSettings.builder(ComponentKind.EXPORTER, "otlp").telemetry(telemetry).build(),
                config);
    exporters.add(e);
    e.start();
    Traces t = batch(5);
    e.consume(t);
    assertThat(backend.calls).hasSize(3);
    assertThat(telemetry.counterValue("otelcol_exporter_sent_spans")).isEqualTo(t.spanCount());
  }

  @Test
  void countsSpansRejectedInAPartialSuccess() throws Exception {
    GrpcBackend backend = backend(null);
    backend.answer =
        r ->
            ExportTraceServiceResponse.newBuilder()
                .setPartialSuccess(
                    ExportTracePartialSuccess.newBuilder()
                        .setRejectedSpans(2)
                        .setErrorMessage("2 spans too old"))
                .build();
    Exporter e = exporter("endpoint: http://127.0.0.1:" + backend.port());
    e.consume(batch(6));
    e.consume(batch(7));
    assertThat(telemetry.counterValue(ExportOutcomes.PARTIAL_SUCCESS_METRIC)).isEqualTo(4);
  }

  @Test
  void anUnreachableServerIsRetryable() throws Exception {
    int port;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Exporter e = exporter("endpoint: http://127.0.0.1:" + port + "\ntimeout: 2s");
    assertThatThrownBy(() -> e.consume(batch(8)))
        .isInstanceOfSatisfying(
            ConsumerException.class, ce -> assertThat(ce.isRetryable()).isTrue());
  }
}
