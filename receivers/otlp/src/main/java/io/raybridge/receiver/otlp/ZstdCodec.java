package io.raybridge.receiver.otlp;

import com.github.luben.zstd.ZstdInputStream;
import com.github.luben.zstd.ZstdOutputStream;
import io.grpc.Codec;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The {@code zstd} gRPC message encoding, which grpc-java does not ship but OTLP senders (the
 * OpenTelemetry Collector, Raybridge's own exporter) offer.
 */
final class ZstdCodec implements Codec {

  static final ZstdCodec INSTANCE = new ZstdCodec();

  private ZstdCodec() {}

  @Override
  public String getMessageEncoding() {
    return "zstd";
  }

  @Override
  public OutputStream compress(OutputStream os) throws IOException {
    return new ZstdOutputStream(os);
  }

  @Override
  public InputStream decompress(InputStream is) throws IOException {
    return new ZstdInputStream(is);
  }
}
