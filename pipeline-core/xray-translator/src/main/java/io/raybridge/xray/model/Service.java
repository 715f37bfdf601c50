package io.raybridge.xray.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/** The {@code service} member of a segment. */
public record Service(
    String version, String compilerVersion, String compiler, Map<String, JsonNode> extra) {
  public Service {
    extra = Extras.copy(extra);
  }
}
