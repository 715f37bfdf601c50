package io.raybridge.testing;

import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.raybridge.pipeline.Traces;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;
import org.assertj.core.api.AbstractAssert;
import org.assertj.core.api.Assertions;
import org.assertj.core.api.ListAssert;

/**
 * AssertJ assertions for {@link Traces}; start with {@link RaybridgeAssertions#assertThat(Traces)}.
 *
 * <pre>{@code
 * assertThat(sink.all())
 *     .hasSpanCount(6)
 *     .containsSpanNamed("GET /api/items/{id}")
 *     .allResourcesHaveAttribute("cloud.provider", "aws");
 * }</pre>
 */
public final class TracesAssert extends AbstractAssert<TracesAssert, Traces> {

  TracesAssert(Traces actual) {
    super(actual, TracesAssert.class);
  }

  /** Verifies the number of spans. */
  public TracesAssert hasSpanCount(int expected) {
    isNotNull();
    if (actual.spanCount() != expected) {
      failWithMessage("Expected %s spans but found %s in %s", expected, actual.spanCount(), actual);
    }
    return this;
  }

  /** Verifies that there is no span. */
  public TracesAssert hasNoSpans() {
    return hasSpanCount(0);
  }

  /** Verifies the number of resource spans. */
  public TracesAssert hasResourceSpansCount(int expected) {
    isNotNull();
    if (actual.resourceSpans().size() != expected) {
      failWithMessage(
          "Expected %s resource spans but found %s", expected, actual.resourceSpans().size());
    }
    return this;
  }

  /** Verifies that some span is named {@code name}. */
  public TracesAssert containsSpanNamed(String name) {
    isNotNull();
    if (spans().stream().noneMatch(s -> s.getName().equals(name))) {
      failWithMessage("Expected a span named <%s> but found %s", name, spanNamesOf(actual));
    }
    return this;
  }

  /** Verifies that no span is named {@code name}. */
  public TracesAssert doesNotContainSpanNamed(String name) {
    isNotNull();
    if (spans().stream().anyMatch(s -> s.getName().equals(name))) {
      failWithMessage("Expected no span named <%s>", name);
    }
    return this;
  }

  /** Verifies that some span has the string attribute {@code key=value}. */
  public TracesAssert containsSpanWithAttribute(String key, String value) {
    isNotNull();
    if (spans().stream().noneMatch(s -> hasString(s.getAttributesList(), key, value))) {
      failWithMessage("Expected a span with attribute %s=%s", key, value);
    }
    return this;
  }

  /** Verifies that some span matches {@code condition}. */
  public TracesAssert anySpanMatches(Predicate<Span> condition, String description) {
    isNotNull();
    if (spans().stream().noneMatch(condition)) {
      failWithMessage("Expected a span that %s", description);
    }
    return this;
  }

  /** Verifies that every span matches {@code condition}. */
  public TracesAssert allSpansMatch(Predicate<Span> condition, String description) {
    isNotNull();
    for (Span s : spans()) {
      if (!condition.test(s)) {
        failWithMessage("Expected every span to %s, but <%s> does not", description, s.getName());
      }
    }
    return this;
  }

  /** Verifies that every resource carries the string attribute {@code key=value}. */
  public TracesAssert allResourcesHaveAttribute(String key, String value) {
    isNotNull();
    for (ResourceSpans rs : actual.resourceSpans()) {
      if (!hasString(rs.getResource().getAttributesList(), key, value)) {
        failWithMessage(
            "Expected every resource to have %s=%s, but found %s",
            key, value, rs.getResource().getAttributesList());
      }
    }
    return this;
  }

  /** The span names, in order, for further list assertions. */
  public ListAssert<String> spanNames() {
    isNotNull();
    return Assertions.assertThat(spanNamesOf(actual));
  }

  private List<Span> spans() {
    return spansOf(actual);
  }

  /** Every span of {@code traces}, in order. */
  static List<Span> spansOf(Traces traces) {
    List<Span> out = new ArrayList<>(traces.spanCount());
    for (ResourceSpans rs : traces.resourceSpans()) {
      for (ScopeSpans ss : rs.getScopeSpansList()) {
        out.addAll(ss.getSpansList());
      }
    }
    return out;
  }

  private static List<String> spanNamesOf(Traces traces) {
    return spansOf(traces).stream().map(Span::getName).toList();
  }

  private static boolean hasString(List<KeyValue> attributes, String key, String value) {
    for (KeyValue kv : attributes) {
      if (kv.getKey().equals(key)) {
        AnyValue v = kv.getValue();
        return v.hasStringValue() && Objects.equals(v.getStringValue(), value);
      }
    }
    return false;
  }
}
