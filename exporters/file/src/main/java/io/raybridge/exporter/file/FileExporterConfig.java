package io.raybridge.exporter.file;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.raybridge.pipeline.config.Violations;
import io.raybridge.pipeline.exporter.QueueConfig;
import io.raybridge.pipeline.exporter.RetryConfig;
import io.raybridge.pipeline.util.Durations;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Configuration of the {@code file} exporter, with the OpenTelemetry Collector's keys and defaults
 * plus the {@code xray_json} format and gzip compression.
 *
 * @param path the file to write (default {@code raybridge-traces.json}); with {@code group_by}, a
 *     pattern with exactly one {@code *}
 * @param format {@code otlp_json} (default; the Collector's {@code json} is accepted), {@code
 *     otlp_proto} (or {@code proto}) or {@code xray_json}
 * @param compression {@code none} (default), {@code gzip} or {@code zstd}: the whole file is one
 *     compressed stream, readable with {@code zcat} / {@code zstdcat}
 * @param rotation size-based rotation; none when absent
 * @param flushInterval how often buffered data is flushed to the file (default 1s); 0 flushes after
 *     every batch
 * @param append whether to keep an existing file's content (default false: it is truncated at
 *     start); not with {@code rotation} or {@code compression}
 * @param groupBy writing to one file per value of a resource attribute
 * @param sendingQueue the sending queue, which absorbs and retries failed writes
 * @param retryOnFailure the retry policy for failed writes
 */
