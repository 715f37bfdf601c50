package io.raybridge.xray.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The {@code cause} member: either the id of an exception recorded elsewhere in the trace, or a
 * full description with exceptions.
 */
public sealed interface Cause {

  /** {@code "cause": "<16 hex exception id>"}. */
  record ExceptionId(String id) implements Cause {
    public ExceptionId {
      Objects.requireNonNull(id, "id");
    }
  }

  /** {@code "cause": {"working_directory": ..., "paths": [...], "exceptions": [...]}}. */
  record Details(
      String workingDirectory,
      List<String> paths,
      List<ExceptionDetail> exceptions,
      Map<String, JsonNode> extra)
      implements Cause {
    /** Exceptions, never null. */
    public List<ExceptionDetail> exceptionList() {
      return exceptions == null ? List.of() : exceptions;
    }

    public Details {
      paths = paths == null ? null : List.copyOf(paths);
      exceptions = exceptions == null ? null : List.copyOf(exceptions);
      extra = Extras.copy(extra);
    }
  }
}
