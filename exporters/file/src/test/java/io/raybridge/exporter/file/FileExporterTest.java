package io.raybridge.exporter.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.github.luben.zstd.ZstdInputStream;
import com.google.protobuf.util.JsonFormat;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.raybridge.pipeline.ComponentKind;
import io.raybridge.pipeline.ConsumerException;
import io.raybridge.pipeline.Exporter;
import io.raybridge.pipeline.Traces;
import io.raybridge.pipeline.otlp.OtlpJson;
import io.raybridge.testing.ConfigFixtures;
import io.raybridge.testing.TestSettings;
import io.raybridge.testing.TestTelemetry;
import io.raybridge.testing.TraceGenerator;
import io.raybridge.xray.SegmentCodec;
import io.raybridge.xray.model.Segment;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileExporterTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private final TestTelemetry telemetry = new TestTelemetry();
  private final List<Exporter> exporters = new ArrayList<>();

  @AfterEach
  void shutDown() {
    exporters.forEach(e -> e.shutdown(Duration.ofSeconds(5)));
  }

  /** An exporter writing synchronously (no queue, no retries), so that errors reach the test. */
  private Exporter start(String yaml) throws Exception {
    FileExporterConfig config =
        ConfigFixtures.bind(
            FileExporterConfig.class,
            yaml + "\nsending_queue: {enabled: false}\nretry_on_failure: {enabled: false}\n");
    Exporter e =
        new FileExporterFactory()
            .create(
                TestSettings.builder(ComponentKind.EXPORTER, "file").telemetry(telemetry).build(),
                config);
    exporters.add(e);
    e.start();
    return e;
  }

  private static Traces traces(int seed) {
    return TraceGenerator.seeded(seed)
        .traces(3)
        .spansPerTrace(4)
        .services(2)
        .startTime(Instant.now().truncatedTo(ChronoUnit.SECONDS))
        .generate();
  }

  private static Set<String> spanIds(Traces traces) {
    Set<String> ids = new HashSet<>();
    for (ResourceSpans rs : traces.resourceSpans()) {
      for (ScopeSpans ss : rs.getScopeSpansList()) {
        for (Span s : ss.getSpansList()) {
          ids.add(HexFormat.of().formatHex(s.getSpanId().toByteArray()));
        }
      }
    }
    return ids;
  }

  @Test
  void otlpJsonLinesAreReadByProtobufJsonFormatAfterIdAndEnumNormalisation() throws Exception {
    Path file = dir.resolve("traces.json");
    Exporter e = start("path: " + file);
    Traces a = traces(1);
    Traces b = traces(2);
    e.consume(a);
    e.consume(b);
    e.shutdown(Duration.ofSeconds(5));

    List<String> lines = Files.readAllLines(file);
    assertThat(lines).hasSize(2);
    List<Traces> read = new ArrayList<>();
    for (String line : lines) {
      // OTLP/JSON differs from protobuf's JSON mapping in ids (hex, not base64); integer enums
      // are accepted by JsonFormat as they are.
      JsonNode tree = JSON.readTree(line);
      hexIdsToBase64(tree);
      ExportTraceServiceRequest.Builder builder = ExportTraceServiceRequest.newBuilder();
      JsonFormat.parser().merge(JSON.writeValueAsString(tree), builder);
      read.add(Traces.fromRequest(builder.build()));
      assertThat(line).doesNotContain("SPAN_KIND_").contains("\"kind\":");
    }
    assertThat(read).containsExactly(a, b);
  }

  @Test
  void otlpJsonLinesAreReadByTheOtlpJsonDecoder() throws Exception {
    Path file = dir.resolve("traces.json");
    Exporter e = start("path: " + file + "\nformat: otlp_json");
    Traces a = traces(3);
    e.consume(a);
    e.shutdown(Duration.ofSeconds(5));
    List<String> lines = Files.readAllLines(file);
    assertThat(lines).hasSize(1);
    assertThat(Traces.fromRequest(OtlpJson.decode(lines.get(0).getBytes(StandardCharsets.UTF_8))))
        .isEqualTo(a);
  }

  private static void hexIdsToBase64(JsonNode node) {
    if (node.isObject()) {
      ObjectNode o = (ObjectNode) node;
      List<String> ids = new ArrayList<>();
      for (Map.Entry<String, JsonNode> f : o.properties()) {
        if (f.getKey().equals("traceId")
            || f.getKey().equals("spanId")
            || f.getKey().equals("parentSpanId")) {
          ids.add(f.getKey());
        } else {
          hexIdsToBase64(f.getValue());
        }
      }
      for (String k : ids) {
        byte[] raw = HexFormat.of().parseHex(o.get(k).asText());
        o.set(k, new TextNode(Base64.getEncoder().encodeToString(raw)));
      }
    } else if (node.isArray()) {
      node.forEach(FileExporterTest::hexIdsToBase64);
    }
  }

  @Test
  void otlpProtoIsReadWithParseDelimitedFrom() throws Exception {
    Path file = dir.resolve("traces.pb");
    Exporter e = start("path: " + file + "\nformat: otlp_proto");
    Traces a = traces(4);
    Traces b = traces(5);
    e.consume(a);
    e.consume(b);
    e.shutdown(Duration.ofSeconds(5));
    List<Traces> read = new ArrayList<>();
    try (InputStream in = Files.newInputStream(file)) {
      ExportTraceServiceRequest r;
      while ((r = ExportTraceServiceRequest.parseDelimitedFrom(in)) != null) {
        read.add(Traces.fromRequest(r));
      }
    }
    assertThat(read).containsExactly(a, b);
  }

  @Test
  void xrayJsonHasOneSegmentDocumentPerLineThatTheTranslatorParses() throws Exception {
    Path file = dir.resolve("segments.json");
    Exporter e = start("path: " + file + "\nformat: xray_json");
    Traces a = traces(6);
    e.consume(a);
    e.shutdown(Duration.ofSeconds(5));
    List<String> lines = Files.readAllLines(file);
    assertThat(lines).isNotEmpty();
    Set<String> ids = new HashSet<>();
    for (String line : lines) {
      Segment s = SegmentCodec.parseOne(line);
      assertThat(s.traceId()).startsWith("1-");
      collectIds(s, ids);
    }
    assertThat(ids).isEqualTo(spanIds(a));
  }

  private static void collectIds(Segment s, Set<String> ids) {
    ids.add(s.id());
    if (s.subsegments() != null) {
      s.subsegments().forEach(sub -> collectIds(sub, ids));
    }
  }

  @Test
  void gzipFilesDecompressToTheSameLines() throws Exception {
    Path file = dir.resolve("traces.json.gz");
    Exporter e = start("path: " + file + "\ncompression: gzip");
    Traces a = traces(7);
    Traces b = traces(8);
    e.consume(a);
    e.consume(b);
    e.shutdown(Duration.ofSeconds(5));
    assertThat(decodeLines(new GZIPInputStream(Files.newInputStream(file)))).containsExactly(a, b);
  }

  @Test
  void zstdFilesDecompressToTheSameLines() throws Exception {
    Path file = dir.resolve("traces.json.zst");
    Exporter e = start("path: " + file + "\ncompression: zstd");
    Traces a = traces(9);
    Traces b = traces(10);
    e.consume(a);
    e.consume(b);
    e.shutdown(Duration.ofSeconds(5));
    assertThat(Files.size(file)).isLessThan(OtlpJson.encode(a.toRequest()).length * 2L);
    assertThat(decodeLines(new ZstdInputStream(Files.newInputStream(file)))).containsExactly(a, b);
  }

  @Test
  void flushedGzipDataIsReadableBeforeTheFileIsClosed() throws Exception {
    Path file = dir.resolve("live.json.gz");
    Exporter e = start("path: " + file + "\ncompression: gzip\nflush_interval: 0s");
    Traces a = traces(11);
    e.consume(a);
    // Not shut down: the stream is unfinished, but the synced batch must be readable.
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
      byte[] buf = new byte[8192];
      int n;
      try {
        while ((n = in.read(buf)) > 0) {
          out.write(buf, 0, n);
        }
      } catch (java.io.EOFException unfinishedStream) {
        // Expected: the trailer is written at close.
      }
    }
    String text = out.toString(StandardCharsets.UTF_8);
    assertThat(text).endsWith("\n");
    assertThat(Traces.fromRequest(OtlpJson.decode(text.strip().getBytes(StandardCharsets.UTF_8))))
        .isEqualTo(a);
  }

  private static List<Traces> decodeLines(InputStream in) throws IOException {
    List<Traces> out = new ArrayList<>();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        out.add(Traces.fromRequest(OtlpJson.decode(line.getBytes(StandardCharsets.UTF_8))));
      }
    }
    return out;
  }

  @Test
  void rotationBySizeKeepsMaxBackupsAndLosesNoLineOfTheKeptFiles() throws Exception {
    Path file = dir.resolve("rot.json");
    Exporter e = start("path: " + file + "\nrotation: {max_megabytes: 1, max_backups: 2}");
    Traces big = TraceGenerator.seeded(12).traces(40).spansPerTrace(10).generate();
    int lineBytes = OtlpJson.encode(big.toRequest()).length + 1;
    int perFile = (1024 * 1024) / lineBytes;
    int batches = perFile * 4 + 1; // enough for four rotations
    for (int i = 0; i < batches; i++) {
      e.consume(big);
    }
    e.shutdown(Duration.ofSeconds(5));

    List<Path> backups;
    try (Stream<Path> s = Files.list(dir)) {
      backups = s.filter(p -> p.getFileName().toString().matches("rot-.*\\.json")).toList();
    }
    assertThat(backups).hasSize(2);
    for (Path b : backups) {
      assertThat(b.getFileName().toString())
          .matches("rot-\\d{4}-\\d{2}-\\d{2}T\\d{2}-\\d{2}-\\d{2}\\.\\d{3}\\.json");
      assertThat(Files.size(b)).isLessThanOrEqualTo(1024 * 1024).isGreaterThan(0);
      assertThat(Files.readAllLines(b)).hasSize(perFile);
    }
    assertThat(Files.readAllLines(file)).hasSize(batches - 4 * perFile);
  }

  @Test
  void rotationDeletesBackupsOlderThanMaxDays() throws Exception {
    Path file = dir.resolve("aged.json");
    Path ancient = Files.writeString(dir.resolve("aged-2020-01-01T00-00-00.000.json"), "old\n");
    Path unrelated = Files.writeString(dir.resolve("aged-notes.json"), "keep\n");
    Exporter e = start("path: " + file + "\nrotation: {max_megabytes: 1, max_days: 1}");
    Traces big = TraceGenerator.seeded(19).traces(40).spansPerTrace(10).generate();
    int perFile = (1024 * 1024) / (OtlpJson.encode(big.toRequest()).length + 1);
    for (int i = 0; i <= perFile; i++) {
      e.consume(big);
    }
    e.shutdown(Duration.ofSeconds(5));
    assertThat(ancient).doesNotExist();
    assertThat(unrelated).exists();
    try (Stream<Path> s = Files.list(dir)) {
      assertThat(s.map(p -> p.getFileName().toString()).filter(n -> n.matches("aged-\\d{4}.*")))
          .hasSize(1);
    }
  }

  private static Traces withAttribute(Traces t, String key, String value) {
    List<ResourceSpans> out = new ArrayList<>();
    for (ResourceSpans rs : t.resourceSpans()) {
      ResourceSpans.Builder b = rs.toBuilder();
      b.getResourceBuilder()
          .addAttributes(
              KeyValue.newBuilder()
                  .setKey(key)
                  .setValue(AnyValue.newBuilder().setStringValue(value)));
      out.add(b.build());
    }
    return Traces.of(out);
  }

  @Test
  void groupByWritesOneFilePerAttributeValueAndRefusesTraversal() throws Exception {
    Exporter e =
        start(
            "path: "
                + dir.resolve("out/traces-*.json")
                + "\ngroup_by: {enabled: true, resource_attribute: tenant, max_open_files: 1}");
    Traces a = withAttribute(traces(13), "tenant", "alpha");
    Traces b = withAttribute(traces(14), "tenant", "beta");
    Traces evil = withAttribute(traces(15), "tenant", "../../escaped");
    Traces none = traces(16);
    e.consume(a);
    e.consume(b);
    e.consume(a);
    e.consume(Traces.concat(List.of(evil, none)));
    e.shutdown(Duration.ofSeconds(5));

    assertThat(decodeLines(Files.newInputStream(dir.resolve("out/traces-alpha.json"))))
        .containsExactly(a, a);
    assertThat(decodeLines(Files.newInputStream(dir.resolve("out/traces-beta.json"))))
        .containsExactly(b);
    try (Stream<Path> all = Files.walk(dir)) {
      assertThat(all.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString()))
          .containsExactlyInAnyOrder("out/traces-alpha.json", "out/traces-beta.json");
    }
    assertThat(telemetry.counterValue(FileExporter.UNGROUPED_SPANS_METRIC))
        .isEqualTo(evil.spanCount() + none.spanCount());
  }

  @Test
  void anUnusablePathFailsStartWithAClearMessage() throws Exception {
    Path blocker = Files.writeString(dir.resolve("not-a-dir"), "x");
    assertThatThrownBy(() -> start("path: " + blocker.resolve("traces.json")))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(
            "file exporter cannot write to path '" + blocker.resolve("traces.json"));
  }

  @Test
  void aFailedWriteIsRetryableCountedAndRecoversOnTheNextAttempt() throws Exception {
    Path blocker = Files.writeString(dir.resolve("t-blocked"), "x");
    Exporter e =
        start(
            "path: "
                + dir.resolve("t-*.json")
                + "\ngroup_by: {enabled: true, resource_attribute: tenant}\nflush_interval: 0s");
    Traces t = withAttribute(traces(17), "tenant", "blocked/x");
    assertThatThrownBy(() -> e.consume(t))
        .isInstanceOfSatisfying(
            ConsumerException.class, ce -> assertThat(ce.isRetryable()).isTrue());
    assertThat(telemetry.counterValue(FileExporter.WRITE_ERRORS_METRIC)).isEqualTo(1);

    // The directory it needs becomes available: the retry goes through.
    Files.delete(blocker);
    e.consume(t);
    e.shutdown(Duration.ofSeconds(5));
    assertThat(decodeLines(Files.newInputStream(dir.resolve("t-blocked/x.json"))))
        .containsExactly(t);
  }

  @Test
  void aFullDiskIsARetryableErrorNotACrash() throws Exception {
    Path full = Path.of("/dev/full");
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.isWritable(full), "needs /dev/full");
    Exporter e = start("path: /dev/full\nappend: true\nflush_interval: 0s");
    assertThatThrownBy(() -> e.consume(traces(18)))
        .isInstanceOfSatisfying(
            ConsumerException.class, ce -> assertThat(ce.isRetryable()).isTrue())
        .hasMessageContaining("/dev/full");
    assertThat(telemetry.counterValue(FileExporter.WRITE_ERRORS_METRIC)).isEqualTo(1);
  }
}
