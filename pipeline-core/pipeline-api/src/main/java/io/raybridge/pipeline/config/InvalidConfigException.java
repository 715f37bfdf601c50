package io.raybridge.pipeline.config;

import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Thrown from a config record's constructor with every violation it found, so that the runtime can
 * report all problems of a config in one run.
 */
public final class InvalidConfigException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  private final transient List<ConfigViolation> violations;

  public InvalidConfigException(List<ConfigViolation> violations) {
    super(
        Objects.requireNonNull(violations, "violations").stream()
            .map(ConfigViolation::toString)
            .collect(Collectors.joining("; ")));
    if (violations.isEmpty()) {
      throw new IllegalArgumentException("violations must not be empty");
    }
    this.violations = List.copyOf(violations);
  }

  public InvalidConfigException(String path, String message) {
    this(List.of(new ConfigViolation(path, message)));
  }

  public List<ConfigViolation> violations() {
    return violations;
  }
}
