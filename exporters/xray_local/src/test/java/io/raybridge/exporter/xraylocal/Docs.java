package io.raybridge.exporter.xraylocal;

import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicLong;

/** Hand-built X-Ray documents for tests. */
final class Docs {

  private static final AtomicLong IDS = new AtomicLong(0x1000);

  private Docs() {}

  /** A trace id whose embedded time is {@code epochSeconds}. */
  static String traceId(long epochSeconds) {
    return "1-"
        + String.format("%08x", epochSeconds)
        + "-"
        + String.format("%024x", IDS.incrementAndGet());
  }

  /** A fresh 16-hex id. */
  static String id() {
    return HexFormat.of().toHexDigits(IDS.incrementAndGet() * 7919L);
  }

  /** A complete segment; {@code extra} is spliced in as more members (may be empty). */
  static String segment(
      String traceId,
      String id,
      String parentId,
      String name,
      double start,
      double end,
      String extra) {
    return "{\"trace_id\":\""
        + traceId
        + "\",\"id\":\""
        + id
        + "\""
        + (parentId == null ? "" : ",\"parent_id\":\"" + parentId + "\"")
        + ",\"name\":\""
        + name
        + "\",\"start_time\":"
        + start
        + ",\"end_time\":"
        + end
        + (extra.isEmpty() ? "" : "," + extra)
        + "}";
  }

  /** An in-progress segment. */
  static String inProgress(String traceId, String id, String name, double start) {
    return "{\"trace_id\":\""
        + traceId
        + "\",\"id\":\""
        + id
        + "\",\"name\":\""
        + name
        + "\",\"start_time\":"
        + start
        + ",\"in_progress\":true}";
  }

  /** A subsegment object to put in a {@code subsegments} array. */
  static String sub(
      String id, String name, String namespace, double start, double end, String extra) {
    return "{\"id\":\""
        + id
        + "\",\"name\":\""
        + name
        + "\""
        + (namespace == null ? "" : ",\"namespace\":\"" + namespace + "\"")
        + ",\"start_time\":"
        + start
        + ",\"end_time\":"
        + end
        + (extra.isEmpty() ? "" : "," + extra)
        + "}";
  }

  static String status(int status) {
    return "\"http\":{\"request\":{\"method\":\"GET\",\"url\":\"http://shop/\"},"
        + "\"response\":{\"status\":"
        + status
        + "}}";
  }
}
