package io.raybridge.exporter.file;

import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.raybridge.exporter.file.FileExporterConfig.Format;
import io.raybridge.pipeline.otlp.OtlpJson;
import io.raybridge.xray.SpanToSegment;
import io.raybridge.xray.XRaySettings;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Turns resource spans into the bytes of one record of the configured format. */
final class RecordEncoder {

  private final Format format;
  private final SpanToSegment toSegments;

  RecordEncoder(Format format) {
    this.format = format;
    this.toSegments = format == Format.XRAY_JSON ? new SpanToSegment(XRaySettings.DEFAULTS) : null;
  }

  /** The record for {@code resourceSpans}; {@code null} when there is nothing to write. */
  byte[] encode(List<ResourceSpans> resourceSpans) {
    if (resourceSpans.isEmpty()) {
      return null;
    }
    return switch (format) {
      case OTLP_JSON, JSON -> line(OtlpJson.encode(request(resourceSpans)));
      case OTLP_PROTO, PROTO -> delimited(request(resourceSpans));
      case XRAY_JSON -> segments(resourceSpans);
    };
  }

  private static ExportTraceServiceRequest request(List<ResourceSpans> resourceSpans) {
    return ExportTraceServiceRequest.newBuilder().addAllResourceSpans(resourceSpans).build();
  }

  private static byte[] line(byte[] json) {
    byte[] out = new byte[json.length + 1];
    System.arraycopy(json, 0, out, 0, json.length);
    out[json.length] = '\n';
    return out;
  }

  private static byte[] delimited(ExportTraceServiceRequest request) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(request.getSerializedSize() + 5);
    try {
      request.writeDelimitedTo(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // cannot happen in memory
    }
    return out.toByteArray();
  }

  private byte[] segments(List<ResourceSpans> resourceSpans) {
    StringBuilder sb = new StringBuilder();
    for (ResourceSpans rs : resourceSpans) {
      for (String doc : toSegments.convert(rs)) {
        sb.append(doc).append('\n');
      }
    }
    return sb.length() == 0 ? null : sb.toString().getBytes(StandardCharsets.UTF_8);
  }
}
