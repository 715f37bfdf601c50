package io.raybridge.exporter.otlp;

import com.fasterxml.jackson.annotation.JsonProperty;

/** How request bodies are compressed ({@code compression}). */
public enum Compression {
  /** gzip, the default of the Collector's OTLP exporters and understood by every OTLP receiver. */
  @JsonProperty("gzip")
  GZIP("gzip"),
  /** Zstandard: smaller and cheaper than gzip, but not every receiver accepts it. */
  @JsonProperty("zstd")
  ZSTD("zstd"),
  /** No compression. */
  @JsonProperty("none")
  NONE("identity");

  private final String encoding;

  Compression(String encoding) {
    this.encoding = encoding;
  }

  /** The {@code grpc-encoding} / {@code Content-Encoding} token. */
  String encoding() {
    return encoding;
  }
}
