package io.raybridge.runtime.config;

import java.util.Comparator;
import java.util.Objects;

/**
 * One problem found in a configuration, located by source, line and YAML path.
 *
 * <p>Rendered as {@code SOURCE:LINE: path: message}; the {@code :LINE} part is left out when the
 * parser had no line for the path (a value given with {@code --set}, a missing section), the {@code
 * path: } part when the problem concerns the file as a whole, and a YAML syntax error adds the
 * column ({@code SOURCE:LINE:COLUMN: message}). The source is the file name as given on the command
 * line, or {@code --set} for an override.
 *
 * @param source the file name, or {@code --set}
 * @param order the position of the source among all sources, so that problems sort by file in the
 *     order the files were given
 * @param line 1-based line, or 0 when unknown
 * @param column 1-based column, or 0 when unknown or not useful
 * @param path dotted YAML path ({@code exporters.otlp/2.retry_on_failure.max_interval}, list
 *     elements as {@code [i]}), or empty
 * @param message what is wrong
 */
public record ConfigProblem(
    String source, int order, int line, int column, String path, String message) {

  /** Sorts by source order, then line (unknown lines last), then path. */
  public static final Comparator<ConfigProblem> ORDER =
      Comparator.comparingInt(ConfigProblem::order)
          .thenComparingInt(p -> p.line() == 0 ? Integer.MAX_VALUE : p.line())
          .thenComparingInt(ConfigProblem::column)
          .thenComparing(ConfigProblem::path)
          .thenComparing(ConfigProblem::message);

  public ConfigProblem {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(message, "message");
  }

  /** This problem as one line of output. */
  public String render() {
    StringBuilder out = new StringBuilder(source);
    if (line > 0) {
      out.append(':').append(line);
      if (column > 0) {
        out.append(':').append(column);
      }
    }
    out.append(": ");
    if (!path.isEmpty()) {
      out.append(path).append(": ");
    }
    return out.append(message).toString();
  }

  @Override
  public String toString() {
    return render();
  }
}
