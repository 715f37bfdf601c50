package io.raybridge.xray.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/** One frame of an exception's {@code stack}. */
public record StackFrame(String path, Long line, String label, Map<String, JsonNode> extra) {
  public StackFrame {
    extra = Extras.copy(extra);
  }

  /** A frame without unknown members. */
  public StackFrame(String path, Long line, String label) {
    this(path, line, label, Map.of());
  }
}
