package io.raybridge.pipeline.otlp;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.raybridge.pipeline.Traces;
import io.raybridge.pipeline.otlp.EncodedSpanFilterTest.Msg;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class EncodedSpansTest {

  /**
   * Rebuilds messages from what a walk reports (headers, span field bytes), checking each span's
   * trace id and parent flag against the span decoded.
   */
  private static final class Recorder implements EncodedSpans.Visitor {
    final List<ResourceSpans> out = new ArrayList<>();
    final List<String> ids = new ArrayList<>();
    private byte[] resource;
    private ResourceSpans.Builder rs;
    private ByteArrayOutputStream scope;

    @Override
    public void scope(byte[] resource, byte[] scope) {
      endScope();
      if (resource != this.resource) {
        endResource();
        this.resource = resource;
        rs = parse(resource).toBuilder();
      }
      this.scope = new ByteArrayOutputStream();
      this.scope.writeBytes(scope);
    }

    @Override
    public void span(EncodedSpans.SpanBytes span) {
      Span decoded = span.decode();
      ByteString id = ByteString.copyFrom(span.buffer(), span.traceIdStart(), span.traceIdLength());
      assertThat(id).isEqualTo(decoded.getTraceId());
      assertThat(span.hasParent()).isEqualTo(!decoded.getParentSpanId().isEmpty());
      ids.add(id.isEmpty() ? "-" : Integer.toString(id.byteAt(id.size() - 1)));
      assertFieldsRead(span.buffer(), span.fieldStart(), span.end(), decoded);
      scope.write(span.buffer(), span.fieldStart(), span.end() - span.fieldStart());
    }

    private void endScope() {
      if (scope != null) {
        try {
          rs.addScopeSpans(ScopeSpans.parseFrom(scope.toByteArray()));
        } catch (InvalidProtocolBufferException e) {
          throw new AssertionError(e);
        }
        scope = null;
      }
    }

    private void endResource() {
      if (rs != null) {
        out.add(rs.build());
        rs = null;
      }
    }

    List<ResourceSpans> finish() {
      endScope();
      endResource();
      return out;
    }
  }

  /** The one span field in {@code buf[from, to)} reads, without decoding, as {@code decoded}. */
  private static void assertFieldsRead(byte[] buf, int from, int to, Span decoded) {
    EncodedSpans.SpanFields f = new EncodedSpans.SpanFields(buf, from, to);
    assertThat(f.next()).isTrue();
    assertCurrent(f, decoded);
    assertThat(f.next()).isFalse();
  }

  /** The span {@code f} is at reads as {@code decoded}. */
  private static void assertCurrent(EncodedSpans.SpanFields f, Span decoded) {
    assertThat(f.traceId()).isEqualTo(decoded.getTraceId());
    assertThat(f.startTimeUnixNano()).isEqualTo(decoded.getStartTimeUnixNano());
    assertThat(f.endTimeUnixNano()).isEqualTo(decoded.getEndTimeUnixNano());
    assertThat(f.statusCode()).isEqualTo(decoded.getStatus().getCodeValue());
    assertThat(f.traceState()).isEqualTo(decoded.getTraceState());
  }

  private static ResourceSpans parse(byte[] bytes) {
    try {
      return ResourceSpans.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new AssertionError(e);
    }
  }

  /** Walks every resource of the request; returns what the walks rebuilt. */
  private static List<ResourceSpans> walk(byte[] request, Recorder r) throws Exception {
    for (ByteString part : Traces.fromEncodedRequest(request).encodedResourceSpans()) {
      EncodedSpans.walk(part.toByteArray(), r);
    }
    return r.finish();
  }

  /** The request's resources that have a scope (a walk reports resources through their scopes). */
  private static List<ResourceSpans> withScopes(byte[] request) throws Exception {
    return ExportTraceServiceRequest.parseFrom(request).getResourceSpansList().stream()
        .filter(rs -> rs.getScopeSpansCount() > 0)
        .toList();
  }

  @Test
  void randomRequestsUsingEveryFieldWalkAsTheirDecodedMessages() throws Exception {
    Random random = new Random(17);
    for (int i = 0; i < 300; i++) {
      byte[] request = OtlpWireTest.randomRequest(random).toByteArray();
      assertThat(walk(request, new Recorder())).isEqualTo(withScopes(request));
    }
  }

  @Test
  void repeatedFieldsAndWrongWireTypesReadAsTheRuntimeReadsThem() throws Exception {
    byte[] scope =
        Msg.build(
                m ->
                    m.message(1, s -> s.string(1, "scope").string(2, "1.0"))
                        // trace_id twice: the last one counts; a parent id set, then emptied.
                        .message(
                            2,
                            s ->
                                s.bytes(1, id(1))
                                    .bytes(4, new byte[8])
                                    .bytes(1, id(2))
                                    .bytes(4, new byte[0]))
                        .string(3, "https://schema")
                        // trace_id as a varint is an unknown field: no trace id; a parent id.
                        .message(2, s -> s.varint(1, 7).bytes(4, new byte[] {1, 2, 3, 4}))
                        .fixed32(99, 5))
            .toBytes();
    byte[] request =
        Msg.build(
                m ->
                    m.message(
                            1,
                            rs ->
                                rs.message(1, r -> r.varint(2, 3))
                                    .bytes(2, scope)
                                    .string(3, "https://resource-schema")
                                    .bytes(2, scope))
                        // A resource without scopes is never reported.
                        .message(1, rs -> rs.string(3, "empty")))
            .toBytes();
    Recorder r = new Recorder();
    assertThat(walk(request, r)).isEqualTo(withScopes(request));
    assertThat(r.ids).containsExactly("2", "-", "2", "-");
  }

  @Test
  void spanFieldsReadARunOfSpansAsTheRuntimeReadsThem() throws Exception {
    Random random = new Random(23);
    for (int i = 0; i < 100; i++) {
      ExportTraceServiceRequest request = OtlpWireTest.randomRequest(random);
      for (ResourceSpans rs : request.getResourceSpansList()) {
        for (ScopeSpans generated : rs.getScopeSpansList()) {
          ScopeSpans.Builder b = generated.toBuilder();
          for (Span.Builder s : b.getSpansBuilderList()) {
            // Every status code (or none) and trace state (or none).
            int code = random.nextInt(4);
            if (code == 3) {
              s.clearStatus();
            } else {
              s.getStatusBuilder().setCodeValue(code);
            }
            s.setTraceState(random.nextBoolean() ? "" : "ot=th:" + random.nextInt(16) + ",é=1");
          }
          ScopeSpans ss = b.build();
          // A ScopeSpans without its scope and schema is exactly its run of spans fields.
          byte[] run = ss.toBuilder().clearScope().clearSchemaUrl().build().toByteArray();
          EncodedSpans.SpanFields f = new EncodedSpans.SpanFields(run, 0, run.length);
          for (Span s : ss.getSpansList()) {
            assertThat(f.next()).isTrue();
            assertCurrent(f, s);
          }
          assertThat(f.next()).isFalse();
        }
      }
    }
    // Repeated fields: the last time and trace state count, statuses merge (a later status
    // without a code keeps the earlier code; a later code replaces it), unknown fields are skipped.
    byte[] run =
        Msg.build(
                m ->
                    m.message(
                            2,
                            s ->
                                s.fixed64(7, 5)
                                    .string(3, "a=1")
                                    .message(15, st -> st.varint(3, 2).string(2, "boom"))
                                    .fixed64(7, 6)
                                    .fixed64(8, 9)
                                    .message(15, st -> st.string(2, "again"))
                                    .string(3, "b=2")
                                    .fixed32(99, 1))
                        .message(
                            2,
                            s ->
                                s.message(15, st -> st.varint(3, 2))
                                    .message(15, st -> st.varint(3, 1))))
            .toBytes();
    List<Span> decoded = ScopeSpans.parseFrom(run).getSpansList();
    EncodedSpans.SpanFields f = new EncodedSpans.SpanFields(run, 0, run.length);
    for (Span s : decoded) {
      assertThat(f.next()).isTrue();
      assertCurrent(f, s);
    }
    assertThat(f.next()).isFalse();
    assertThat(decoded.get(0).getStartTimeUnixNano()).isEqualTo(6);
    assertThat(decoded.get(0).getStatus().getCodeValue()).isEqualTo(2);
    assertThat(decoded.get(0).getTraceState()).isEqualTo("b=2");
    assertThat(decoded.get(1).getStatus().getCodeValue()).isEqualTo(1);
  }

  private static byte[] id(int last) {
    byte[] id = new byte[16];
    id[15] = (byte) last;
    return id;
  }
}
