package io.raybridge.exporter.otlp;

import com.github.luben.zstd.ZstdInputStream;
import com.github.luben.zstd.ZstdOutputStream;
import io.grpc.Codec;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** The {@code zstd} message encoding for gRPC, which grpc-java does not ship. */
final class ZstdCodec implements Codec {

  static final ZstdCodec INSTANCE = new ZstdCodec(CompressionParams.DEFAULT_ZSTD_LEVEL);

  private final int level;

  ZstdCodec(int level) {
    this.level = level;
  }

  @Override
  public String getMessageEncoding() {
    return "zstd";
  }

  @Override
  public OutputStream compress(OutputStream os) throws IOException {
    return new ZstdOutputStream(os, level);
  }

  @Override
  public InputStream decompress(InputStream is) throws IOException {
    return new ZstdInputStream(is);
  }
}
