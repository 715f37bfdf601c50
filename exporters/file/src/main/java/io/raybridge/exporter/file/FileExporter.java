package io.raybridge.exporter.file;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.raybridge.pipeline.ComponentSettings;
import io.raybridge.pipeline.ConsumerException;
import io.raybridge.pipeline.Traces;
import io.raybridge.pipeline.util.RateLimitedLogger;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Writes batches to one file, or with {@code group_by} to one file per attribute value. Its {@link
 * #export} is the export function of an exporter built by the exporter helper, so a failed write
 * goes back to the sending queue and is retried.
 */
final class FileExporter {

  static final String WRITE_ERRORS_METRIC = "raybridge_exporter_file_write_errors";
  static final String UNGROUPED_SPANS_METRIC = "raybridge_exporter_file_ungrouped_spans";

  private final ComponentSettings settings;
  private final FileExporterConfig config;
  private final RecordEncoder encoder;
  private final RateLimitedLogger rateLimited;
  private final Attributes attributes;
  private final LongCounter writeErrors;
  private final LongCounter ungroupedSpans;
  private final Object lock = new Object();

  /** Open files by path, least recently written first; bounded by {@code max_open_files}. */
  private final LinkedHashMap<Path, OutputFile> open = new LinkedHashMap<>(16, 0.75f, true);

  private OutputFile single;
  private Path groupDir;
  private String groupPrefix;
  private String groupSuffix;
  private ScheduledExecutorService flusher;

  FileExporter(ComponentSettings settings, FileExporterConfig config) {
    this.settings = settings;
    this.config = config;
    this.encoder = new RecordEncoder(config.format());
    this.rateLimited = RateLimitedLogger.of(settings.logger());
    this.attributes = settings.telemetry().attributes();
    this.writeErrors =
        settings
            .telemetry()
            .counter(
                WRITE_ERRORS_METRIC,
                "{errors}",
                "Failed writes to the output file; the batch is retried from the sending queue.");
    this.ungroupedSpans =
        settings
            .telemetry()
            .counter(
                UNGROUPED_SPANS_METRIC,
                "{spans}",
                "Spans dropped by group_by: the resource attribute is missing or names a path"
                    + " outside the directory.");
  }

  void start() throws IOException {
    if (config.groupBy().enabled()) {
      int star = config.path().indexOf('*');
      groupPrefix = config.path().substring(0, star);
      groupSuffix = config.path().substring(star + 1);
      Path prefixPath = Path.of(groupPrefix + "x").toAbsolutePath().normalize();
      groupDir = prefixPath.getParent();
      try {
        Files.createDirectories(groupDir);
      } catch (IOException e) {
        throw unusable(groupDir.toString(), e);
      }
      if (!Files.isWritable(groupDir)) {
        throw new IOException(
            "file exporter cannot write to directory '"
                + groupDir
                + "' of path '"
                + config.path()
                + "': permission denied");
      }
    } else {
      single =
          new OutputFile(
              Path.of(config.path()),
              config.compression(),
              config.rotation(),
              config.append(),
              settings.clock());
      try {
        single.open();
      } catch (IOException e) {
        throw unusable(config.path(), e);
      }
    }
    if (!config.flushInterval().isZero()) {
      flusher = Executors.newSingleThreadScheduledExecutor(settings.threadFactory());
      long every = config.flushInterval().toNanos();
      flusher.scheduleWithFixedDelay(this::flushQuietly, every, every, TimeUnit.NANOSECONDS);
    }
    settings
        .logger()
        .info(
            "Exporter {} writes {} to {}{}",
            settings.id(),
            config.format().name().toLowerCase(java.util.Locale.ROOT),
            config.path(),
            config.compression() == FileExporterConfig.FileCompression.NONE
                ? ""
                : " (" + config.compression().name().toLowerCase(java.util.Locale.ROOT) + ")");
  }

  private static IOException unusable(String path, IOException e) {
    String reason =
        e instanceof java.nio.file.AccessDeniedException
            ? "permission denied"
            : e instanceof java.nio.file.FileSystemException fse && fse.getReason() != null
                ? fse.getReason()
                : e.toString();
    return new IOException("file exporter cannot write to path '" + path + "': " + reason, e);
  }

  /** Writes {@code traces}; a failed write is retryable (disk full, file removed, ...). */
  void export(Traces traces, Duration timeout) {
    synchronized (lock) {
      if (!config.groupBy().enabled()) {
        write(single, encoder.encode(traces));
      } else {
        for (Map.Entry<Path, List<ResourceSpans>> g : group(traces).entrySet()) {
          write(file(g.getKey()), encoder.encode(g.getValue()));
        }
      }
    }
  }

  private void write(OutputFile file, RecordEncoder.Record record) {
    if (record == null) {
      return;
    }
    try {
      file.write(record.bytes(), record.length());
      if (config.flushInterval().isZero()) {
        file.flush();
      }
    } catch (IOException e) {
      file.abandon();
      writeErrors.add(1, attributes);
      rateLimited.warn(
          "write-failed",
          "Exporter {} cannot write to {}, the batch will be retried: {}",
          settings.id(),
          file.path(),
          e.toString());
      throw ConsumerException.retryable("cannot write to " + file.path() + ": " + e, e);
    }
  }

  /** Resource spans by the file their attribute names; the others are counted and dropped. */
  private Map<Path, List<ResourceSpans>> group(Traces traces) {
    Map<Path, List<ResourceSpans>> groups = new LinkedHashMap<>();
    String key = config.groupBy().resourceAttribute();
    for (ResourceSpans rs : traces.resourceSpans()) {
      String value = attribute(rs, key);
      Path target = value == null ? null : groupPath(value);
      if (target == null) {
        int spans = 0;
        for (ScopeSpans ss : rs.getScopeSpansList()) {
          spans += ss.getSpansCount();
        }
        ungroupedSpans.add(spans, attributes);
        rateLimited.warn(
            "ungrouped",
            "Exporter {} dropped {} spans: resource attribute {} is {}",
            settings.id(),
            spans,
            key,
            value == null ? "missing" : "'" + value + "', which names a path outside " + groupDir);
        continue;
      }
      groups.computeIfAbsent(target, p -> new ArrayList<>()).add(rs);
    }
    return groups;
  }

  private static String attribute(ResourceSpans rs, String key) {
    for (KeyValue kv : rs.getResource().getAttributesList()) {
      if (kv.getKey().equals(key)) {
        AnyValue v = kv.getValue();
        String s =
            switch (v.getValueCase()) {
              case STRING_VALUE -> v.getStringValue();
              case INT_VALUE -> Long.toString(v.getIntValue());
              case BOOL_VALUE -> Boolean.toString(v.getBoolValue());
              case DOUBLE_VALUE -> Double.toString(v.getDoubleValue());
              default -> null;
            };
        return s == null || s.isEmpty() ? null : s;
      }
    }
    return null;
  }

  /**
   * The file for an attribute value, or null when the value would lead outside the directory of the
   * path's prefix ({@code ..}, an absolute path) or is not a usable file name.
   */
  Path groupPath(String value) {
    if (value.indexOf('\0') >= 0 || value.startsWith("/") || value.startsWith("\\")) {
      return null;
    }
    for (String segment : value.split("[/\\\\]")) {
      if (segment.equals("..")) {
        return null;
      }
    }
    Path p;
    try {
      p = Path.of(groupPrefix + value + groupSuffix).toAbsolutePath().normalize();
    } catch (InvalidPathException e) {
      return null;
    }
    return p.startsWith(groupDir) && !p.equals(groupDir) ? p : null;
  }

  private OutputFile file(Path path) {
    OutputFile f = open.get(path);
    if (f == null) {
      // Rotation does not apply to grouped files, as in the Collector; each is appended to.
      f = new OutputFile(path, config.compression(), null, true, settings.clock());
      open.put(path, f);
      Iterator<OutputFile> lru = open.values().iterator();
      while (open.size() > config.groupBy().maxOpenFiles() && lru.hasNext()) {
        OutputFile oldest = lru.next();
        lru.remove();
        closeQuietly(oldest);
      }
    }
    return f;
  }

  private void flushQuietly() {
    synchronized (lock) {
      flushAll();
    }
  }

  private void flushAll() {
    for (OutputFile f : files()) {
      try {
        f.flush();
      } catch (IOException e) {
        f.abandon();
        writeErrors.add(1, attributes);
        rateLimited.warn(
            "flush-failed",
            "Exporter {} cannot flush {}: {}",
            settings.id(),
            f.path(),
            e.toString());
      }
    }
  }

  private List<OutputFile> files() {
    List<OutputFile> all = new ArrayList<>(open.values());
    if (single != null) {
      all.add(single);
    }
    return all;
  }

  private void closeQuietly(OutputFile f) {
    try {
      f.close();
    } catch (IOException e) {
      writeErrors.add(1, attributes);
      settings.logger().warn("Exporter {} cannot close {}", settings.id(), f.path(), e);
    }
  }

  void shutdown() {
    if (flusher != null) {
      flusher.shutdownNow();
    }
    synchronized (lock) {
      for (OutputFile f : files()) {
        closeQuietly(f);
      }
      open.clear();
    }
  }
}
