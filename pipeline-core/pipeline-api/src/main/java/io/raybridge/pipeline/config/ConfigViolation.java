package io.raybridge.pipeline.config;

import java.util.Objects;

/**
 * One problem with a config, located by its YAML path relative to the record that found it ({@code
 * retry_on_failure.max_interval}); the runtime prefixes the path of the record in the file and the
 * file name when it renders the message. An empty path means the record itself.
 *
 * @param path dotted YAML path, list elements as {@code [i]}
 * @param message what is wrong, in YAML terms, with the offending value
 */
public record ConfigViolation(String path, String message) {

  public ConfigViolation {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(message, "message");
  }

  /** This violation with {@code prefix} in front of its path. */
  public ConfigViolation under(String prefix) {
    if (prefix.isEmpty()) {
      return this;
    }
    if (path.isEmpty()) {
      return new ConfigViolation(prefix, message);
    }
    return new ConfigViolation(path.startsWith("[") ? prefix + path : prefix + "." + path, message);
  }

  @Override
  public String toString() {
    return path.isEmpty() ? message : path + ": " + message;
  }
}
