package io.raybridge.exporter.debug;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import io.raybridge.pipeline.ComponentSettings;
import io.raybridge.pipeline.Exporter;
import io.raybridge.pipeline.Traces;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * Writes each batch to a text sink (the component's logger) at the configured verbosity. Output is
 * sampled per second like the Collector's: the first {@code sampling_initial} batches of a second
 * are written, then one in {@code sampling_thereafter}.
 */
final class DebugExporter implements Exporter {

  private static final HexFormat HEX = HexFormat.of();

  private final DebugExporterConfig config;
  private final Consumer<String> out;
  private final Clock clock;
  private long windowSecond = Long.MIN_VALUE;
  private long inWindow;

  DebugExporter(ComponentSettings settings, DebugExporterConfig config, Consumer<String> out) {
    this.config = config;
    this.out = out;
    this.clock = settings.clock();
  }

  @Override
  public void start() {}

  @Override
  public void shutdown(Duration timeout) {}

  @Override
  public void consume(Traces traces) {
    if (!sampled()) {
      return;
    }
    String text =
        switch (config.verbosity()) {
          case BASIC -> basic(traces);
          case NORMAL -> basic(traces) + "\n" + normal(traces);
          case DETAILED -> basic(traces) + "\n" + detailed(traces);
        };
    out.accept(text);
  }

  private synchronized boolean sampled() {
    long second = clock.millis() / 1000;
    if (second != windowSecond) {
      windowSecond = second;
      inWindow = 0;
    }
    long n = ++inWindow;
    return n <= config.samplingInitial()
        || (n - config.samplingInitial()) % config.samplingThereafter() == 0;
  }

  static String basic(Traces traces) {
    return "Traces: resource spans: "
        + traces.resourceSpans().size()
        + ", spans: "
        + traces.spanCount();
  }

  static String normal(Traces traces) {
    StringBuilder sb = new StringBuilder();
    for (ResourceSpans rs : traces.resourceSpans()) {
      for (ScopeSpans ss : rs.getScopeSpansList()) {
        for (Span s : ss.getSpansList()) {
          if (sb.length() > 0) {
            sb.append('\n');
          }
          sb.append(s.getName())
              .append(" trace_id=")
              .append(hex(s.getTraceId()))
              .append(" span_id=")
              .append(hex(s.getSpanId()));
          if (!s.getParentSpanId().isEmpty()) {
            sb.append(" parent_span_id=").append(hex(s.getParentSpanId()));
          }
          sb.append(" kind=")
              .append(kind(s.getKind()))
              .append(" duration=")
              .append(duration(s))
              .append(" status=")
              .append(status(s.getStatus()));
        }
      }
    }
    return sb.toString();
  }

  static String detailed(Traces traces) {
    StringBuilder sb = new StringBuilder();
    List<ResourceSpans> all = traces.resourceSpans();
    for (int r = 0; r < all.size(); r++) {
      ResourceSpans rs = all.get(r);
      sb.append("ResourceSpans #").append(r).append('\n');
      sb.append("Resource SchemaURL: ").append(rs.getSchemaUrl()).append('\n');
      attributes(sb, "Resource attributes:", rs.getResource().getAttributesList());
      for (int i = 0; i < rs.getScopeSpansCount(); i++) {
        ScopeSpans ss = rs.getScopeSpans(i);
        sb.append("ScopeSpans #").append(i).append('\n');
        sb.append("ScopeSpans SchemaURL: ").append(ss.getSchemaUrl()).append('\n');
        sb.append("InstrumentationScope ")
            .append(ss.getScope().getName())
            .append(' ')
            .append(ss.getScope().getVersion())
            .append('\n');
        attributes(sb, "InstrumentationScope attributes:", ss.getScope().getAttributesList());
        for (int j = 0; j < ss.getSpansCount(); j++) {
          span(sb, j, ss.getSpans(j));
        }
      }
    }
    return sb.toString().stripTrailing();
  }

  private static void span(StringBuilder sb, int index, Span s) {
    sb.append("Span #").append(index).append('\n');
    field(sb, "Trace ID", hex(s.getTraceId()));
    field(sb, "Parent ID", hex(s.getParentSpanId()));
    field(sb, "ID", hex(s.getSpanId()));
    field(sb, "Name", s.getName());
    field(sb, "Kind", kind(s.getKind()));
    field(sb, "Start time", Instant.EPOCH.plusNanos(s.getStartTimeUnixNano()).toString());
    field(sb, "End time", Instant.EPOCH.plusNanos(s.getEndTimeUnixNano()).toString());
    field(sb, "Status code", statusCode(s.getStatus().getCode()));
    field(sb, "Status message", s.getStatus().getMessage());
    if (!s.getTraceState().isEmpty()) {
      field(sb, "TraceState", s.getTraceState());
    }
    attributes(sb, "Attributes:", s.getAttributesList());
    if (s.getEventsCount() > 0) {
      sb.append("Events:\n");
      for (int i = 0; i < s.getEventsCount(); i++) {
        Span.Event e = s.getEvents(i);
        sb.append("SpanEvent #").append(i).append('\n');
        sb.append("     -> Name: ").append(e.getName()).append('\n');
        sb.append("     -> Timestamp: ")
            .append(Instant.EPOCH.plusNanos(e.getTimeUnixNano()))
            .append('\n');
        sb.append("     -> DroppedAttributesCount: ")
            .append(e.getDroppedAttributesCount())
            .append('\n');
        attributes(sb, "     -> Attributes:", e.getAttributesList());
      }
    }
    if (s.getLinksCount() > 0) {
      sb.append("Links:\n");
      for (int i = 0; i < s.getLinksCount(); i++) {
        Span.Link l = s.getLinks(i);
        sb.append("SpanLink #").append(i).append('\n');
        sb.append("     -> Trace ID: ").append(hex(l.getTraceId())).append('\n');
        sb.append("     -> ID: ").append(hex(l.getSpanId())).append('\n');
        sb.append("     -> TraceState: ").append(l.getTraceState()).append('\n');
        sb.append("     -> DroppedAttributesCount: ")
            .append(l.getDroppedAttributesCount())
            .append('\n');
        attributes(sb, "     -> Attributes:", l.getAttributesList());
      }
    }
  }

  private static void field(StringBuilder sb, String name, String value) {
    sb.append(String.format(Locale.ROOT, "    %-15s: %s%n", name, value));
  }

  private static void attributes(StringBuilder sb, String title, List<KeyValue> attributes) {
    if (attributes.isEmpty()) {
      return;
    }
    sb.append(title).append('\n');
    for (KeyValue kv : attributes) {
      sb.append("     -> ").append(kv.getKey()).append(": ").append(value(kv.getValue()));
      sb.append('\n');
    }
  }

  static String value(AnyValue v) {
    return switch (v.getValueCase()) {
      case STRING_VALUE -> "Str(" + v.getStringValue() + ")";
      case BOOL_VALUE -> "Bool(" + v.getBoolValue() + ")";
      case INT_VALUE -> "Int(" + v.getIntValue() + ")";
      case DOUBLE_VALUE -> "Double(" + v.getDoubleValue() + ")";
      case BYTES_VALUE -> "Bytes(" + hex(v.getBytesValue()) + ")";
      case ARRAY_VALUE ->
          v.getArrayValue().getValuesList().stream()
              .map(DebugExporter::value)
              .collect(Collectors.joining(", ", "Slice([", "])"));
      case KVLIST_VALUE ->
          v.getKvlistValue().getValuesList().stream()
              .map(kv -> kv.getKey() + ": " + value(kv.getValue()))
              .collect(Collectors.joining(", ", "Map({", "})"));
      case VALUE_NOT_SET -> "Empty()";
      default -> v.getValueCase().name();
    };
  }

  private static String kind(Span.SpanKind kind) {
    return switch (kind) {
      case SPAN_KIND_INTERNAL -> "Internal";
      case SPAN_KIND_SERVER -> "Server";
      case SPAN_KIND_CLIENT -> "Client";
      case SPAN_KIND_PRODUCER -> "Producer";
      case SPAN_KIND_CONSUMER -> "Consumer";
      default -> "Unspecified";
    };
  }

  private static String statusCode(Status.StatusCode code) {
    return switch (code) {
      case STATUS_CODE_OK -> "Ok";
      case STATUS_CODE_ERROR -> "Error";
      default -> "Unset";
    };
  }

  private static String status(Status status) {
    String code = statusCode(status.getCode());
    return status.getMessage().isEmpty() ? code : code + "(" + status.getMessage() + ")";
  }

  private static String duration(Span s) {
    long nanos = s.getEndTimeUnixNano() - s.getStartTimeUnixNano();
    return Duration.ofNanos(Math.max(0, nanos)).toString().substring(2).toLowerCase(Locale.ROOT);
  }

  private static String hex(ByteString bytes) {
    return HEX.formatHex(bytes.toByteArray());
  }
}
