package io.raybridge.exporter.debug;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.google.protobuf.ByteString;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import io.raybridge.pipeline.ComponentId;
import io.raybridge.pipeline.ComponentKind;
import io.raybridge.pipeline.ComponentSettings;
import io.raybridge.pipeline.ComponentTelemetry;
import io.raybridge.pipeline.ExporterFactory;
import io.raybridge.pipeline.Traces;
import io.raybridge.pipeline.config.InvalidConfigException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class DebugExporterTest {

  private static final HexFormat HEX = HexFormat.of();

  private final List<String> lines = new CopyOnWriteArrayList<>();

  private DebugExporter exporter(DebugExporterConfig config, Clock clock) {
    ComponentId id = ComponentId.of("debug");
    ComponentSettings settings =
        new ComponentSettings(
            id,
            ComponentKind.EXPORTER,
            LoggerFactory.getLogger("debug"),
            clock,
            Thread::new,
            ComponentTelemetry.noop(ComponentKind.EXPORTER, id));
    return new DebugExporter(settings, config, lines::add);
  }

  private DebugExporter exporter(DebugExporterConfig.Verbosity verbosity) {
    return exporter(
        new DebugExporterConfig(verbosity, null, null), Clock.fixed(Instant.EPOCH, ZoneOffset.UTC));
  }

  private static KeyValue attr(String key, AnyValue value) {
    return KeyValue.newBuilder().setKey(key).setValue(value).build();
  }

  private static Traces traces() {
    Span span =
        Span.newBuilder()
            .setTraceId(ByteString.copyFrom(HEX.parseHex("5b8efff798038103d269b633813fc60c")))
            .setSpanId(ByteString.copyFrom(HEX.parseHex("eee19b7ec3c1b174")))
            .setParentSpanId(ByteString.copyFrom(HEX.parseHex("eee19b7ec3c1b173")))
            .setName("GET /cart")
            .setKind(Span.SpanKind.SPAN_KIND_SERVER)
            .setStartTimeUnixNano(1_544_712_660_000_000_000L)
            .setEndTimeUnixNano(1_544_712_660_012_500_000L)
            .setStatus(
                Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_ERROR).setMessage("boom"))
            .addAttributes(attr("http.status_code", AnyValue.newBuilder().setIntValue(500).build()))
            .addEvents(
                Span.Event.newBuilder()
                    .setName("exception")
                    .setTimeUnixNano(1_544_712_660_001_000_000L))
            .addLinks(
                Span.Link.newBuilder()
                    .setTraceId(
                        ByteString.copyFrom(HEX.parseHex("00000000000000000000000000000001")))
                    .setSpanId(ByteString.copyFrom(HEX.parseHex("0000000000000002"))))
            .build();
    Span child =
        span.toBuilder()
            .setName("SELECT cart")
            .setKind(Span.SpanKind.SPAN_KIND_CLIENT)
            .clearStatus()
            .clearEvents()
            .clearLinks()
            .clearAttributes()
            .build();
    return Traces.of(
        ResourceSpans.newBuilder()
            .setResource(
                Resource.newBuilder()
                    .addAttributes(
                        attr(
                            "service.name",
                            AnyValue.newBuilder().setStringValue("checkout").build())))
            .addScopeSpans(
                ScopeSpans.newBuilder()
                    .setScope(InstrumentationScope.newBuilder().setName("manual").setVersion("1.0"))
                    .addSpans(span)
                    .addSpans(child))
            .build());
  }

  @Test
  void basicWritesOneLineWithTheCounts() {
    exporter(DebugExporterConfig.Verbosity.BASIC).consume(traces());

    assertThat(lines).containsExactly("Traces: resource spans: 1, spans: 2");
  }

  @Test
  void normalWritesOneLinePerSpan() {
    exporter(DebugExporterConfig.Verbosity.NORMAL).consume(traces());

    assertThat(lines).hasSize(1);
    assertThat(lines.get(0).lines().toList())
        .containsExactly(
            "Traces: resource spans: 1, spans: 2",
            "GET /cart trace_id=5b8efff798038103d269b633813fc60c span_id=eee19b7ec3c1b174"
                + " parent_span_id=eee19b7ec3c1b173 kind=Server duration=0.0125s status=Error(boom)",
            "SELECT cart trace_id=5b8efff798038103d269b633813fc60c span_id=eee19b7ec3c1b174"
                + " parent_span_id=eee19b7ec3c1b173 kind=Client duration=0.0125s status=Unset");
  }

  @Test
  void detailedDumpsResourcesScopesSpansAttributesEventsAndLinks() {
    exporter(DebugExporterConfig.Verbosity.DETAILED).consume(traces());

    String dump = lines.get(0);
    assertThat(dump)
        .contains("ResourceSpans #0")
        .contains("     -> service.name: Str(checkout)")
        .contains("InstrumentationScope manual 1.0")
        .contains("Span #0")
        .contains("    Trace ID       : 5b8efff798038103d269b633813fc60c")
        .contains("    Kind           : Server")
        .contains("    Start time     : 2018-12-13T14:51:00Z")
        .contains("    Status code    : Error")
        .contains("     -> http.status_code: Int(500)")
        .contains("SpanEvent #0")
        .contains("     -> Name: exception")
        .contains("SpanLink #0")
        .contains("     -> Trace ID: 00000000000000000000000000000001")
        .contains("Span #1");
  }

  @Test
  void outputIsSampledPerSecondAfterTheInitialBatches() {
    DebugExporter e =
        exporter(new DebugExporterConfig(null, 2, 3), Clock.fixed(Instant.EPOCH, ZoneOffset.UTC));
    for (int i = 0; i < 8; i++) {
      e.consume(traces());
    }

    // Batches 1 and 2 (initial), then every third: 5 and 8.
    assertThat(lines).hasSize(4);
  }

  @Test
  @SuppressWarnings("rawtypes") // ServiceLoader needs the raw class literal of a generic interface
  void theFactoryIsDiscoverableAndDefaultsMatchTheCollector() throws Exception {
    assertThat(ServiceLoader.load(ExporterFactory.class).stream().map(p -> p.type().getName()))
        .contains(DebugExporterFactory.class.getName());
    ObjectMapper mapper = new ObjectMapper();

    assertThat(mapper.readValue("{}", DebugExporterConfig.class))
        .isEqualTo(new DebugExporterConfig(DebugExporterConfig.Verbosity.BASIC, 5, 200));
    assertThat(
            mapper.readValue("{\"verbosity\":\"detailed\"}", DebugExporterConfig.class).verbosity())
        .isEqualTo(DebugExporterConfig.Verbosity.DETAILED);
    assertThatThrownBy(
            () -> mapper.readValue("{\"verbosity\":\"loud\"}", DebugExporterConfig.class))
        .isInstanceOf(InvalidFormatException.class);
    assertThatThrownBy(() -> new DebugExporterConfig(null, 0, 0))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessage(
            "sampling_initial: must be >= 1, was 0; sampling_thereafter: must be >= 1, was 0");
  }
}
