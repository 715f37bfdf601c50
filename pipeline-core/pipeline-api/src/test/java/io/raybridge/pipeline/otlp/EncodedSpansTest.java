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

  private static byte[] id(int last) {
    byte[] id = new byte[16];
    id[15] = (byte) last;
    return id;
  }
}
