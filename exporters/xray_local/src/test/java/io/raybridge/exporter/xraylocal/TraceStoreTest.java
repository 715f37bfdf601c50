package io.raybridge.exporter.xraylocal;

import static org.assertj.core.api.Assertions.assertThat;

import io.raybridge.pipeline.ComponentKind;
import io.raybridge.pipeline.ComponentSettings;
import io.raybridge.testing.FakeClock;
import io.raybridge.testing.TestSettings;
import io.raybridge.testing.TestTelemetry;
import io.raybridge.xray.SegmentCodec;
import io.raybridge.xray.model.Segment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TraceStoreTest {

  private final FakeClock clock = new FakeClock();
  private final TestTelemetry telemetry = new TestTelemetry();

  @TempDir Path dir;

  private TraceStore store(long maxBytes, Duration retention, Path directory) {
    ComponentSettings settings =
        TestSettings.builder(ComponentKind.EXPORTER, "xray_local")
            .telemetry(telemetry)
            .clock(clock)
            .build();
    return new TraceStore(settings, maxBytes, retention, directory);
  }

  private static Segment segment(String traceId) {
    long t = 1_700_000_000L;
    return SegmentCodec.parseOne(Docs.segment(traceId, Docs.id(), null, "svc", t, t + 1, ""));
  }

  @Test
  void tracesOlderThanTheRetentionAreEvictedAndCounted() {
    TraceStore store = store(Long.MAX_VALUE, Duration.ofHours(1), null);
    String old = Docs.traceId(1);
    store.put(List.of(segment(old)));
    clock.advance(Duration.ofMinutes(40));
    String young = Docs.traceId(2);
    store.put(List.of(segment(young)));
    clock.advance(Duration.ofMinutes(30));

    assertThat(store.all()).extracting(StoredTrace::id).containsExactly(young);
    assertThat(telemetry.counterValue(TraceStore.EVICTED_METRIC, "reason", "retention"))
        .isEqualTo(1);
  }

  @Test
  void theOldestTracesAreEvictedFirstWhenMaxBytesIsExceeded() {
    Segment probe = segment(Docs.traceId(1));
    long perTrace = SegmentCodec.serialize(probe).length() + StoredTrace.DOCUMENT_OVERHEAD_BYTES;
    TraceStore store = store(perTrace * 3, Duration.ofDays(30), null);
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      String id = Docs.traceId(10 + i);
      ids.add(id);
      store.put(List.of(segment(id)));
      clock.advance(Duration.ofSeconds(1));
    }

    assertThat(store.all())
        .extracting(StoredTrace::id)
        .containsExactlyElementsOf(ids.subList(2, 5));
    assertThat(store.bytes()).isLessThanOrEqualTo(perTrace * 3);
    assertThat(telemetry.counterValue(TraceStore.EVICTED_METRIC, "reason", "max_bytes"))
        .isEqualTo(2);
  }

  @Test
  void documentsOfOneTraceAreAssembledAndAnInProgressOneIsReplaced() {
    TraceStore store = store(Long.MAX_VALUE, Duration.ofDays(1), null);
    String trace = Docs.traceId(5);
    String rootId = Docs.id();
    store.put(List.of(SegmentCodec.parseOne(Docs.inProgress(trace, rootId, "a", 5))));
    store.put(
        List.of(
            SegmentCodec.parseOne(
                "{\"type\":\"subsegment\",\"trace_id\":\""
                    + trace
                    + "\",\"id\":\""
                    + Docs.id()
                    + "\",\"parent_id\":\""
                    + rootId
                    + "\",\"name\":\"db\",\"start_time\":5.1,\"end_time\":5.2}")));
    store.put(List.of(SegmentCodec.parseOne(Docs.segment(trace, rootId, null, "a", 5, 6, ""))));

    StoredTrace t = store.get(trace).orElseThrow();
    assertThat(t.documents()).hasSize(2);
    assertThat(t.segments())
        .filteredOn(s -> s.id().equals(rootId))
        .singleElement()
        .satisfies(s -> assertThat(TraceStore.isInProgress(s)).isFalse());
    TraceFacts facts = TraceFacts.of(t);
    assertThat(facts.partial()).isFalse();
    assertThat(facts.all()).hasSize(2);
    assertThat(facts.duration()).isEqualTo(1.0);
  }

  @Test
  void persistedDocumentsAreReloadedAndATornLastLineIsSkippedAndCounted() throws Exception {
    TraceStore first = store(Long.MAX_VALUE, Duration.ofDays(30), dir);
    first.load();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      String id = Docs.traceId(20 + i);
      ids.add(id);
      first.put(List.of(segment(id)));
    }
    first.close();
    Path file;
    try (Stream<Path> files = Files.list(dir)) {
      file = files.findFirst().orElseThrow();
    }
    // What a crash in the middle of a write leaves behind.
    Files.writeString(
        file, "1767225600000 {\"trace_id\":\"1-00000001-0000", StandardOpenOption.APPEND);

    TraceStore second = store(Long.MAX_VALUE, Duration.ofDays(30), dir);
    assertThat(second.load()).isEqualTo(3);
    assertThat(second.all()).extracting(StoredTrace::id).containsExactlyElementsOf(ids);
    assertThat(telemetry.counterValue(TraceStore.SKIPPED_METRIC)).isEqualTo(1);

    // Appending after the torn line starts a fresh line.
    String later = Docs.traceId(30);
    second.put(List.of(segment(later)));
    second.close();
    TraceStore third = store(Long.MAX_VALUE, Duration.ofDays(30), dir);
    assertThat(third.load()).isEqualTo(4);
    assertThat(Files.readString(file, StandardCharsets.UTF_8)).contains(later);
  }

  @Test
  void filesOlderThanTheRetentionAreDeletedAndTheirTracesNotReloaded() throws Exception {
    TraceStore first = store(Long.MAX_VALUE, Duration.ofHours(2), dir);
    first.load();
    first.put(List.of(segment(Docs.traceId(40))));
    clock.advance(Duration.ofHours(5));
    String recent = Docs.traceId(41);
    first.put(List.of(segment(recent)));
    first.close();

    TraceStore second = store(Long.MAX_VALUE, Duration.ofHours(2), dir);
    second.load();
    assertThat(second.all()).extracting(StoredTrace::id).containsExactly(recent);
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files.count()).isEqualTo(1);
    }
  }
}
