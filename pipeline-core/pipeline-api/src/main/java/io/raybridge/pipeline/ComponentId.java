package io.raybridge.pipeline;

import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A component's identity in a config: {@code type} or {@code type/name}, for instance {@code otlp}
 * or {@code otlp/internal}. Types are {@code lower_snake_case}; names may use letters, digits,
 * {@code _ . -}.
 */
public record ComponentId(String type, String name) implements Comparable<ComponentId> {

  private static final Pattern TYPE = Pattern.compile("[a-z][a-z0-9_]{0,62}");
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.\\-]{0,127}");

  /**
   * @param type the component type
   * @param name the instance name, or the empty string for the unnamed instance
   */
  public ComponentId {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(name, "name");
    if (!TYPE.matcher(type).matches()) {
      throw new IllegalArgumentException(
          "invalid component type '"
              + type
              + "': must start with a lower-case letter and contain only a-z, 0-9 and _");
    }
    if (!name.isEmpty() && !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "invalid component name '"
              + name
              + "': must start with a letter or digit and contain only letters, digits, _ . -");
    }
  }

  /** Parses {@code type} or {@code type/name}. */
  public static ComponentId parse(String id) {
    Objects.requireNonNull(id, "id");
    String trimmed = id.strip();
    int slash = trimmed.indexOf('/');
    if (slash < 0) {
      return new ComponentId(trimmed, "");
    }
    String name = trimmed.substring(slash + 1);
    if (name.isEmpty()) {
      throw new IllegalArgumentException(
          "invalid component id '" + id + "': the name after '/' must not be empty");
    }
    return new ComponentId(trimmed.substring(0, slash), name);
  }

  /** The unnamed instance of {@code type}. */
  public static ComponentId of(String type) {
    return new ComponentId(type, "");
  }

  /** The instance name, if the id has one. */
  public Optional<String> instanceName() {
    return name.isEmpty() ? Optional.empty() : Optional.of(name);
  }

  @Override
  public int compareTo(ComponentId other) {
    return toString().compareTo(other.toString());
  }

  @Override
  public String toString() {
    return name.isEmpty() ? type : type + "/" + name;
  }
}
