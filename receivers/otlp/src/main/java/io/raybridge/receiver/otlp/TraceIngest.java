package io.raybridge.receiver.otlp;

import com.google.protobuf.InvalidProtocolBufferException;
import io.opentelemetry.proto.collector.trace.v1.ExportTracePartialSuccess;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.raybridge.pipeline.ConsumerException;
import io.raybridge.pipeline.Traces;
import io.raybridge.pipeline.TracesConsumer;
import io.raybridge.pipeline.otlp.OtlpWire;
import io.raybridge.pipeline.receiver.ReceiverObservability;
import java.util.ArrayList;
import java.util.List;

/**
 * What both transports do with a decoded export request: drop spans that no backend can store (ids
 * of the wrong length or all zero), hand the rest to the next consumer, and count.
 */
final class TraceIngest {

  /** The result of one export. */
  sealed interface Outcome {}

  /** The pipeline took the valid spans; {@code rejected} invalid ones were dropped. */
  record Accepted(long rejected, String message) implements Outcome {
    ExportTraceServiceResponse toResponse() {
      if (rejected == 0) {
        return ExportTraceServiceResponse.getDefaultInstance();
      }
      return ExportTraceServiceResponse.newBuilder()
          .setPartialSuccess(
              ExportTracePartialSuccess.newBuilder()
                  .setRejectedSpans(rejected)
                  .setErrorMessage(message))
          .build();
    }
  }

  /** The pipeline refused the batch. */
  record Refused(ConsumerException error) implements Outcome {}

  private final TracesConsumer next;
  private final ReceiverObservability obs;

  TraceIngest(TracesConsumer next, ReceiverObservability obs) {
    this.next = next;
    this.obs = obs;
  }

  /**
   * An encoded request: checked and counted without decoding it, and handed on as the bytes that
   * arrived, so a pipeline that only forwards spans never builds them. A request with invalid span
   * ids is decoded to drop those spans.
   *
   * @throws InvalidProtocolBufferException if the bytes are not a valid export request
   */
  Outcome exportEncoded(byte[] request) throws InvalidProtocolBufferException {
    OtlpWire.Scan scan = OtlpWire.scanRequest(request);
    if (scan.invalidSpans() > 0) {
      return export(ExportTraceServiceRequest.parseFrom(request));
    }
    return deliver(Traces.ofEncoded(scan.resourceSpans(), scan.spanCounts()), 0);
  }

  Outcome export(ExportTraceServiceRequest request) {
    int invalid = 0;
    List<ResourceSpans> kept = null;
    List<ResourceSpans> all = request.getResourceSpansList();
    for (int i = 0; i < all.size(); i++) {
      ResourceSpans rs = all.get(i);
      int bad = countInvalid(rs);
      if (bad > 0 && kept == null) {
        kept = new ArrayList<>(all.subList(0, i));
      }
      invalid += bad;
      if (kept != null) {
        ResourceSpans filtered = bad == 0 ? rs : withoutInvalid(rs);
        if (filtered.getScopeSpansCount() > 0) {
          kept.add(filtered);
        }
      }
    }
    return deliver(Traces.of(kept == null ? all : kept), invalid);
  }

  /** Hands the valid spans on; {@code invalid} spans of the request were dropped before. */
  private Outcome deliver(Traces traces, int invalid) {
    obs.refused(invalid);
    if (!traces.isEmpty()) {
      try {
        next.consume(traces);
      } catch (RuntimeException e) {
        obs.refused(traces.spanCount());
        return new Refused(ConsumerException.from(e));
      }
      obs.accepted(traces.spanCount());
    }
    String message =
        invalid == 0
            ? ""
            : invalid
                + " span(s) rejected: trace_id must be 16 bytes and span_id 8 bytes, not all zero";
    return new Accepted(invalid, message);
  }

  private static int countInvalid(ResourceSpans rs) {
    int n = 0;
    for (ScopeSpans ss : rs.getScopeSpansList()) {
      for (Span s : ss.getSpansList()) {
        if (!isValid(s)) {
          n++;
        }
      }
    }
    return n;
  }

  private static ResourceSpans withoutInvalid(ResourceSpans rs) {
    ResourceSpans.Builder b = rs.toBuilder().clearScopeSpans();
    for (ScopeSpans ss : rs.getScopeSpansList()) {
      List<Span> valid = ss.getSpansList().stream().filter(TraceIngest::isValid).toList();
      if (!valid.isEmpty()) {
        b.addScopeSpans(ss.toBuilder().clearSpans().addAllSpans(valid));
      }
    }
    return b.build();
  }

  private static boolean isValid(Span s) {
    return s.getTraceId().size() == 16
        && s.getSpanId().size() == 8
        && !allZero(s.getTraceId().toByteArray())
        && !allZero(s.getSpanId().toByteArray());
  }

  private static boolean allZero(byte[] bytes) {
    for (byte b : bytes) {
      if (b != 0) {
        return false;
      }
    }
    return true;
  }
}
