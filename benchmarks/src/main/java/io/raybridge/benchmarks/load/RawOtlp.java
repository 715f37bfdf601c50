package io.raybridge.benchmarks.load;

import io.grpc.MethodDescriptor;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The OTLP trace export method with request and response as raw bytes, so that neither the load
 * generator nor the sink builds protobuf objects for what it sends or counts.
 */
final class RawOtlp {
  private RawOtlp() {}

  static final String EXPORT_METHOD = "opentelemetry.proto.collector.trace.v1.TraceService/Export";

  /** An empty {@code ExportTraceServiceResponse} (no partial success) encodes to zero bytes. */
  static final byte[] EMPTY_RESPONSE = new byte[0];

  static final MethodDescriptor.Marshaller<byte[]> BYTES =
      new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
          return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
          try {
            return stream.readAllBytes();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
      };

  static final MethodDescriptor<byte[], byte[]> EXPORT =
      MethodDescriptor.<byte[], byte[]>newBuilder()
          .setType(MethodDescriptor.MethodType.UNARY)
          .setFullMethodName(EXPORT_METHOD)
          .setRequestMarshaller(BYTES)
          .setResponseMarshaller(BYTES)
          .build();
}
