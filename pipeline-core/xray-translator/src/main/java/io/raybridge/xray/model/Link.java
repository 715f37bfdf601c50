package io.raybridge.xray.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/** A span link ({@code links[]}): the OTel-path extension of the segment format. */
public record Link(
    String traceId, String id, Map<String, JsonNode> attributes, Map<String, JsonNode> extra) {
  public Link {
    attributes = attributes == null ? null : Extras.copyOrdered(attributes);
    extra = Extras.copy(extra);
  }
}
