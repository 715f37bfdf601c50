package io.raybridge.exporter.xraylocal;

import io.raybridge.pipeline.ComponentKind;
import io.raybridge.pipeline.ComponentSettings;
import io.raybridge.testing.ConfigFixtures;
import io.raybridge.testing.TestSettings;
import io.raybridge.testing.TestTelemetry;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.xray.XRayClient;

/** A started exporter on a free loopback port plus an {@link XRayClient} pointed at it. */
final class LocalService implements AutoCloseable {

  final TestTelemetry telemetry = new TestTelemetry();
  final XRayLocalExporter exporter;
  final URI endpoint;

  LocalService(String yaml, Clock clock, int pageSize) throws Exception {
    XRayLocalExporterConfig config =
        ConfigFixtures.bind(XRayLocalExporterConfig.class, "endpoint: 127.0.0.1:0\n" + yaml);
    ComponentSettings settings =
        TestSettings.builder(ComponentKind.EXPORTER, "xray_local")
            .telemetry(telemetry)
            .clock(clock)
            .build();
    exporter = new XRayLocalExporter(settings, config, pageSize);
    exporter.start();
    endpoint = URI.create("http://127.0.0.1:" + exporter.address().getPort());
  }

  LocalService() throws Exception {
    this("", Clock.systemUTC(), XRayApi.DEFAULT_PAGE_SIZE);
  }

  /** A client signing with {@code accessKey}/{@code secret}. */
  XRayClient client(String accessKey, String secret) {
    return XRayClient.builder()
        .endpointOverride(endpoint)
        .region(Region.US_WEST_2)
        .credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secret)))
        .httpClient(UrlConnectionHttpClient.create())
        .build();
  }

  XRayClient client() {
    return client("AKIDLOCAL", "local-secret");
  }

  @Override
  public void close() {
    exporter.shutdown(Duration.ofSeconds(5));
  }
}
