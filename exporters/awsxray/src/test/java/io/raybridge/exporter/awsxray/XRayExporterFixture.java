package io.raybridge.exporter.awsxray;

import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.raybridge.pipeline.ComponentKind;
import io.raybridge.pipeline.Traces;
import io.raybridge.testing.ConfigFixtures;
import io.raybridge.testing.TestSettings;
import io.raybridge.testing.TestTelemetry;
import io.raybridge.testing.xray.FakeXRayApi;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/** Builds exporters pointed at a {@link FakeXRayApi} with its test credentials. */
final class XRayExporterFixture {

  private XRayExporterFixture() {}

  /** The YAML every end-to-end test starts from: the fake's endpoint and short retries. */
  static String yaml(FakeXRayApi api, String extra) {
    return "region: "
        + api.region()
        + "\nendpoint: "
        + api.endpoint()
        + "\ntimeout: 5s\n"
        + (extra.contains("request_timeout:") ? "" : "request_timeout: 5s\n")
        + "retry_on_failure: {initial_interval: 20ms, max_interval: 200ms, max_elapsed_time: 60s}\n"
        + extra;
  }

  static AwsXRayExporter exporter(FakeXRayApi api, TestTelemetry telemetry, String extraYaml) {
    AwsXRayExporterConfig config =
        ConfigFixtures.bind(AwsXRayExporterConfig.class, yaml(api, extraYaml));
    return new AwsXRayExporter(
        TestSettings.builder(ComponentKind.EXPORTER, "awsxray").telemetry(telemetry).build(),
        config,
        StaticCredentialsProvider.create(
            AwsBasicCredentials.create(api.accessKeyId(), api.secretAccessKey())));
  }

  /** The hex span ids of {@code traces}: the segment ids of root spans. */
  static List<String> spanIds(Traces traces) {
    List<String> out = new ArrayList<>();
    for (ResourceSpans rs : traces.resourceSpans()) {
      for (ScopeSpans ss : rs.getScopeSpansList()) {
        for (Span s : ss.getSpansList()) {
          out.add(HexFormat.of().formatHex(s.getSpanId().toByteArray()));
        }
      }
    }
    return out;
  }
}
