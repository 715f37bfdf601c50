package io.raybridge.exporter.otlp;

import io.grpc.Codec;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * The {@code gzip} message encoding for gRPC at a chosen level; grpc-java's own codec always uses
 * zlib's default level.
 */
final class GzipCodec implements Codec {

  private final int level;

  GzipCodec(int level) {
    this.level = level;
  }

  @Override
  public String getMessageEncoding() {
    return "gzip";
  }

  @Override
  public OutputStream compress(OutputStream os) throws IOException {
    return new Leveled(os, level);
  }

  @Override
  public InputStream decompress(InputStream is) throws IOException {
    return new GZIPInputStream(is);
  }

  /** A gzip stream whose deflater runs at {@code level}. */
  static final class Leveled extends GZIPOutputStream {
    Leveled(OutputStream out, int level) throws IOException {
      super(out, 8192);
      def.setLevel(level);
    }
  }
}
