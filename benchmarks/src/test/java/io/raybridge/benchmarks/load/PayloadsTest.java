package io.raybridge.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PayloadsTest {

  private static List<Span> spans(byte[] body) throws Exception {
    List<Span> out = new ArrayList<>();
    for (ResourceSpans rs : ExportTraceServiceRequest.parseFrom(body).getResourceSpansList()) {
      for (ScopeSpans ss : rs.getScopeSpansList()) {
        out.addAll(ss.getSpansList());
      }
    }
    return out;
  }

  @Test
  void eachPassSendsNewTraceIdsAndChangesNothingElse() throws Exception {
    Payloads pool = Payloads.build("D2", 42, 3);
    Set<ByteString> seen = new HashSet<>();
    for (int b = 0; b < pool.bodies().size(); b++) {
      byte[] body = pool.bodies().get(b);
      int[] offsets = Payloads.traceIdOffsets(body);
      List<Span> sent = spans(body);
      assertThat(offsets).hasSize(sent.size());
      assertThat(Payloads.forPass(body, offsets, 0)).isSameAs(body);
      Set<ByteString> bodyTraces = new HashSet<>();
      for (long pass = 0; pass < 4; pass++) {
        List<Span> replayed = spans(Payloads.forPass(body, offsets, pass));
        assertThat(replayed).hasSize(sent.size());
        for (int i = 0; i < sent.size(); i++) {
          Span before = sent.get(i);
          Span after = replayed.get(i);
          // Only the first bytes of the trace id differ, by the pass number.
          assertThat(after.toBuilder().setTraceId(before.getTraceId()).build()).isEqualTo(before);
          assertThat(after.getTraceId().substring(Payloads.PASS_BYTES))
              .isEqualTo(before.getTraceId().substring(Payloads.PASS_BYTES));
          assertThat(after.getTraceId().byteAt(3) ^ before.getTraceId().byteAt(3))
              .isEqualTo((int) pass);
          bodyTraces.add(after.getTraceId());
        }
      }
      // The spans of one trace keep sharing an id within a pass; passes never share one.
      long traces = sent.stream().map(Span::getTraceId).distinct().count();
      assertThat(bodyTraces).hasSize((int) (4 * traces));
      for (ByteString id : bodyTraces) {
        assertThat(seen.add(id)).isTrue();
      }
    }
  }

  @Test
  void theSinkMatchesSpansOfALaterPassOnlyWhenAskedTo() throws Exception {
    Payloads pool = Payloads.build("D2", 42, 1);
    byte[] body = pool.bodies().get(0);
    byte[] later = Payloads.forPass(body, Payloads.traceIdOffsets(body), 7);
    try (OtlpSink strict = OtlpSink.start(0, pool, 1, false, false);
        OtlpSink fresh = OtlpSink.start(0, pool, 1, false, true)) {
      OtlpSinkTest.send(strict.port(), later);
      OtlpSinkTest.send(fresh.port(), later);
      assertThat(strict.report().mismatches()).isEqualTo(strict.report().checked()).isPositive();
      assertThat(fresh.report().mismatches()).isZero();
      assertThat(fresh.report().checked()).isEqualTo(spans(body).size());
    }
  }
}
