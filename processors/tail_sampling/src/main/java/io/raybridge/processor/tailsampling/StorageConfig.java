package io.raybridge.processor.tailsampling;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.raybridge.pipeline.config.Violations;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * {@code tail_sampling.storage}: keeps the buffered spans and the decision cache in a journal on
 * disk, so that a restart (or a crash) loses neither.
 *
 * <p>Each processor uses its own sub-directory named after its id ({@code tail_sampling/edge} →
 * {@code <directory>/tail_sampling-edge}), so several processors may share one {@code directory}; a
 * lock file stops a second process from using the same sub-directory at the same time.
 *
 * @param directory where the journal lives; required, created if absent
 * @param maxSizeMib bound in MiB on the journal file (default 1024, at most 2048): it is compacted
 *     to the live state when it grows past half of this
 */
public record StorageConfig(
    @JsonProperty("directory") String directory, @JsonProperty("max_size_mib") Integer maxSizeMib) {

  public static final int DEFAULT_MAX_SIZE_MIB = 1024;

  /** The journal is read whole at start, so it must stay well below 2 GiB. */
  static final int MAX_MAX_SIZE_MIB = 2048;

  /** Fills in defaults for absent ({@code null}) values and validates the result. */
  public StorageConfig {
    maxSizeMib = maxSizeMib == null ? DEFAULT_MAX_SIZE_MIB : maxSizeMib;
    Violations v = new Violations();
    if (directory == null || directory.isBlank()) {
      v.add("directory", "must be set to the directory that holds the journal");
    } else {
      try {
        Path.of(directory);
      } catch (InvalidPathException e) {
        v.add("directory", "is not a valid path (" + e.getReason() + "), was " + directory);
      }
    }
    v.check(
        maxSizeMib >= 1 && maxSizeMib <= MAX_MAX_SIZE_MIB,
        "max_size_mib",
        "must be between 1 and " + MAX_MAX_SIZE_MIB + ", was " + maxSizeMib);
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
