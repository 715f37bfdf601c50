package io.raybridge.exporter.otlp;

import com.github.luben.zstd.Zstd;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.zip.GZIPOutputStream;

/** Compression of HTTP request bodies. */
final class Bodies {

  private Bodies() {}

  static byte[] compress(byte[] body, Compression compression, int level) {
    return switch (compression) {
      case NONE -> body;
      case ZSTD -> Zstd.compress(body, level);
      case GZIP -> gzip(body, level);
    };
  }

  private static byte[] gzip(byte[] body, int level) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, body.length / 4));
    try (GZIPOutputStream gz = new GzipCodec.Leveled(out, level)) {
      gz.write(body);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // cannot happen in memory
    }
    return out.toByteArray();
  }
}
