package io.raybridge.exporter.otlp;

import static org.assertj.core.api.Assertions.assertThat;

import io.raybridge.pipeline.ComponentKind;
import io.raybridge.pipeline.Exporter;
import io.raybridge.pipeline.Receiver;
import io.raybridge.pipeline.Traces;
import io.raybridge.pipeline.config.TlsServerConfig;
import io.raybridge.receiver.otlp.OtlpReceiverConfig;
import io.raybridge.receiver.otlp.OtlpReceiverFactory;
import io.raybridge.testing.ConfigFixtures;
import io.raybridge.testing.TestSettings;
import io.raybridge.testing.TraceGenerator;
import io.raybridge.testing.TracesSink;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** This exporter sending to a second Raybridge's {@code otlp} receiver, over both protocols. */
class RaybridgeToRaybridgeTest {

  private final TracesSink received = new TracesSink();
  private final List<Runnable> cleanup = new ArrayList<>();

  @AfterEach
  void tearDown() {
    cleanup.forEach(Runnable::run);
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private int startReceiver(boolean grpc, Certificates tls) throws Exception {
    int port = freePort();
    TlsServerConfig serverTls =
        tls == null
            ? null
            : new TlsServerConfig(tls.certFile.getPath(), tls.keyFile.getPath(), null, null);
    OtlpReceiverConfig.Protocols protocols =
        grpc
            ? new OtlpReceiverConfig.Protocols(
                new OtlpReceiverConfig.GrpcConfig("127.0.0.1:" + port, null, null, null, serverTls),
                null)
            : new OtlpReceiverConfig.Protocols(
                null,
                new OtlpReceiverConfig.HttpConfig(
                    "127.0.0.1:" + port, null, null, null, serverTls));
    Receiver r =
        new OtlpReceiverFactory()
            .create(
                TestSettings.of(ComponentKind.RECEIVER, "otlp"),
                new OtlpReceiverConfig(protocols, null),
                received);
    cleanup.add(() -> r.shutdown(Duration.ofSeconds(5)));
    r.start();
    return port;
  }

  private Exporter startExporter(boolean grpc, String yaml) throws Exception {
    Exporter e =
        grpc
            ? new OtlpExporterFactory()
                .create(
                    TestSettings.of(ComponentKind.EXPORTER, "otlp"),
                    ConfigFixtures.bind(OtlpExporterConfig.class, yaml))
            : new OtlpHttpExporterFactory()
                .create(
                    TestSettings.of(ComponentKind.EXPORTER, "otlphttp"),
                    ConfigFixtures.bind(OtlpHttpExporterConfig.class, yaml));
    cleanup.add(0, () -> e.shutdown(Duration.ofSeconds(5)));
    e.start();
    return e;
  }

  @ParameterizedTest(name = "{0} {1} tls={2}")
  @CsvSource({
    "grpc, gzip, false",
    "grpc, none, false",
    "grpc, gzip, true",
    "grpc, zstd, false",
    "grpc, zstd, true",
    "http, gzip, false",
    "http, zstd, false",
    "http, none, false",
    "http, gzip, true",
  })
  void everySpanArrivesUnchanged(String protocol, String compression, boolean tls)
      throws Exception {
    boolean grpc = protocol.equals("grpc");
    Certificates certs = tls ? new Certificates() : null;
    int port = startReceiver(grpc, certs);
    String endpoint =
        grpc
            ? (tls ? "localhost:" + port : "http://127.0.0.1:" + port)
            : (tls ? "https://localhost:" : "http://127.0.0.1:") + port;
    Exporter e =
        startExporter(
            grpc,
            "endpoint: "
                + endpoint
                + "\ncompression: "
                + compression
                + (tls ? "\ntls: {ca_file: " + certs.certFile + "}" : "")
                + "\nretry_on_failure: {initial_interval: 50ms, max_interval: 200ms}");
    List<Traces> sent = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      Traces t = TraceGenerator.seeded(100 + i).traces(3).spansPerTrace(4).generate();
      sent.add(t);
      e.consume(t);
    }
    Traces all = Traces.concat(sent);
    received.awaitSpanCount(all.spanCount(), Duration.ofSeconds(20));
    e.shutdown(Duration.ofSeconds(5));
    assertThat(received.spans()).containsExactlyInAnyOrderElementsOf(spans(all));
  }

  private static List<io.opentelemetry.proto.trace.v1.Span> spans(Traces t) {
    List<io.opentelemetry.proto.trace.v1.Span> out = new ArrayList<>();
    t.resourceSpans()
        .forEach(rs -> rs.getScopeSpansList().forEach(ss -> out.addAll(ss.getSpansList())));
    return out;
  }
}
