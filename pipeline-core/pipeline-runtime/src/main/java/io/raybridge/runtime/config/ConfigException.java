package io.raybridge.runtime.config;

import java.util.List;
import java.util.Objects;

/**
 * A configuration could not be loaded; carries every problem found, sorted by file and line, so
 * that a user can fix them all in one go.
 */
public final class ConfigException extends Exception {

  private static final long serialVersionUID = 1L;

  private final transient List<ConfigProblem> problems;

  public ConfigException(List<ConfigProblem> problems) {
    super(render(problems));
    if (problems.isEmpty()) {
      throw new IllegalArgumentException("problems must not be empty");
    }
    this.problems = problems.stream().sorted(ConfigProblem.ORDER).toList();
  }

  /** The problems, sorted by source order, then line. */
  public List<ConfigProblem> problems() {
    return problems;
  }

  /** One line per problem, as printed by {@code raybridge validate}. */
  public List<String> renderedLines() {
    return problems.stream().map(ConfigProblem::render).toList();
  }

  private static String render(List<ConfigProblem> problems) {
    Objects.requireNonNull(problems, "problems");
    return String.join(
        "\n", problems.stream().sorted(ConfigProblem.ORDER).map(ConfigProblem::render).toList());
  }
}
