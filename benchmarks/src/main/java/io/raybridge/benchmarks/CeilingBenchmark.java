package io.raybridge.benchmarks;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The naive passes behind PERFORMANCE.md's "ceilings on this hardware", on the same inputs as W4
 * and W5, so that a run on a slower or busier machine can be read against them: the ratio of a
 * translator benchmark to its naive pass, both measured in the same JMH run, does not depend on the
 * machine the way the absolute figures do.
 *
 * <ul>
 *   <li>{@link #naiveSpanToJson}: one streaming pass per D2 span that writes its name, ids, times
 *       and every attribute (as metadata) with a Jackson generator; no semantic conventions, no
 *       annotations, no validation. The ceiling table gives about 600k spans/s for it; W4's target
 *       (480k) is 0.80× that.
 *   <li>{@link #naiveTreeToSpan}: each D4 datagram's document read into a Jackson tree, then a span
 *       built with ids, name and times and every other scalar, one object level deep, as a string
 *       or number attribute; no validation, no lossless extras. The table gives about 470k
 *       segments/s; W5's target (400k) is 0.85× that.
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class CeilingBenchmark {
  private static final HexFormat HEX = HexFormat.of();

  private ResourceSpans batch;
  private List<byte[]> datagrams;
  private final JsonFactory factory = new JsonFactory();
  private final ObjectMapper mapper = new ObjectMapper();

  @Setup
  public void setUp() {
    batch = Datasets.d2(SpanToSegmentBenchmark.SPANS, 42);
    datagrams = Datasets.d4(SegmentToSpanBenchmark.DOCUMENTS, 42);
  }

  @Benchmark
  @OperationsPerInvocation(SpanToSegmentBenchmark.SPANS)
  public List<String> naiveSpanToJson() {
    List<String> out = new ArrayList<>(SpanToSegmentBenchmark.SPANS);
    try {
      for (ScopeSpans scope : batch.getScopeSpansList()) {
        for (Span span : scope.getSpansList()) {
          StringWriter w = new StringWriter(512);
          try (JsonGenerator g = factory.createGenerator(w)) {
            g.writeStartObject();
            g.writeStringField("name", span.getName());
            g.writeStringField("id", HEX.formatHex(span.getSpanId().toByteArray()));
            String trace = HEX.formatHex(span.getTraceId().toByteArray());
            g.writeStringField("trace_id", "1-" + trace.substring(0, 8) + "-" + trace.substring(8));
            if (!span.getParentSpanId().isEmpty()) {
              g.writeStringField("parent_id", HEX.formatHex(span.getParentSpanId().toByteArray()));
            }
            g.writeNumberField("start_time", span.getStartTimeUnixNano() / 1e9);
            g.writeNumberField("end_time", span.getEndTimeUnixNano() / 1e9);
            g.writeObjectFieldStart("metadata");
            g.writeObjectFieldStart("default");
            for (KeyValue kv : span.getAttributesList()) {
              AnyValue v = kv.getValue();
              switch (v.getValueCase()) {
                case INT_VALUE -> g.writeNumberField(kv.getKey(), v.getIntValue());
                case DOUBLE_VALUE -> g.writeNumberField(kv.getKey(), v.getDoubleValue());
                case BOOL_VALUE -> g.writeBooleanField(kv.getKey(), v.getBoolValue());
                default -> g.writeStringField(kv.getKey(), v.getStringValue());
              }
            }
            g.writeEndObject();
            g.writeEndObject();
            g.writeEndObject();
          }
          out.add(w.toString());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  @Benchmark
  @OperationsPerInvocation(SegmentToSpanBenchmark.DOCUMENTS)
  public void naiveTreeToSpan(Blackhole bh) throws IOException {
    for (byte[] d : datagrams) {
      int body = 0;
      while (d[body] != '\n') {
        body++;
      }
      body++;
      JsonNode doc = mapper.readTree(d, body, d.length - body);
      String traceId = doc.path("trace_id").asText();
      Span.Builder span =
          Span.newBuilder()
              .setName(doc.path("name").asText())
              .setSpanId(ByteString.copyFrom(HEX.parseHex(doc.path("id").asText())))
              .setTraceId(
                  ByteString.copyFrom(
                      HEX.parseHex(traceId.substring(2, 10) + traceId.substring(11))))
              .setStartTimeUnixNano((long) (doc.path("start_time").asDouble() * 1e9))
              .setEndTimeUnixNano((long) (doc.path("end_time").asDouble() * 1e9));
      if (doc.has("parent_id")) {
        span.setParentSpanId(ByteString.copyFrom(HEX.parseHex(doc.get("parent_id").asText())));
      }
      for (Map.Entry<String, JsonNode> field : doc.properties()) {
        String key = field.getKey();
        JsonNode value = field.getValue();
        if (key.equals("name")
            || key.equals("id")
            || key.equals("trace_id")
            || key.equals("parent_id")
            || key.equals("start_time")
            || key.equals("end_time")) {
          continue;
        }
        if (value.isObject()) {
          for (Map.Entry<String, JsonNode> inner : value.properties()) {
            addScalar(span, key + "." + inner.getKey(), inner.getValue());
          }
        } else {
          addScalar(span, key, value);
        }
      }
      bh.consume(
          ResourceSpans.newBuilder().addScopeSpans(ScopeSpans.newBuilder().addSpans(span)).build());
    }
  }

  private static void addScalar(Span.Builder span, String key, JsonNode value) {
    AnyValue.Builder v = AnyValue.newBuilder();
    if (value.isIntegralNumber()) {
      v.setIntValue(value.asLong());
    } else if (value.isNumber()) {
      v.setDoubleValue(value.asDouble());
    } else if (value.isBoolean()) {
      v.setBoolValue(value.asBoolean());
    } else if (value.isTextual()) {
      v.setStringValue(value.asText());
    } else {
      return;
    }
    span.addAttributes(KeyValue.newBuilder().setKey(key).setValue(v));
  }
}
