package io.raybridge.processor.batch;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.raybridge.pipeline.Traces;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class BatchSplitterTest {

  /** Resource name, scope name and span name of every span, in order. */
  private static List<String> spans(Traces t) {
    List<String> out = new ArrayList<>();
    for (ResourceSpans rs : t.resourceSpans()) {
      String resource = rs.getResource().getAttributes(0).getValue().getStringValue();
      for (ScopeSpans ss : rs.getScopeSpansList()) {
        for (Span s : ss.getSpansList()) {
          out.add(resource + "/" + ss.getScope().getName() + "/" + s.getName());
        }
      }
    }
    return out;
  }

  private static Traces random(Random r) {
    List<ResourceSpans> resources = new ArrayList<>();
    int spanNo = 0;
    for (int i = 0, n = 1 + r.nextInt(4); i < n; i++) {
      ResourceSpans.Builder rs =
          ResourceSpans.newBuilder()
              .setResource(
                  Resource.newBuilder()
                      .addAttributes(
                          KeyValue.newBuilder()
                              .setKey("service.name")
                              .setValue(AnyValue.newBuilder().setStringValue("svc-" + i))));
      for (int j = 0, m = 1 + r.nextInt(3); j < m; j++) {
        ScopeSpans.Builder ss =
            ScopeSpans.newBuilder().setScope(InstrumentationScope.newBuilder().setName("s" + j));
        for (int k = 0, spans = r.nextInt(40); k < spans; k++) {
          ss.addSpans(
              Span.newBuilder()
                  .setName("span-" + spanNo++)
                  .setSpanId(ByteString.copyFrom(new byte[8]))
                  .addAttributes(
                      KeyValue.newBuilder()
                          .setKey("pad")
                          .setValue(
                              AnyValue.newBuilder().setStringValue("p".repeat(r.nextInt(300))))));
        }
        rs.addScopeSpans(ss);
      }
      resources.add(rs.build());
    }
    return Traces.of(resources);
  }

  @Test
  void everyPieceRespectsBothLimitsAndNothingIsLostReorderedOrRegrouped() {
    Random r = new Random(20261122);
    for (int round = 0; round < 300; round++) {
      Traces in = random(r);
      int maxSpans = r.nextBoolean() ? 0 : 1 + r.nextInt(30);
      int maxBytes = r.nextBoolean() ? 0 : 400 + r.nextInt(4000);
      BatchSplitter splitter = new BatchSplitter(maxSpans, maxBytes);

      List<Traces> out = splitter.split(in);

      List<String> joined = new ArrayList<>();
      int oversized = 0;
      for (Traces piece : out) {
        assertThat(piece.spanCount()).isPositive();
        if (maxSpans > 0) {
          assertThat(piece.spanCount()).isLessThanOrEqualTo(maxSpans);
        }
        if (maxBytes > 0 && piece.serializedSize() > maxBytes) {
          assertThat(piece.spanCount()).as("only a lone span may exceed the byte limit").isOne();
          oversized++;
        }
        joined.addAll(spans(piece));
      }
      assertThat(joined).as("round %d", round).isEqualTo(spans(in));
      assertThat(splitter.oversizedSpans()).isEqualTo(oversized);
    }
  }

  @Test
  void mergeGroupsEqualResourcesAndScopesInOrderOfFirstAppearance() {
    Random r = new Random(7);
    Traces a = random(r);
    Traces b = random(r);

    Traces merged = BatchSplitter.merge(List.of(a, b, a));

    assertThat(merged.spanCount()).isEqualTo(2 * a.spanCount() + b.spanCount());
    List<String> keys =
        merged.resourceSpans().stream()
            .map(rs -> rs.getResource().getAttributes(0).getValue().getStringValue())
            .toList();
    assertThat(keys).doesNotHaveDuplicates();
    for (ResourceSpans rs : merged.resourceSpans()) {
      assertThat(rs.getScopeSpansList().stream().map(ss -> ss.getScope().getName()))
          .doesNotHaveDuplicates();
    }
    assertThat(merged.serializedSize())
        .isLessThanOrEqualTo(Traces.concat(List.of(a, b, a)).serializedSize());
  }

  @Test
  void batchesHeldAsReceivedBytesAreAppendedWithoutDecoding() throws Exception {
    Random r = new Random(9);
    Traces a = Traces.fromEncodedRequest(random(r).toRequestBytes());
    Traces b = Traces.fromEncodedRequest(random(r).toRequestBytes());

    Traces merged = BatchSplitter.merge(List.of(a, b, a));

    assertThat(merged.isEncoded()).isTrue();
    assertThat(merged.toRequestBytes()).isEqualTo(Traces.concat(List.of(a, b, a)).toRequestBytes());
    assertThat(BatchSplitter.merge(List.of(a, Traces.fromRequest(b.toRequest()))).isEncoded())
        .as("a decoded batch among them: merged as messages")
        .isFalse();
  }

  @Test
  void batchesThatKeepTheirSourceDocumentsAreAppendedSoThatEachResourceKeepsItsOwn()
      throws Exception {
    // Two documents of one service: merging would join their spans into one resource.
    ResourceSpans one = random(new Random(11)).resourceSpans().get(0);
    Traces a = Traces.ofDocuments("fmt", List.of(one), List.of(ByteString.copyFromUtf8("A")));
    Traces b = Traces.ofDocuments("fmt", List.of(one), List.of(ByteString.copyFromUtf8("B")));
    Traces encoded = Traces.fromEncodedRequest(random(new Random(12)).toRequestBytes());

    Traces merged = BatchSplitter.merge(List.of(a, encoded, b));

    assertThat(spans(merged)).isEqualTo(spans(Traces.concat(List.of(a, encoded, b))));
    List<ByteString> docs = merged.sourceDocuments("fmt");
    assertThat(docs).hasSize(2 + encoded.resourceSpans().size());
    assertThat(docs.get(0)).isEqualTo(ByteString.copyFromUtf8("A"));
    assertThat(docs.get(docs.size() - 1)).isEqualTo(ByteString.copyFromUtf8("B"));
    assertThat(BatchSplitter.merge(List.of(a, Traces.of(one), b)).sourceDocuments("fmt"))
        .as("a batch without documents among them: merged as messages")
        .isNull();
  }

  @Test
  void unreadDocumentsAreCutByTheirBoundsWithoutBeingRead() {
    Random r = new Random(21);
    List<ResourceSpans> resources = new ArrayList<>();
    List<ByteString> documents = new ArrayList<>();
    AtomicInteger reads = new AtomicInteger();
    List<Supplier<ResourceSpans>> readers = new ArrayList<>();
    int[] counts = new int[8];
    int[] bounds = new int[8];
    for (int i = 0; i < 8; i++) {
      ResourceSpans drawn = random(r).resourceSpans().get(0);
      while (drawn.getScopeSpans(0).getSpansCount() == 0) {
        drawn = random(r).resourceSpans().get(0);
      }
      ResourceSpans rs = drawn;
      resources.add(rs);
      documents.add(ByteString.copyFromUtf8("doc-" + i));
      readers.add(
          () -> {
            reads.incrementAndGet();
            return rs;
          });
      for (ScopeSpans ss : rs.getScopeSpansList()) {
        counts[i] += ss.getSpansCount();
      }
      // The bound: never below the real size, here twice it.
      bounds[i] = 2 * rs.getSerializedSize();
    }
    // The last document's bound alone is over the limit: it must be read and cut.
    long limit = 0;
    for (int i = 0; i < 7; i++) {
      limit = Math.max(limit, bounds[i] + 8L);
    }
    bounds[7] = (int) limit * 3;
    Traces traces = Traces.ofDocuments("fmt", documents, counts, bounds, readers);

    BatchSplitter splitter = new BatchSplitter(0, limit);
    List<Traces> out = splitter.split(traces);

    assertThat(out.size()).isGreaterThan(1);
    for (Traces t : out) {
      assertThat(t.sizeBound()).isLessThanOrEqualTo(limit);
    }
    List<ByteString> kept = new ArrayList<>();
    for (Traces t : out) {
      if (t.sourceDocuments("fmt") != null) {
        kept.addAll(t.sourceDocuments("fmt"));
      }
    }
    assertThat(kept)
        .as("whole documents stay with their spans")
        .containsAll(documents.subList(0, 7));
    assertThat(reads).as("only the document too large by its bound was read").hasValue(1);
    assertThat(spans(Traces.concat(out))).isEqualTo(spans(Traces.of(resources)));
    assertThat(reads.get()).isEqualTo(8);
  }
}
