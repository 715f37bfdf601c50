package io.raybridge.exporter.xraylocal.filter;

import io.raybridge.xray.model.Segment;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * A parsed X-Ray filter expression (the {@code FilterExpression} of {@code GetTraceSummaries} and
 * of groups), evaluated against the stored documents of one trace. See {@code FILTERS.md} for the
 * supported language.
 *
 * <p>Instances are immutable and thread-safe. {@link #parse} throws {@link FilterSyntaxException}
 * for malformed text; {@link #matches} throws it too when the expression names a group that does
 * not exist or whose own expression is malformed, because only then is the group looked up.
 */
public final class FilterExpression {

  /** Matches every trace; what empty or blank text parses to. */
  public static final FilterExpression ALL = new FilterExpression(null);

  /** Null for {@link #ALL}. */
  private final Expr root;

  private FilterExpression(Expr root) {
    this.root = root;
  }

  /**
   * Parses {@code text}; empty or blank text gives {@link #ALL}.
   *
   * @throws FilterSyntaxException with the 0-based position of the first problem
   */
  public static FilterExpression parse(String text) {
    Objects.requireNonNull(text, "text");
    if (text.isBlank()) {
      return ALL;
    }
    return new FilterExpression(Parser.parse(text));
  }

  /**
   * Whether one trace matches.
   *
   * @param traceDocuments every stored document of the trace: segments and independent subsegments,
   *     with their nested subsegments
   * @param groupFilterByName resolves a group name to its filter expression text, for {@code
   *     group.name} and {@code group.arn}
   * @throws FilterSyntaxException if a referenced group is unknown, refers to itself, or has a
   *     malformed expression
   */
  public boolean matches(
      List<Segment> traceDocuments, Function<String, Optional<String>> groupFilterByName) {
    Objects.requireNonNull(traceDocuments, "traceDocuments");
    Objects.requireNonNull(groupFilterByName, "groupFilterByName");
    if (root == null) {
      return true;
    }
    TraceView trace = TraceView.of(traceDocuments);
    return new Evaluator(trace, groupFilterByName).eval(root, trace);
  }

  /** The normalized expression (empty for {@link #ALL}); parsing it gives an equal expression. */
  @Override
  public String toString() {
    return root == null ? "" : root.toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FilterExpression other && toString().equals(other.toString());
  }

  @Override
  public int hashCode() {
    return toString().hashCode();
  }
}
