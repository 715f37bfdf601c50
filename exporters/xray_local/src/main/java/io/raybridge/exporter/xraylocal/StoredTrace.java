package io.raybridge.exporter.xraylocal;

import io.raybridge.xray.model.Segment;
import java.util.List;

/**
 * An immutable snapshot of one stored trace.
 *
 * @param id the trace id
 * @param documents every stored document (segments and independent subsegments), in arrival order
 * @param firstReceivedMillis when the first document of the trace arrived
 * @param bytes the bytes the trace is charged for against {@code max_bytes}
 */
record StoredTrace(String id, List<Document> documents, long firstReceivedMillis, long bytes) {

  /** Bytes charged per document beyond its JSON: the parsed model and the maps holding it. */
  static final int DOCUMENT_OVERHEAD_BYTES = 512;

  /**
   * One stored document.
   *
   * @param segment the parsed document
   * @param json its compact JSON
   * @param receivedMillis when it arrived
   */
  record Document(Segment segment, String json, long receivedMillis) {
    long bytes() {
      return (long) json.length() + DOCUMENT_OVERHEAD_BYTES;
    }
  }

  /** The parsed documents. */
  List<Segment> segments() {
    return documents.stream().map(Document::segment).toList();
  }
}
