package io.raybridge.exporter.file;

import com.google.protobuf.CodedOutputStream;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.raybridge.exporter.file.FileExporterConfig.Format;
import io.raybridge.pipeline.Traces;
import io.raybridge.pipeline.otlp.OtlpJson;
import io.raybridge.xray.SpanToSegment;
import io.raybridge.xray.XRaySettings;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Turns resource spans into the bytes of one record of the configured format, in a buffer reused
 * from record to record. Not thread-safe; the exporter serialises access.
 */
final class RecordEncoder {

  /** A buffer grown past this by one large record is dropped afterwards rather than kept. */
  static final int RETAINED_BUFFER_BYTES = 4 * 1024 * 1024;

  private static final int INITIAL_BUFFER_BYTES = 64 * 1024;

  private final Format format;
  private final SpanToSegment toSegments;
  private Buffer buffer = new Buffer(INITIAL_BUFFER_BYTES);

  RecordEncoder(Format format) {
    this.format = format;
    this.toSegments = format == Format.XRAY_JSON ? new SpanToSegment(XRaySettings.DEFAULTS) : null;
  }

  /** The bytes of one record, valid until the next {@link #encode}. */
  interface Record {
    byte[] bytes();

    int length();
  }

  /**
   * The record for a whole batch; {@code null} when there is nothing to write. The binary formats
   * write the batch's encoding directly, so spans that arrived encoded are not decoded.
   */
  Record encode(Traces traces) {
    if (format != Format.OTLP_PROTO && format != Format.PROTO) {
      return encode(traces.resourceSpans());
    }
    if (traces.isEmpty()) {
      return null;
    }
    if (buffer.capacity() > RETAINED_BUFFER_BYTES) {
      buffer = new Buffer(INITIAL_BUFFER_BYTES);
    }
    buffer.reset();
    try {
      CodedOutputStream out = CodedOutputStream.newInstance(buffer);
      out.writeUInt32NoTag(traces.serializedSize());
      traces.writeRequestTo(out);
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // cannot happen in memory
    }
    return buffer;
  }

  /** The record for {@code resourceSpans}; {@code null} when there is nothing to write. */
  Record encode(List<ResourceSpans> resourceSpans) {
    if (resourceSpans.isEmpty()) {
      return null;
    }
    if (buffer.capacity() > RETAINED_BUFFER_BYTES) {
      buffer = new Buffer(INITIAL_BUFFER_BYTES);
    }
    buffer.reset();
    try {
      switch (format) {
        case OTLP_JSON, JSON -> {
          OtlpJson.encode(request(resourceSpans), buffer);
          buffer.write('\n');
        }
        case OTLP_PROTO, PROTO -> request(resourceSpans).writeDelimitedTo(buffer);
        case XRAY_JSON -> segments(resourceSpans);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e); // cannot happen in memory
    }
    return buffer.size() == 0 ? null : buffer;
  }

  private static ExportTraceServiceRequest request(List<ResourceSpans> resourceSpans) {
    return ExportTraceServiceRequest.newBuilder().addAllResourceSpans(resourceSpans).build();
  }

  private void segments(List<ResourceSpans> resourceSpans) {
    for (ResourceSpans rs : resourceSpans) {
      for (String doc : toSegments.convert(rs)) {
        buffer.writeBytes(doc.getBytes(StandardCharsets.UTF_8));
        buffer.write('\n');
      }
    }
  }

  /** A byte array output stream whose contents can be read without copying them. */
  private static final class Buffer extends ByteArrayOutputStream implements Record {
    Buffer(int size) {
      super(size);
    }

    @Override
    public byte[] bytes() {
      return buf;
    }

    @Override
    public int length() {
      return count;
    }

    int capacity() {
      return buf.length;
    }
  }
}
