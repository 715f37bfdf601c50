package io.raybridge.receiver.otlp;

import static io.raybridge.receiver.otlp.ReceiverHarness.request;
import static io.raybridge.receiver.otlp.ReceiverHarness.span;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.pkitesting.CertificateBuilder;
import io.netty.pkitesting.X509Bundle;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import io.raybridge.pipeline.config.TlsServerConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class OtlpReceiverMutualTlsTest {

  private static Certificates server;
  private static X509Bundle client;
  private static TlsServerConfig tls;

  @BeforeAll
  static void certificates() throws Exception {
    server = new Certificates();
    X509Bundle ca =
        new CertificateBuilder()
            .subject("CN=clients-ca")
            .setIsCertificateAuthority(true)
            .algorithm(CertificateBuilder.Algorithm.ecp256)
            .buildSelfSigned();
    client =
        new CertificateBuilder()
            .subject("CN=sender")
            .addExtendedKeyUsageClientAuth()
            .algorithm(CertificateBuilder.Algorithm.ecp256)
            .buildIssuedBy(ca);
    tls =
        new TlsServerConfig(
            server.certFile.getPath(),
            server.keyFile.getPath(),
            ca.toTempCertChainPem().getPath(),
            "1.3");
  }

  private static OtlpReceiverConfig config() {
    return new OtlpReceiverConfig(
        new OtlpReceiverConfig.Protocols(
            ReceiverHarness.grpc(tls), ReceiverHarness.http(tls, null)),
        null);
  }

  private static HttpResponse<String> post(ReceiverHarness h, SSLContext ssl)
      throws IOException, InterruptedException {
    return HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .sslContext(ssl)
        .build()
        .send(
            HttpRequest.newBuilder(
                    URI.create("https://127.0.0.1:" + h.receiver.boundHttpPort() + "/v1/traces"))
                .header("Content-Type", "application/x-protobuf")
                .POST(
                    HttpRequest.BodyPublishers.ofByteArray(request(span("m", 1, 1)).toByteArray()))
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void httpAcceptsClientsWithACertificateFromTheClientCaOnly() throws Exception {
    try (ReceiverHarness h = new ReceiverHarness(config())) {
      SSLContext withCert = SSLContext.getInstance("TLS");
      withCert.init(
          client.toKeyManagerFactory().getKeyManagers(),
          server.bundle.toTrustManagerFactory().getTrustManagers(),
          null);

      assertThat(post(h, withCert).statusCode()).isEqualTo(200);
      assertThatThrownBy(() -> post(h, server.clientContext())).isInstanceOf(IOException.class);
      assertThat(h.sink.spanCount()).isEqualTo(1);
    }
  }

  @Test
  void grpcAcceptsClientsWithACertificateFromTheClientCaOnly() throws Exception {
    try (ReceiverHarness h = new ReceiverHarness(config())) {
      SslContextBuilder base = GrpcSslContexts.forClient().trustManager(server.certFile);
      ManagedChannel with =
          NettyChannelBuilder.forAddress("127.0.0.1", h.receiver.boundGrpcPort())
              .sslContext(base.keyManager(client.toKeyManagerFactory()).build())
              .build();
      ManagedChannel without =
          NettyChannelBuilder.forAddress("127.0.0.1", h.receiver.boundGrpcPort())
              .sslContext(GrpcSslContexts.forClient().trustManager(server.certFile).build())
              .build();
      try {
        TraceServiceGrpc.newBlockingStub(with)
            .withDeadlineAfter(10, TimeUnit.SECONDS)
            .export(request(span("m", 1, 1)));
        assertThatThrownBy(
                () ->
                    TraceServiceGrpc.newBlockingStub(without)
                        .withDeadlineAfter(10, TimeUnit.SECONDS)
                        .export(request(span("n", 1, 2))))
            .isInstanceOfSatisfying(
                StatusRuntimeException.class,
                e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
      } finally {
        with.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        without.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
      assertThat(h.sink.spanCount()).isEqualTo(1);
    }
  }
}
