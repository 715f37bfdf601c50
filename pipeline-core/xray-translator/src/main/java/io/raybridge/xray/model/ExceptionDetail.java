package io.raybridge.xray.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/** One entry of {@code cause.exceptions}. */
public record ExceptionDetail(
    String id,
    String message,
    String type,
    Boolean remote,
    Long truncated,
    Long skipped,
    String cause,
    List<StackFrame> stack,
    Map<String, JsonNode> extra) {
  public ExceptionDetail {
    stack = stack == null ? null : List.copyOf(stack);
    extra = Extras.copy(extra);
  }
}
