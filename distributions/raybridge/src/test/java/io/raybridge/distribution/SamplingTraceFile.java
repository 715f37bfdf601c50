package io.raybridge.distribution;

import com.google.protobuf.InvalidProtocolBufferException;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.raybridge.pipeline.otlp.OtlpJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What the {@code file} exporter wrote in {@code otlp_json} format, spans grouped by trace id. */
record SamplingTraceFile(Map<String, List<Span>> traces) {

  private static final HexFormat HEX = HexFormat.of();

  /** Reads every line of {@code file}; a missing file is an empty result. */
  static SamplingTraceFile read(Path file) {
    Map<String, List<Span>> traces = new LinkedHashMap<>();
    if (!Files.exists(file)) {
      return new SamplingTraceFile(traces);
    }
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    for (String line : lines) {
      if (line.isBlank()) {
        continue;
      }
      ExportTraceServiceRequest request;
      try {
        request = OtlpJson.decode(line.getBytes(StandardCharsets.UTF_8));
      } catch (InvalidProtocolBufferException e) {
        throw new IllegalStateException("not an OTLP/JSON line: " + line, e);
      }
      for (ResourceSpans rs : request.getResourceSpansList()) {
        for (ScopeSpans ss : rs.getScopeSpansList()) {
          for (Span span : ss.getSpansList()) {
            traces
                .computeIfAbsent(hex(span.getTraceId().toByteArray()), k -> new ArrayList<>())
                .add(span);
          }
        }
      }
    }
    return new SamplingTraceFile(traces);
  }

  /**
   * As {@link #read}, but an unreadable result (a line being written while it is read) counts as
   * not there yet, for polling while the collector runs.
   */
  static SamplingTraceFile readWhileWritten(Path file) {
    try {
      return read(file);
    } catch (IllegalStateException e) {
      return new SamplingTraceFile(Map.of());
    }
  }

  static String hex(byte[] bytes) {
    return HEX.formatHex(bytes);
  }

  static byte[] bytes(String hex) {
    return HEX.parseHex(hex);
  }

  /** The trace ids present in the file. */
  java.util.Set<String> traceIds() {
    return traces.keySet();
  }

  /** The spans of trace {@code traceId}, none when it was not written. */
  List<Span> spans(String traceId) {
    return traces.getOrDefault(traceId, List.of());
  }

  long spanCount() {
    return traces.values().stream().mapToLong(List::size).sum();
  }

  /** The string value of attribute {@code key} of {@code span}. */
  static Optional<String> attribute(Span span, String key) {
    for (KeyValue kv : span.getAttributesList()) {
      if (kv.getKey().equals(key)) {
        return Optional.of(kv.getValue().getStringValue());
      }
    }
    return Optional.empty();
  }
}
