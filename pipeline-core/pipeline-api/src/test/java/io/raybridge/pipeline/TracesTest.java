package io.raybridge.pipeline;

import static io.raybridge.pipeline.ApiFixtures.resource;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class TracesTest {

  /** Every span as "resource|scope|name", in order. */
  private static List<String> flatten(Traces t) {
    List<String> out = new ArrayList<>();
    for (ResourceSpans rs : t.resourceSpans()) {
      String res = rs.getResource().getAttributes(0).getValue().getStringValue();
      for (ScopeSpans ss : rs.getScopeSpansList()) {
        for (Span s : ss.getSpansList()) {
          out.add(res + "|" + ss.getScope().getName() + "|" + s.getName());
        }
      }
    }
    return out;
  }

  private static List<String> flatten(List<Traces> parts) {
    List<String> out = new ArrayList<>();
    parts.forEach(p -> out.addAll(flatten(p)));
    return out;
  }

  @Test
  void countsSpansAcrossResourcesAndScopes() {
    Traces t = Traces.of(resource("a", List.of(2, 3)), resource("b", 4));
    assertThat(t.spanCount()).isEqualTo(9);
    assertThat(t.isEmpty()).isFalse();
    assertThat(t.resourceSpans()).hasSize(2);
  }

  @Test
  void emptyInputsGiveTheEmptyBatch() {
    assertThat(Traces.of(List.of())).isSameAs(Traces.empty());
    assertThat(Traces.concat(List.of(Traces.empty(), Traces.empty()))).isSameAs(Traces.empty());
    assertThat(Traces.empty().spanCount()).isZero();
    assertThat(Traces.empty().split(3)).isEmpty();
  }

  @Test
  void resourceWithoutSpansIsEmpty() {
    Traces t = Traces.of(resource("a", 0));
    assertThat(t.isEmpty()).isTrue();
    assertThat(t.resourceSpans()).hasSize(1);
  }

  @Test
  void serializedSizeEqualsTheEncodedExportRequest() {
    Traces t = Traces.of(resource("a", List.of(2, 300)), resource("b", 4));
    assertThat(t.serializedSize()).isEqualTo(t.toRequest().getSerializedSize());
    assertThat(Traces.empty().serializedSize()).isZero();
  }

  @Test
  void roundTripsThroughAnExportRequest() {
    Traces t = Traces.of(resource("a", 3));
    ExportTraceServiceRequest request = t.toRequest();
    assertThat(Traces.fromRequest(request)).isEqualTo(t);
    assertThat(Traces.fromRequest(request).hashCode()).isEqualTo(t.hashCode());
  }

  @Test
  void concatKeepsOrderAndCounts() {
    Traces a = Traces.of(resource("a", 2));
    Traces b = Traces.of(resource("b", 3));
    Traces both = a.concat(b);
    assertThat(both.spanCount()).isEqualTo(5);
    assertThat(flatten(both)).containsExactlyElementsOf(concat(flatten(a), flatten(b)));
    assertThat(a.concat(Traces.empty())).isSameAs(a);
    assertThat(Traces.empty().concat(b)).isSameAs(b);
    assertThat(Traces.concat(List.of(a, b, a)).spanCount()).isEqualTo(7);
  }

  @Test
  void ofCopiesTheList() {
    List<ResourceSpans> list = new ArrayList<>(List.of(resource("a", 1)));
    Traces t = Traces.of(list);
    list.add(resource("b", 1));
    assertThat(t.resourceSpans()).hasSize(1);
    assertThatThrownBy(() -> t.resourceSpans().add(resource("c", 1)))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void splitWithinTheLimitReturnsTheSameBatch() {
    Traces t = Traces.of(resource("a", 3));
    assertThat(t.split(3)).containsExactly(t);
    assertThat(t.split(10)).containsExactly(t);
  }

  @Test
  void splitRejectsNonPositiveLimits() {
    assertThatThrownBy(() -> Traces.of(resource("a", 1)).split(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxSpans must be > 0");
  }

  @Test
  void splitKeepsEverySpanInOrderWithItsResourceAndScope() {
    Traces t =
        Traces.of(
            resource("a", List.of(3, 1, 4)),
            resource("b", 1),
            resource("c", List.of(5, 9)),
            resource("d", 2));
    for (int max = 1; max <= t.spanCount() + 1; max++) {
      List<Traces> parts = t.split(max);
      assertThat(flatten(parts)).as("max %d", max).containsExactlyElementsOf(flatten(t));
      int total = 0;
      for (int i = 0; i < parts.size(); i++) {
        Traces p = parts.get(i);
        total += p.spanCount();
        assertThat(p.spanCount()).as("cached count of part %d", i).isEqualTo(flatten(p).size());
        if (i < parts.size() - 1) {
          assertThat(p.spanCount()).as("only the last part may be short").isEqualTo(max);
        } else {
          assertThat(p.spanCount()).isBetween(1, max);
        }
        assertThat(p.serializedSize()).isEqualTo(p.toRequest().getSerializedSize());
      }
      assertThat(total).isEqualTo(t.spanCount());
    }
  }

  @Test
  void splitCarriesResourceAttributesIntoEveryPiece() {
    Traces t = Traces.of(resource("a", List.of(4, 4)));
    List<Traces> parts = t.split(3);
    assertThat(parts).hasSize(3);
    for (Traces p : parts) {
      for (ResourceSpans rs : p.resourceSpans()) {
        assertThat(rs.getResource()).isEqualTo(t.resourceSpans().get(0).getResource());
        for (ScopeSpans ss : rs.getScopeSpansList()) {
          assertThat(ss.getSpansCount()).isPositive();
        }
      }
    }
    // The second piece holds the rest of scope 0 and the start of scope 1, in one resource.
    assertThat(parts.get(1).resourceSpans()).hasSize(1);
    assertThat(parts.get(1).resourceSpans().get(0).getScopeSpansCount()).isEqualTo(2);
  }

  @Test
  void splitPacksWholeResourcesTogether() {
    Traces t = Traces.of(resource("a", 2), resource("b", 2), resource("c", 2));
    List<Traces> parts = t.split(4);
    assertThat(parts).hasSize(2);
    assertThat(parts.get(0).resourceSpans())
        .containsExactly(t.resourceSpans().get(0), t.resourceSpans().get(1));
    assertThat(parts.get(1).resourceSpans()).containsExactly(t.resourceSpans().get(2));
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }

  private static ByteString doc(String text) {
    return ByteString.copyFromUtf8(text);
  }

  @Test
  void sourceDocumentsStayAlignedWithTheirResources() {
    Traces t =
        Traces.ofDocuments(
            "fmt",
            List.of(resource("a", 2), resource("b", 1), resource("c", 3)),
            Arrays.asList(doc("A"), null, doc("C")));
    assertThat(t.spanCount()).isEqualTo(6);
    assertThat(t.hasSourceDocuments()).isFalse();
    assertThat(t.sourceDocuments("fmt")).containsExactly(doc("A"), null, doc("C"));
    assertThat(t.sourceDocuments("other")).isNull();
    assertThat(flatten(t)).hasSize(6);

    Traces whole = Traces.ofDocuments("fmt", List.of(resource("a", 1)), List.of(doc("A")));
    assertThat(whole.hasSourceDocuments()).isTrue();
    assertThat(Traces.of(resource("a", 1)).hasSourceDocuments()).isFalse();
    assertThat(Traces.of(resource("a", 1)).sourceDocuments("fmt")).isNull();
    assertThat(Traces.empty().hasSourceDocuments()).isFalse();
    // The documents ride beside the spans; they are not part of the batch's value.
    assertThat(whole).isEqualTo(Traces.of(resource("a", 1)));
  }

  @Test
  void concatAndWholeSplitsKeepDocumentsAndCutResourcesLoseThem() {
    Traces first =
        Traces.ofDocuments(
            "fmt", List.of(resource("a", 2), resource("b", 3)), List.of(doc("A"), doc("B")));
    Traces second = Traces.ofDocuments("fmt", List.of(resource("c", 2)), List.of(doc("C")));
    Traces all = Traces.concat(List.of(first, Traces.of(resource("d", 1)), second));
    assertThat(all.sourceDocuments("fmt")).containsExactly(doc("A"), doc("B"), null, doc("C"));

    // Limit 5: [a(2) b(3)] [d(1) c(2)] keeps every resource whole...
    List<Traces> whole = all.split(5);
    assertThat(whole).hasSize(2);
    assertThat(flatten(whole)).isEqualTo(flatten(all));
    assertThat(whole.get(0).sourceDocuments("fmt")).containsExactly(doc("A"), doc("B"));
    assertThat(whole.get(1).sourceDocuments("fmt")).containsExactly(null, doc("C"));

    // ...limit 2 cuts b: [a] [b b] [b d] [c]; its pieces are no longer the document it was read
    // from.
    List<Traces> cut = all.split(2);
    assertThat(flatten(cut)).isEqualTo(flatten(all));
    assertThat(cut.get(0).sourceDocuments("fmt")).containsExactly(doc("A"));
    assertThat(cut.get(1).sourceDocuments("fmt")).isNull();
    assertThat(cut.get(2).sourceDocuments("fmt")).isNull();
    assertThat(cut.get(3).sourceDocuments("fmt")).containsExactly(doc("C"));
  }

  @Test
  void rejectsDocumentsThatDoNotMatchTheResources() {
    assertThatThrownBy(
            () -> Traces.ofDocuments("fmt", List.of(resource("a", 1)), List.of(doc("A"), doc("B"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("1 resource spans but 2 documents");
    assertThat(Traces.ofDocuments("fmt", List.of(), List.of())).isSameAs(Traces.empty());
  }

  /** A reader that counts its calls. */
  private static final class CountingReader implements Supplier<ResourceSpans> {
    final ResourceSpans spans;
    final AtomicInteger calls = new AtomicInteger();

    CountingReader(ResourceSpans spans) {
      this.spans = spans;
    }

    @Override
    public ResourceSpans get() {
      calls.incrementAndGet();
      return spans;
    }
  }

  @Test
  void documentsAreReadIntoSpansOnlyWhenTheSpansAreAskedFor() {
    CountingReader a = new CountingReader(resource("a", 2));
    CountingReader b = new CountingReader(resource("b", 3));
    Traces t =
        Traces.ofDocuments(
            "fmt",
            List.of(doc("A-document"), doc("B")),
            new int[] {2, 3},
            new int[] {100, 200},
            List.of(a, b));

    assertThat(t.spanCount()).isEqualTo(5);
    assertThat(t.hasSourceDocuments()).isTrue();
    assertThat(t.sourceDocuments("fmt")).containsExactly(doc("A-document"), doc("B"));
    // Each document stands in for its encoding: tag, length, bytes.
    assertThat(t.estimatedSize()).isEqualTo((1 + 1 + 10) + (1 + 1 + 1));
    Traces both = Traces.concat(List.of(t, Traces.of(resource("c", 1))));
    List<Traces> whole = both.split(5);
    assertThat(whole.get(0).sourceDocuments("fmt")).containsExactly(doc("A-document"), doc("B"));
    // Byte limits hold by the given bounds: tag, two-byte length, bound.
    assertThat(t.sizeBound()).isEqualTo((1 + 1 + 100) + (1 + 2 + 200));
    assertThat(t.hasUnreadDocuments()).isTrue();
    List<Traces> byBytes = both.splitWhole(0, 203);
    assertThat(byBytes).hasSize(3);
    assertThat(byBytes.get(0).sourceDocuments("fmt")).containsExactly(doc("A-document"));
    assertThat(byBytes.get(1).sourceDocuments("fmt")).containsExactly(doc("B"));
    assertThat(byBytes.get(2).spanCount()).isEqualTo(1);
    assertThat(both.splitWhole(4, 0)).extracting(Traces::spanCount).containsExactly(2, 4);
    assertThat(both.splitWhole(0, 0)).extracting(Traces::spanCount).containsExactly(6);
    assertThat(both.resourceCount()).isEqualTo(3);
    assertThat(both.resourceSpans(2))
        .as("one resource, the others unread")
        .isEqualTo(resource("c", 1));
    assertThat(a.calls).hasValue(0);
    assertThat(b.calls).hasValue(0);

    assertThat(flatten(t)).isEqualTo(flatten(Traces.of(resource("a", 2), resource("b", 3))));
    assertThat(t.resourceSpans()).containsExactly(a.spans, b.spans);
    assertThat(t.serializedSize())
        .isEqualTo(Traces.of(a.spans, b.spans).toRequest().getSerializedSize());
    assertThat(t.toRequestBytes()).isEqualTo(Traces.of(a.spans, b.spans).toRequestBytes());
    assertThat(both.resourceSpans()).startsWith(a.spans, b.spans);
    assertThat(a.calls).as("read once, shared by every batch holding it").hasValue(1);
    assertThat(b.calls).hasValue(1);
    assertThat(t.estimatedSize()).as("does not change once read").isEqualTo(15);
    assertThat(t.hasUnreadDocuments()).isFalse();
    assertThat(t.sizeBound()).as("exact once read").isEqualTo(t.serializedSize());
  }

  @Test
  void aDocumentCutBySplitIsReadAndLosesItsDocument() {
    CountingReader a = new CountingReader(resource("a", 4));
    Traces t =
        Traces.ofDocuments("fmt", List.of(doc("A")), new int[] {4}, new int[] {100}, List.of(a));
    List<Traces> cut = t.split(3);
    assertThat(cut).hasSize(2);
    assertThat(flatten(cut)).isEqualTo(flatten(Traces.of(resource("a", 4))));
    assertThat(cut.get(0).sourceDocuments("fmt")).isNull();
    assertThat(a.calls).hasValue(1);
  }

  @Test
  void aReaderThatBreaksItsCountIsAnErrorNotASilentChange() {
    Traces t =
        Traces.ofDocuments(
            "fmt",
            List.of(doc("A")),
            new int[] {3},
            new int[] {100},
            List.of(new CountingReader(resource("a", 2))));
    assertThat(t.spanCount()).isEqualTo(3);
    assertThatThrownBy(t::resourceSpans)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("counted as 3 spans but holds 2");
    assertThatThrownBy(
            () ->
                Traces.ofDocuments(
                    "fmt",
                    List.of(doc("A")),
                    new int[] {1, 2},
                    new int[] {100},
                    List.of(new CountingReader(resource("a", 1)))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("1 documents but 2 span counts, 1 size bounds and 1 readers");
    assertThat(Traces.ofDocuments("fmt", List.of(), new int[0], new int[0], List.of()))
        .isSameAs(Traces.empty());
  }
}
