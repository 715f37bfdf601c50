package io.raybridge.exporter.xraylocal;

import io.raybridge.exporter.xraylocal.filter.FilterExpression;
import io.raybridge.exporter.xraylocal.filter.FilterSyntaxException;
import io.raybridge.xray.model.Segment;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The API's view of a filter expression: parses it with {@link FilterExpression} (a syntax error
 * becomes the message of an {@code InvalidRequestException}) and matches traces.
 */
final class TraceFilter {

  /** Matches every trace. */
  static final TraceFilter ALL = new TraceFilter(FilterExpression.ALL);

  private final FilterExpression expression;

  private TraceFilter(FilterExpression expression) {
    this.expression = expression;
  }

  /** A syntax error, with the parser's message. */
  static final class SyntaxError extends Exception {
    private static final long serialVersionUID = 1L;

    SyntaxError(String message) {
      super(message);
    }
  }

  /** Parses {@code text}; null or blank matches everything. */
  static TraceFilter parse(String text) throws SyntaxError {
    if (text == null || text.isBlank()) {
      return ALL;
    }
    try {
      return new TraceFilter(FilterExpression.parse(text));
    } catch (FilterSyntaxException e) {
      throw new SyntaxError(e.getMessage());
    }
  }

  /**
   * Whether the trace made of {@code documents} matches.
   *
   * @throws ApiException an {@code InvalidRequestException} when a {@code group.name} or {@code
   *     group.arn} names an unknown group or one with a broken expression
   */
  boolean matches(List<Segment> documents, Function<String, Optional<String>> groupFilterByName)
      throws ApiException {
    try {
      return expression.matches(documents, groupFilterByName);
    } catch (FilterSyntaxException e) {
      throw ApiException.invalid(e.getMessage());
    }
  }
}
