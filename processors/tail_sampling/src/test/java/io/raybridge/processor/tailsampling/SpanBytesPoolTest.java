package io.raybridge.processor.tailsampling;

import static io.raybridge.processor.tailsampling.TestSpans.resourceSpans;
import static io.raybridge.processor.tailsampling.TestSpans.span;
import static io.raybridge.processor.tailsampling.TestSpans.str;
import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SpanBytesPoolTest {

  @Test
  void capacitiesComeInFourClassesPerPowerOfTwo() {
    assertThat(SpanBytesPool.capacity(1)).isEqualTo(256);
    assertThat(SpanBytesPool.capacity(256)).isEqualTo(256);
    assertThat(SpanBytesPool.capacity(257)).isEqualTo(320);
    assertThat(SpanBytesPool.capacity(512)).isEqualTo(512);
    assertThat(SpanBytesPool.capacity(513)).isEqualTo(640);
    assertThat(SpanBytesPool.capacity(1 << 20)).isEqualTo(1 << 20);
    assertThat(SpanBytesPool.capacity((1 << 20) + 1)).isEqualTo((1 << 20) + 1);
    for (int n = 257; n < 200_000; n += 37) {
      int c = SpanBytesPool.capacity(n);
      assertThat(c).isGreaterThanOrEqualTo(n).isLessThanOrEqualTo(n + n / 4 + 1);
    }
  }

  @Test
  void givenArraysAreTakenAgainUpToTheLimit() {
    SpanBytesPool pool = new SpanBytesPool(2048);
    byte[] a = pool.take(700);
    byte[] b = pool.take(700);
    byte[] c = pool.take(700);
    assertThat(a).hasSize(768);
    pool.give(a);
    pool.give(b);
    pool.give(c); // over the limit: left to the GC
    assertThat(pool.freeBytes()).isEqualTo(1536);
    byte[] x = pool.take(650);
    byte[] y = pool.take(700);
    // The last given comes back first; both are the same arrays, not copies.
    assertThat(x).isSameAs(b);
    assertThat(y).isSameAs(a);
    assertThat(pool.freeBytes()).isZero();
    byte[] fresh = pool.take(700);
    assertThat(fresh != a && fresh != b && fresh != c).isTrue();
    // An array of a size outside the classes is never kept.
    pool.give(new byte[1000]);
    assertThat(pool.freeBytes()).isZero();
  }

  @Test
  void aTraceBuiltInRecycledArraysHoldsOnlyItsOwnSpans() {
    SpanBytesPool pool = new SpanBytesPool(1 << 20);
    List<byte[]> used = new ArrayList<>();
    for (long t = 0; t < 50; t++) {
      List<Span> spans = new ArrayList<>();
      // Traces of different sizes, so arrays of one class are reused by shorter traces.
      for (int i = 0; i < 1 + (t * 7) % 13; i++) {
        spans.add(span(t, i).addAttributes(str("n", "x".repeat((int) (t % 5) * 40))).build());
      }
      ResourceSpans rs = resourceSpans(spans);
      PendingTrace p = new PendingTrace(TraceKey.of(spans.get(0).getTraceId()), 0, pool);
      GroupHeader header = GroupHeader.of(rs, rs.getScopeSpans(0));
      for (Span s : spans) {
        p.append(header, s);
      }
      for (int g = 0; g < p.groups(); g++) {
        used.add(p.encoded(g));
      }
      List<Span> back = new ArrayList<>();
      for (ResourceSpans r : p.resourceSpans()) {
        for (ScopeSpans ss : r.getScopeSpansList()) {
          back.addAll(ss.getSpansList());
        }
      }
      assertThat(back).isEqualTo(spans);
      assertThat(TraceData.of(p).spanCount()).isEqualTo(spans.size());
      p.release();
    }
    // Later traces did reuse earlier traces' arrays.
    Set<byte[]> distinct = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
    distinct.addAll(used);
    assertThat(distinct.size()).isLessThan(used.size());
  }
}
