package io.raybridge.pipeline.exporter;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.raybridge.pipeline.config.Violations;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * {@code sending_queue.storage}: keeps an exporter's sending queue on disk, in a write-ahead log
 * under {@code directory}, so that queued batches survive a crash or restart and are sent after the
 * next start.
 *
 * <p>Each exporter uses its own sub-directory named after its id ({@code otlp/backup} → {@code
 * <directory>/otlp-backup}), so several exporters may share one {@code directory}; a lock file
 * stops a second process from using the same exporter's sub-directory at the same time.
 *
 * @param directory where the log lives; required, created if absent
 * @param maxSizeMib bound in MiB on the log's segment files on disk (default 1024); must be >= 1.
 *     With storage the queue holds only a small index in memory, so {@code
 *     sending_queue.max_size_mib} does not apply
 */
public record StorageConfig(
    @JsonProperty("directory") String directory, @JsonProperty("max_size_mib") Integer maxSizeMib) {

  public static final int DEFAULT_MAX_SIZE_MIB = 1024;

  /** Fills in defaults for absent ({@code null}) values and validates the result. */
  public StorageConfig {
    maxSizeMib = maxSizeMib == null ? DEFAULT_MAX_SIZE_MIB : maxSizeMib;
    Violations v = new Violations();
    if (directory == null || directory.isBlank()) {
      v.add("directory", "must be set to the directory that holds the queue");
    } else {
      try {
        Path.of(directory);
      } catch (InvalidPathException e) {
        v.add("directory", "is not a valid path (" + e.getReason() + "), was " + directory);
      }
    }
    v.check(maxSizeMib >= 1, "max_size_mib", "must be >= 1, was " + maxSizeMib);
    v.throwIfAny();
  }

  /** {@code directory} as a path. */
  public Path path() {
    return Path.of(directory);
  }

  /** The byte bound. */
  public long maxSizeBytes() {
    return (long) maxSizeMib * 1024 * 1024;
  }
}