public record FileExporterConfig(
    @JsonProperty("path") String path,
    @JsonProperty("format") Format format,
    @JsonProperty("compression") FileCompression compression,
    @JsonProperty("rotation") RotationConfig rotation,
    @JsonProperty("flush_interval") Duration flushInterval,
    @JsonProperty("append") Boolean append,
    @JsonProperty("group_by") GroupByConfig groupBy,
    @JsonProperty("sending_queue") QueueConfig sendingQueue,
    @JsonProperty("retry_on_failure") RetryConfig retryOnFailure) {

  public static final String DEFAULT_PATH = "raybridge-traces.json";
  public static final Duration DEFAULT_FLUSH_INTERVAL = Duration.ofSeconds(1);

  /** What each record of the file is. */
  public enum Format {
    /** One OTLP/JSON {@code ExportTraceServiceRequest} per line (hex ids, integer enums). */
    @JsonProperty("otlp_json")
    OTLP_JSON,
    /** Length-delimited binary {@code ExportTraceServiceRequest}s (varint length, then bytes). */
    @JsonProperty("otlp_proto")
    OTLP_PROTO,
    /** One X-Ray segment document per line, as the X-Ray API and daemon take them. */
    @JsonProperty("xray_json")
    XRAY_JSON,
    /** The Collector's name for {@code otlp_json}; bound as {@code otlp_json}. */
    @JsonProperty("json")
    JSON,
    /** The Collector's name for {@code otlp_proto}; bound as {@code otlp_proto}. */
    @JsonProperty("proto")
    PROTO
  }

  /** How the file is compressed. */
  public enum FileCompression {
    @JsonProperty("none")
    NONE,
    @JsonProperty("gzip")
    GZIP,
    @JsonProperty("zstd")
    ZSTD
  }

  public FileExporterConfig {
    path = path == null || path.isBlank() ? DEFAULT_PATH : path;
    format =
        format == null || format == Format.JSON
            ? Format.OTLP_JSON
            : format == Format.PROTO ? Format.OTLP_PROTO : format;
    compression = compression == null ? FileCompression.NONE : compression;
    flushInterval = flushInterval == null ? DEFAULT_FLUSH_INTERVAL : flushInterval;
    append = append != null && append;
    groupBy = groupBy == null ? GroupByConfig.defaults() : groupBy;
    sendingQueue = sendingQueue == null ? QueueConfig.defaults() : sendingQueue;
    retryOnFailure = retryOnFailure == null ? RetryConfig.defaults() : retryOnFailure;
    Violations v = new Violations();
    try {
      Path.of(path.replace('*', '_'));
    } catch (InvalidPathException e) {
      v.add("path", "is not a valid path: '" + path + "' (" + e.getReason() + ")");
    }
    v.check(
        !flushInterval.isNegative(),
        "flush_interval",
        "must be >= 0, was " + Durations.format(flushInterval));
    v.check(
        !(append && compression != FileCompression.NONE),
        "append",
        "append and compression ("
            + compression.name().toLowerCase(java.util.Locale.ROOT)
            + ") cannot be combined");
    v.check(!(append && rotation != null), "append", "append and rotation cannot be combined");
    if (groupBy.enabled()) {
      long stars = path.chars().filter(c -> c == '*').count();
      v.check(
          stars == 1,
          "path",
          "must contain exactly one * when group_by is enabled, was '" + path + "'");
      v.check(!path.startsWith("*"), "path", "must not start with * when group_by is enabled");
    }
    v.throwIfAny();
  }

  /** Every key at its default. */
  public static FileExporterConfig defaults() {
    return new FileExporterConfig(null, null, null, null, null, null, null, null, null);
  }

  /**
   * {@code rotation}: lumberjack-style rotation. When a write would take the file past {@code
   * max_megabytes}, it is renamed to {@code <name>-<yyyy-MM-ddTHH-mm-ss.SSS><ext>} and a new file
   * started; the oldest backups beyond {@code max_backups}, and those older than {@code max_days},
   * are deleted.
   *
   * @param maxMegabytes the size limit of a file in MiB, before compression (default 100)
   * @param maxDays how many days to keep backups, by the time in their name; 0 (default) keeps them
   *     regardless of age
   * @param maxBackups how many backups to keep (default 100); 0 keeps all
   * @param localtime whether backup names use local time instead of UTC (default false)
   */
  public record RotationConfig(
      @JsonProperty("max_megabytes") Integer maxMegabytes,
      @JsonProperty("max_days") Integer maxDays,
      @JsonProperty("max_backups") Integer maxBackups,
      @JsonProperty("localtime") Boolean localtime) {

    public static final int DEFAULT_MAX_MEGABYTES = 100;
    public static final int DEFAULT_MAX_BACKUPS = 100;

    public RotationConfig {
      maxMegabytes = maxMegabytes == null ? DEFAULT_MAX_MEGABYTES : maxMegabytes;
      maxDays = maxDays == null ? 0 : maxDays;
      maxBackups = maxBackups == null ? DEFAULT_MAX_BACKUPS : maxBackups;
      localtime = localtime != null && localtime;
      new Violations()
          .check(maxMegabytes >= 1, "max_megabytes", "must be >= 1, was " + maxMegabytes)
          .check(maxDays >= 0, "max_days", "must be >= 0, was " + maxDays)
          .check(maxBackups >= 0, "max_backups", "must be >= 0, was " + maxBackups)
          .throwIfAny();
    }

    long maxBytes() {
      return maxMegabytes * 1024L * 1024L;
    }
  }

  /**
   * {@code group_by}: one file per value of a resource attribute, which replaces the {@code *} of
   * {@code path}. Rotation does not apply.
   *
   * @param enabled whether to group (default false)
   * @param resourceAttribute the attribute (default {@code fileexporter.path_segment})
   * @param maxOpenFiles how many files stay open at once (default 100); the least recently written
   *     is closed first
   */
  public record GroupByConfig(
      @JsonProperty("enabled") Boolean enabled,
      @JsonProperty("resource_attribute") String resourceAttribute,
      @JsonProperty("max_open_files") Integer maxOpenFiles) {

    public static final String DEFAULT_RESOURCE_ATTRIBUTE = "fileexporter.path_segment";
    public static final int DEFAULT_MAX_OPEN_FILES = 100;

    public GroupByConfig {
      enabled = enabled != null && enabled;
      resourceAttribute =
          resourceAttribute == null || resourceAttribute.isBlank()
              ? DEFAULT_RESOURCE_ATTRIBUTE
              : resourceAttribute;
      maxOpenFiles = maxOpenFiles == null ? DEFAULT_MAX_OPEN_FILES : maxOpenFiles;
      new Violations()
          .check(maxOpenFiles >= 1, "max_open_files", "must be >= 1, was " + maxOpenFiles)
          .throwIfAny();
    }

    static GroupByConfig defaults() {
      return new GroupByConfig(null, null, null);
    }
  }
}
