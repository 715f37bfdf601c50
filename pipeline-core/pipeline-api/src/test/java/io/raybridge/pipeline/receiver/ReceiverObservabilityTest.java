package io.raybridge.pipeline.receiver;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.raybridge.pipeline.ComponentId;
import io.raybridge.pipeline.ComponentKind;
import io.raybridge.pipeline.ComponentSettings;
import io.raybridge.pipeline.ComponentTelemetry;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.helpers.NOPLogger;

class ReceiverObservabilityTest {

  @Test
  void countsAcceptedAndRefusedSpansPerReceiverAndTransport() {
    InMemoryMetricReader reader = InMemoryMetricReader.create();
    try (SdkMeterProvider provider =
        SdkMeterProvider.builder().registerMetricReader(reader).build()) {
      ComponentId id = ComponentId.parse("otlp/internal");
      ComponentSettings settings =
          new ComponentSettings(
              id,
              ComponentKind.RECEIVER,
              NOPLogger.NOP_LOGGER,
              Clock.systemUTC(),
              Thread::new,
              new ComponentTelemetry(provider.get("test"), ComponentKind.RECEIVER, id));
      ReceiverObservability grpc = ReceiverObservability.create(settings, "grpc");
      ReceiverObservability http = ReceiverObservability.create(settings, "http");

      grpc.accepted(5);
      grpc.accepted(2);
      grpc.refused(1);
      http.accepted(3);
      http.refused(0);

      Map<String, Long> values = new HashMap<>();
      for (MetricData m : reader.collectAllMetrics()) {
        for (LongPointData p : m.getLongSumData().getPoints()) {
          Attributes a = p.getAttributes();
          assertThat(a.get(AttributeKey.stringKey("receiver"))).isEqualTo("otlp/internal");
          values.put(m.getName() + "/" + a.get(AttributeKey.stringKey("transport")), p.getValue());
        }
      }
      assertThat(values)
          .containsOnly(
              Map.entry("otelcol_receiver_accepted_spans/grpc", 7L),
              Map.entry("otelcol_receiver_refused_spans/grpc", 1L),
              Map.entry("otelcol_receiver_accepted_spans/http", 3L));
    }
  }
}
