package io.raybridge.exporter.xraylocal;

import io.opentelemetry.api.metrics.LongCounter;
import io.raybridge.pipeline.ComponentSettings;
import io.raybridge.xray.SegmentCodec;
import io.raybridge.xray.model.Segment;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The traces held by an {@code xray_local} exporter, assembled from segments, independent
 * subsegments and in-progress documents. A document replaces a stored one with the same id unless
 * the stored one is complete and the new one is still in progress.
 *
 * <p>Bounded by {@code max_bytes} (JSON size plus a per-document overhead) and {@code retention}
 * (from a trace's first arrival); the oldest traces are evicted first and counted. With a {@link
 * DocumentLog} every accepted document is also appended to disk and read back by {@link #load()}.
 *
 * <p>Thread-safe: one lock; readers get immutable snapshots.
 */
final class TraceStore {

  static final String EVICTED_METRIC = "raybridge_xray_local_evicted_traces";
  static final String SKIPPED_METRIC = "raybridge_xray_local_skipped_lines";

  private final Clock clock;
  private final long maxBytes;
  private final Duration retention;
  private final DocumentLog log;
  private final ComponentSettings settings;
  private final LongCounter evicted;
  private final LongCounter skipped;
  // Insertion order = order of first arrival, so the head is the oldest trace.
  private final LinkedHashMap<String, StoredTrace> traces = new LinkedHashMap<>();
  private long bytes;

  TraceStore(ComponentSettings settings, long maxBytes, Duration retention, Path directory) {
    this.settings = settings;
    this.clock = settings.clock();
    this.maxBytes = maxBytes;
    this.retention = retention;
    this.log = directory == null ? null : new DocumentLog(directory, retention);
    this.evicted =
        settings
            .telemetry()
            .counter(EVICTED_METRIC, "{traces}", "Traces evicted by retention or max_bytes.");
    this.skipped =
        settings
            .telemetry()
            .counter(
                SKIPPED_METRIC, "{lines}", "Torn or corrupt lines skipped reloading the store.");
  }

  /** Reads the documents persisted by an earlier run; returns how many were loaded. */
  synchronized long load() throws IOException {
    if (log == null) {
      return 0;
    }
    long[] loaded = {0};
    long bad =
        log.load(
            (json, millis) -> {
              index(SegmentCodec.parseOne(json), json, millis);
              loaded[0]++;
            });
    if (bad > 0) {
      skipped.add(bad, settings.telemetry().attributes());
      settings.logger().warn("skipped {} torn or corrupt lines reloading the store", bad);
    }
    evict(clock.instant());
    log.deleteExpired(clock.instant());
    return loaded[0];
  }

  /** Stores {@code documents}, persisting them first when a directory is configured. */
  synchronized void put(List<Segment> documents) {
    Instant now = clock.instant();
    long millis = now.toEpochMilli();
    List<DocumentLog.Entry> entries = new ArrayList<>(documents.size());
    for (Segment s : documents) {
      String json = SegmentCodec.serialize(s);
      if (index(s, json, millis) && log != null) {
        entries.add(new DocumentLog.Entry(millis, json));
      }
    }
    if (log != null && !entries.isEmpty()) {
      log.append(entries, now);
    }
    evict(now);
  }

  private boolean index(Segment s, String json, long millis) {
    StoredTrace.Document doc = new StoredTrace.Document(s, json, millis);
    StoredTrace old = traces.get(s.traceId());
    List<StoredTrace.Document> docs;
    long firstReceived;
    if (old == null) {
      docs = new ArrayList<>(1);
      firstReceived = millis;
    } else {
      docs = new ArrayList<>(old.documents());
      firstReceived = old.firstReceivedMillis();
      bytes -= old.bytes();
    }
    boolean replaced = false;
    for (int i = 0; i < docs.size(); i++) {
      Segment existing = docs.get(i).segment();
      if (existing.id().equals(s.id())) {
        if (!isInProgress(existing) && isInProgress(s)) {
          // A late in-progress copy never hides the finished document.
          if (old != null) {
            bytes += old.bytes();
          }
          return false;
        }
        docs.set(i, doc);
        replaced = true;
        break;
      }
    }
    if (!replaced) {
      docs.add(doc);
    }
    long traceBytes = docs.stream().mapToLong(StoredTrace.Document::bytes).sum();
    traces.put(
        s.traceId(), new StoredTrace(s.traceId(), List.copyOf(docs), firstReceived, traceBytes));
    bytes += traceBytes;
    return true;
  }

  static boolean isInProgress(Segment s) {
    return Boolean.TRUE.equals(s.inProgress());
  }

  private void evict(Instant now) {
    long cutoff = now.minus(retention).toEpochMilli();
    long byAge = 0;
    long bySize = 0;
    Iterator<Map.Entry<String, StoredTrace>> it = traces.entrySet().iterator();
    while (it.hasNext()) {
      StoredTrace t = it.next().getValue();
      boolean old = t.firstReceivedMillis() < cutoff;
      if (!old && bytes <= maxBytes) {
        break;
      }
      it.remove();
      bytes -= t.bytes();
      if (old) {
        byAge++;
      } else {
        bySize++;
      }
    }
    if (byAge > 0) {
      evicted.add(byAge, settings.telemetry().attributes("reason", "retention"));
    }
    if (bySize > 0) {
      evicted.add(bySize, settings.telemetry().attributes("reason", "max_bytes"));
    }
  }

  /** The trace {@code id}, if stored. */
  synchronized Optional<StoredTrace> get(String id) {
    evict(clock.instant());
    return Optional.ofNullable(traces.get(id));
  }

  /** Every stored trace, oldest first. */
  synchronized List<StoredTrace> all() {
    evict(clock.instant());
    return List.copyOf(traces.values());
  }

  /** Bytes currently charged. */
  synchronized long bytes() {
    return bytes;
  }

  synchronized void close() {
    if (log != null) {
      try {
        log.close();
      } catch (IOException e) {
        settings.logger().warn("cannot close the document files", e);
      }
    }
  }
}
