package io.raybridge.exporter.otlp;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.RetryInfo;
import io.grpc.CompressorRegistry;
import io.grpc.DecompressorRegistry;
import io.grpc.KnownLength;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.opentelemetry.proto.collector.trace.v1.ExportTracePartialSuccess;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import io.raybridge.pipeline.ComponentSettings;
import io.raybridge.pipeline.ConsumerException;
import io.raybridge.pipeline.Traces;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/** Sends batches to an OTLP/gRPC server over one channel. */
final class GrpcSender {

  /** Codes the OTLP specification lists as retryable (RESOURCE_EXHAUSTED only with RetryInfo). */
  private static final Set<Status.Code> RETRYABLE =
      Set.of(
          Status.Code.UNAVAILABLE,
          Status.Code.ABORTED,
          Status.Code.CANCELLED,
          Status.Code.DEADLINE_EXCEEDED,
          Status.Code.OUT_OF_RANGE,
          Status.Code.DATA_LOSS);

  /**
   * {@code TraceService/Export} taking a {@link Traces} as the request: its encoding is written
   * straight from the batch, so spans that arrived encoded are sent without being decoded.
   */
  private static final MethodDescriptor<Traces, ExportTraceServiceResponse> EXPORT =
      TraceServiceGrpc.getExportMethod().toBuilder(
              new TracesMarshaller(), TraceServiceGrpc.getExportMethod().getResponseMarshaller())
          .build();

  private final ComponentSettings settings;
  private final OtlpExporterConfig config;
  private final GrpcTarget target;
  private final ExportOutcomes outcomes;
  private volatile ManagedChannel channel;
  private volatile TraceServiceGrpc.TraceServiceBlockingStub stub;

  GrpcSender(ComponentSettings settings, OtlpExporterConfig config) {
    this.settings = settings;
    this.config = config;
    this.target = GrpcTarget.parse(config.endpoint(), config.tls().insecure());
    this.outcomes = new ExportOutcomes(settings, target.toString());
  }

  void start() throws Exception {
    NettyChannelBuilder b = NettyChannelBuilder.forAddress(target.host(), target.port());
    if (target.plaintext()) {
      b.usePlaintext();
    } else {
      b.sslContext(Tls.grpcContext(config.tls())).useTransportSecurity();
      if (config.tls().serverNameOverride() != null) {
        b.overrideAuthority(config.tls().serverNameOverride());
      }
    }
    CompressorRegistry compressors = CompressorRegistry.newEmptyInstance();
    compressors.register(new GzipCodec(config.compressionParams().levelFor(Compression.GZIP)));
    compressors.register(new ZstdCodec(config.compressionParams().levelFor(Compression.ZSTD)));
    b.compressorRegistry(compressors)
        .decompressorRegistry(
            DecompressorRegistry.getDefaultInstance().with(ZstdCodec.INSTANCE, true))
        .userAgent("raybridge");
    KeepaliveConfig ka = config.keepalive();
    if (ka != null) {
      b.keepAliveTime(ka.time().toNanos(), TimeUnit.NANOSECONDS)
          .keepAliveTimeout(ka.timeout().toNanos(), TimeUnit.NANOSECONDS)
          .keepAliveWithoutCalls(ka.permitWithoutStream());
    }
    if (!config.headers().isEmpty()) {
      Metadata md = new Metadata();
      for (Map.Entry<String, String> h : config.headers().entrySet()) {
        md.put(Metadata.Key.of(h.getKey(), Metadata.ASCII_STRING_MARSHALLER), h.getValue());
      }
      b.intercept(MetadataUtils.newAttachHeadersInterceptor(md));
    }
    ManagedChannel ch = b.build();
    TraceServiceGrpc.TraceServiceBlockingStub s = TraceServiceGrpc.newBlockingStub(ch);
    if (config.compression() != Compression.NONE) {
      s = s.withCompression(config.compression().encoding());
    }
    channel = ch;
    stub = s;
    settings
        .logger()
        .info(
            "Exporter {} sends OTLP/gRPC to {} ({}, compression {})",
            settings.id(),
            target,
            target.plaintext() ? "plaintext" : "TLS",
            config.compression().encoding());
  }

  void export(Traces traces, Duration timeout) {
    TraceServiceGrpc.TraceServiceBlockingStub s = stub;
    if (s == null) {
      throw ConsumerException.retryable("exporter " + settings.id() + " is not started");
    }
    if (!timeout.isZero()) {
      s = s.withDeadlineAfter(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }
    ExportTraceServiceResponse response;
    try {
      response = ClientCalls.blockingUnaryCall(s.getChannel(), EXPORT, s.getCallOptions(), traces);
    } catch (StatusRuntimeException e) {
      throw classify(e);
    }
    if (response.hasPartialSuccess()) {
      ExportTracePartialSuccess ps = response.getPartialSuccess();
      outcomes.partialSuccess(ps.getRejectedSpans(), ps.getErrorMessage());
    }
  }

  /** Maps a failed call to a retryable or permanent failure, as the OTLP specification says. */
  ConsumerException classify(StatusRuntimeException e) {
    Status status = e.getStatus();
    Duration retryAfter = retryDelay(e);
    String what =
        "OTLP/gRPC export to "
            + target
            + " failed: "
            + status.getCode()
            + (status.getDescription() == null ? "" : " (" + status.getDescription() + ")");
    boolean retryable =
        RETRYABLE.contains(status.getCode())
            || (status.getCode() == Status.Code.RESOURCE_EXHAUSTED && retryAfter != null);
    if (retryable) {
      return retryAfter == null
          ? ConsumerException.retryable(what, e)
          : ConsumerException.retryable(what, retryAfter);
    }
    return outcomes.permanent(
        status.getCode() + (status.getDescription() == null ? "" : ": " + status.getDescription()));
  }

  /** The delay of a {@code google.rpc.RetryInfo} in the status details, if any. */
  private static Duration retryDelay(StatusRuntimeException e) {
    com.google.rpc.Status details = StatusProto.fromThrowable(e);
    if (details == null) {
      return null;
    }
    for (Any any : details.getDetailsList()) {
      if (any.is(RetryInfo.class)) {
        try {
          com.google.protobuf.Duration d = any.unpack(RetryInfo.class).getRetryDelay();
          return Duration.ofSeconds(d.getSeconds(), d.getNanos());
        } catch (InvalidProtocolBufferException ignored) {
          return null;
        }
      }
    }
    return null;
  }

  void shutdown(Duration timeout) {
    ManagedChannel ch = channel;
    if (ch == null) {
      return;
    }
    // The helper has drained the queue by now: nothing in flight is worth waiting long for.
    ch.shutdown();
    try {
      long waitMillis = Math.max(1, Math.min(timeout.toMillis(), 2_000));
      if (!ch.awaitTermination(waitMillis, TimeUnit.MILLISECONDS)) {
        ch.shutdownNow();
        ch.awaitTermination(500, TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      ch.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  /** Encodes a batch as an export request; the server never sends one back. */
  private static final class TracesMarshaller implements MethodDescriptor.Marshaller<Traces> {
    @Override
    public InputStream stream(Traces traces) {
      return new EncodedRequest(traces.toRequestBytes());
    }

    @Override
    public Traces parse(InputStream stream) {
      throw new UnsupportedOperationException("a client does not parse requests");
    }
  }

  /** The encoded request, with its length known to gRPC so it frames it without copying. */
  private static final class EncodedRequest extends ByteArrayInputStream implements KnownLength {
    EncodedRequest(byte[] bytes) {
      super(bytes);
    }
  }
}
