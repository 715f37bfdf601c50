package io.raybridge.xray.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/** The {@code sql} member of a subsegment. */
public record Sql(
    String url,
    String connectionString,
    String sanitizedQuery,
    String databaseType,
    String databaseVersion,
    String driverVersion,
    String user,
    String preparation,
    Map<String, JsonNode> extra) {
  public Sql {
    extra = Extras.copy(extra);
  }
}
