package io.raybridge.exporter.otlp;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.raybridge.pipeline.config.Violations;

/**
 * {@code compression_params}, as in the Collector's client settings: the compression level.
 *
 * @param level for {@code gzip} 1 (fastest) to 9 (smallest) or -1 (zlib's default, 6); for {@code
 *     zstd} 1 to 22; absent for the default ({@link #DEFAULT_GZIP_LEVEL} for gzip, {@link
 *     #DEFAULT_ZSTD_LEVEL} for zstd)
 */
public record CompressionParams(@JsonProperty("level") Integer level) {

  /**
   * gzip's default here: the fastest level. On the benchmark datasets it compresses as well as
   * level 6 on small spans and within 7 % on the realistic mix, in about a third of the CPU (see
   * the exporter's README).
   */
  public static final int DEFAULT_GZIP_LEVEL = 1;

  /** zstd's own default level. */
  public static final int DEFAULT_ZSTD_LEVEL = 3;

  /** No level given: the default of whichever compression is chosen. */
  public static CompressionParams defaults() {
    return new CompressionParams(null);
  }

  /** The level to use with {@code compression}. */
  int levelFor(Compression compression) {
    return switch (compression) {
      case GZIP -> level == null ? DEFAULT_GZIP_LEVEL : level;
      case ZSTD -> level == null ? DEFAULT_ZSTD_LEVEL : level;
      case NONE -> 0;
    };
  }

  /** Reports a level {@code compression} does not have. */
  void validate(Violations v, Compression compression) {
    if (level == null) {
      return;
    }
    switch (compression) {
      case GZIP ->
          v.check(
              level == -1 || (level >= 1 && level <= 9),
              "compression_params.level",
              "gzip levels are 1 (fastest) to 9 (smallest) or -1 (zlib's default), was " + level);
      case ZSTD ->
          v.check(
              level >= 1 && level <= 22,
              "compression_params.level",
              "zstd levels are 1 to 22, was " + level);
      case NONE ->
          v.add("compression_params.level", "a level needs a compression; compression is none");
    }
  }
}
