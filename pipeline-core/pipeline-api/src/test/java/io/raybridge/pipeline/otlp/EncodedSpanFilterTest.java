package io.raybridge.pipeline.otlp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.raybridge.pipeline.Traces;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class EncodedSpanFilterTest {

  private static final String KEY = "sampling.priority";

  /**
   * The rule both paths apply: drop when the attribute is the int 0 or the trace id's last byte is
   * a multiple of 3; keep spans whose attribute is a string with that string as trace state.
   */
  private static String rule(ByteString traceId, String traceState, Object attribute) {
    if (Long.valueOf(0).equals(attribute)) {
      return null;
    }
    if (!traceId.isEmpty() && (traceId.byteAt(traceId.size() - 1) & 0xff) % 3 == 0) {
      return null;
    }
    return attribute instanceof String s ? s : traceState;
  }

  private static final EncodedSpanFilter.Decision DECISION =
      span -> {
        String state = rule(span.traceId(), span.traceState(), span.scalarAttribute(KEY));
        if (state == null) {
          return false;
        }
        span.replaceTraceState(state);
        return true;
      };

  /** The same rule on decoded messages: what {@link EncodedSpanFilter#filter} must equal. */
  private static List<ResourceSpans> reference(List<ResourceSpans> input) {
    List<ResourceSpans> out = new ArrayList<>();
    for (ResourceSpans rs : input) {
      ResourceSpans.Builder b = rs.toBuilder().clearScopeSpans();
      boolean rsChanged = false;
      for (ScopeSpans ss : rs.getScopeSpansList()) {
        ScopeSpans.Builder sb = ss.toBuilder().clearSpans();
        boolean changed = false;
        for (Span span : ss.getSpansList()) {
          String state = rule(span.getTraceId(), span.getTraceState(), attribute(span));
          if (state == null) {
            changed = true;
          } else if (!state.equals(span.getTraceState())) {
            sb.addSpans(span.toBuilder().setTraceState(state));
            changed = true;
          } else {
            sb.addSpans(span);
          }
        }
        if (!changed) {
          b.addScopeSpans(ss);
        } else {
          rsChanged = true;
          if (sb.getSpansCount() > 0) {
            b.addScopeSpans(sb);
          }
        }
      }
      if (!rsChanged) {
        out.add(rs);
      } else if (b.getScopeSpansCount() > 0) {
        out.add(b.build());
      }
    }
    return out;
  }

  private static Object attribute(Span span) {
    for (KeyValue kv : span.getAttributesList()) {
      if (kv.getKey().equals(KEY)) {
        AnyValue v = kv.getValue();
        return switch (v.getValueCase()) {
          case STRING_VALUE -> v.getStringValue();
          case BOOL_VALUE -> v.getBoolValue();
          case INT_VALUE -> v.getIntValue();
          case DOUBLE_VALUE -> v.getDoubleValue();
          default -> null;
        };
      }
    }
    return null;
  }

  private static void assertSameAsDecoded(byte[] request) throws InvalidProtocolBufferException {
    Traces encoded = Traces.fromEncodedRequest(request);
    List<ResourceSpans> expected =
        reference(ExportTraceServiceRequest.parseFrom(request).getResourceSpansList());
    Traces filtered = EncodedSpanFilter.filter(encoded, DECISION);
    assertThat(filtered.resourceSpans()).isEqualTo(expected);
    assertThat(filtered.spanCount())
        .isEqualTo(
            expected.stream()
                .flatMap(rs -> rs.getScopeSpansList().stream())
                .mapToInt(ScopeSpans::getSpansCount)
                .sum());
    if (!filtered.isEmpty()) {
      assertThat(filtered.isEncoded()).isTrue();
      // What goes out re-parses to the same messages, as an exporter would send it.
      assertThat(
              ExportTraceServiceRequest.parseFrom(filtered.toRequestBytes()).getResourceSpansList())
          .isEqualTo(expected);
    }
  }

  @Test
  void randomRequestsUsingEveryFieldFilterAsTheirDecodedMessagesWould() throws Exception {
    Random random = new Random(5);
    for (int i = 0; i < 300; i++) {
      ExportTraceServiceRequest.Builder req = OtlpWireTest.randomRequest(random).toBuilder();
      // Some spans get the attribute the rule reads, in each of its kinds.
      for (ResourceSpans.Builder rs : req.getResourceSpansBuilderList()) {
        for (ScopeSpans.Builder ss : rs.getScopeSpansBuilderList()) {
          for (Span.Builder span : ss.getSpansBuilderList()) {
            switch (random.nextInt(5)) {
              case 0 -> span.addAttributes(kv(AnyValue.newBuilder().setIntValue(0)));
              case 1 -> span.addAttributes(kv(AnyValue.newBuilder().setStringValue("ot=th:c")));
              case 2 -> span.addAttributes(kv(AnyValue.newBuilder().setStringValue("")));
              case 3 -> span.addAttributes(kv(AnyValue.newBuilder().setDoubleValue(1.5)));
              default -> {}
            }
          }
        }
      }
      assertSameAsDecoded(req.build().toByteArray());
    }
  }

  @Test
  void unchangedBatchesAreReturnedAsTheyAre() throws Exception {
    byte[] request =
        request(
            scope(
                span(b -> b.bytes(1, traceId(1)).bytes(2, new byte[8]).string(3, "x=1")),
                span(b -> b.bytes(1, traceId(2)))));
    Traces encoded = Traces.fromEncodedRequest(request);
    assertThat(EncodedSpanFilter.filter(encoded, s -> true)).isSameAs(encoded);
    assertThat(EncodedSpanFilter.filter(encoded, s -> false).isEmpty()).isTrue();
  }

  @Test
  void repeatedFieldsWrongWireTypesAndGroupsReadAsTheRuntimeReadsThem() throws Exception {
    byte[] request =
        request(
            scope(
                // trace_id twice (the last one, ending in 3, drops the span), trace_state twice.
                span(
                    b ->
                        b.bytes(1, traceId(1))
                            .string(3, "a=1")
                            .bytes(1, traceId(3))
                            .string(3, "a=2")),
                // trace_id sent as a varint is an unknown field: the span has no trace id and is
                // kept; an unknown group and an unknown fixed32 are kept through the rewrite.
                span(
                    b ->
                        b.varint(1, 7)
                            .group(100, g -> g.varint(1, 5).string(2, "inside"))
                            .fixed32(101, 9)
                            .string(3, "old")
                            .attribute(k -> k.string(1, KEY).value(v -> v.string(1, "new")))),
                // The key given twice (the last one counts) and the value merged from two
                // occurrences: the int 0 set last drops the span.
                span(
                    b ->
                        b.bytes(1, traceId(1))
                            .attribute(
                                k ->
                                    k.string(1, "other")
                                        .value(v -> v.string(1, "keep-me"))
                                        .string(1, KEY)
                                        .value(v -> v.varint(3, 0)))),
                // A value whose last member is an array: not a scalar, so the trace state stays.
                span(
                    b ->
                        b.bytes(1, traceId(4))
                            .string(3, "kept=1")
                            .attribute(
                                k ->
                                    k.string(1, KEY)
                                        .value(v -> v.string(1, "ot=th:8").message(5, a -> {}))))),
            scope(),
            scope(span(b -> b.bytes(1, traceId(6)))));
    assertSameAsDecoded(request);
    Traces filtered = EncodedSpanFilter.filter(Traces.fromEncodedRequest(request), DECISION);
    List<Span> spans =
        filtered.resourceSpans().stream()
            .flatMap(rs -> rs.getScopeSpansList().stream())
            .flatMap(ss -> ss.getSpansList().stream())
            .toList();
    assertThat(spans).extracting(Span::getTraceState).containsExactly("new", "kept=1");
    assertThat(spans.get(0).getUnknownFields().asMap()).containsKeys(1, 100, 101);
    // The empty scope stays; the one whose only span was dropped goes.
    assertThat(filtered.resourceSpans().get(0).getScopeSpansCount()).isEqualTo(2);
  }

  @Test
  void aBatchThatIsNotHeldEncodedIsRefused() {
    Traces decoded =
        Traces.of(
            ResourceSpans.newBuilder()
                .addScopeSpans(ScopeSpans.newBuilder().addSpans(Span.getDefaultInstance()))
                .build());
    assertThatThrownBy(() -> EncodedSpanFilter.filter(decoded, s -> true))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static KeyValue kv(AnyValue.Builder value) {
    return KeyValue.newBuilder().setKey(KEY).setValue(value).build();
  }

  private static byte[] traceId(int last) {
    byte[] id = new byte[16];
    id[0] = 1;
    id[15] = (byte) last;
    return id;
  }

  // A small writer for hand-made encodings, so tests can send what no builder would.

  interface Fill {
    void fill(Msg m);
  }

  static final class Msg {
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    final CodedOutputStream out = CodedOutputStream.newInstance(bytes);

    Msg bytes(int field, byte[] value) {
      return io(() -> out.writeByteArray(field, value));
    }

    Msg string(int field, String value) {
      return io(() -> out.writeString(field, value));
    }

    Msg varint(int field, long value) {
      return io(() -> out.writeUInt64(field, value));
    }

    Msg fixed64(int field, long value) {
      return io(() -> out.writeFixed64(field, value));
    }

    Msg fixed32(int field, int value) {
      return io(() -> out.writeFixed32(field, value));
    }

    Msg group(int field, Fill fill) {
      return io(
          () -> {
            out.writeTag(field, WireFormat.WIRETYPE_START_GROUP);
            Msg inner = build(fill);
            out.writeRawBytes(inner.toBytes());
            out.writeTag(field, WireFormat.WIRETYPE_END_GROUP);
          });
    }

    Msg message(int field, Fill fill) {
      byte[] inner = build(fill).toBytes();
      return io(() -> out.writeByteArray(field, inner));
    }

    Msg attribute(Fill fill) {
      return message(9, fill);
    }

    Msg value(Fill fill) {
      return message(2, fill);
    }

    byte[] toBytes() {
      return io(out::flush).bytes.toByteArray();
    }

    private interface Io {
      void run() throws IOException;
    }

    private Msg io(Io io) {
      try {
        io.run();
      } catch (IOException e) {
        throw new AssertionError(e);
      }
      return this;
    }

    static Msg build(Fill fill) {
      Msg m = new Msg();
      fill.fill(m);
      return m;
    }
  }

  private static byte[] span(Fill fill) {
    return Msg.build(fill).toBytes();
  }

  private static byte[] scope(byte[]... spans) {
    return Msg.build(
            m -> {
              for (byte[] s : spans) {
                m.bytes(2, s);
              }
            })
        .toBytes();
  }

  private static byte[] request(byte[]... scopes) {
    byte[] rs =
        Msg.build(
                m -> {
                  for (byte[] s : scopes) {
                    m.bytes(2, s);
                  }
                })
            .toBytes();
    return Msg.build(m -> m.bytes(1, rs)).toBytes();
  }
}
