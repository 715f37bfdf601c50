package io.raybridge.exporter.otlp;

import com.github.luben.zstd.Zstd;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.zip.GZIPOutputStream;

/** Compression of HTTP request bodies. */
final class Bodies {

  private Bodies() {}

  static byte[] compress(byte[] body, Compression compression) {
    return switch (compression) {
      case NONE -> body;
      case ZSTD -> Zstd.compress(body);
      case GZIP -> gzip(body);
    };
  }

  private static byte[] gzip(byte[] body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, body.length / 4));
    try (GZIPOutputStream gz = new GZIPOutputStream(out, 8192)) {
      gz.write(body);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // cannot happen in memory
    }
    return out.toByteArray();
  }
}
