package io.raybridge.receiver.otlp;

import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.Codec;
import io.grpc.CompressorRegistry;
import io.grpc.DecompressorRegistry;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContextBuilder;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import io.raybridge.pipeline.config.Endpoints;
import io.raybridge.pipeline.config.TlsServerConfig;
import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

/** OTLP/gRPC: {@code TraceService/Export} on grpc-java's Netty transport. */
final class GrpcServer {

  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  private final OtlpReceiverConfig.GrpcConfig config;
  private final TraceIngest ingest;
  private final BearerToken token;
  private final ExecutorService executor;
  private final DirectMemoryGuard guard;
  private Server server;

  GrpcServer(
      OtlpReceiverConfig.GrpcConfig config,
      TraceIngest ingest,
      BearerToken token,
      ExecutorService executor,
      DirectMemoryGuard guard) {
    this.config = config;
    this.ingest = ingest;
    this.token = token;
    this.executor = executor;
    this.guard = guard;
  }

  /** Binds and starts serving; returns the bound address. */
  InetSocketAddress start() throws IOException {
    NettyServerBuilder b =
        NettyServerBuilder.forAddress(Endpoints.resolve(config.endpoint()))
            .executor(executor)
            .maxInboundMessageSize(config.maxRecvMsgSizeBytes())
            .decompressorRegistry(
                DecompressorRegistry.getDefaultInstance().with(ZstdCodec.INSTANCE, true))
            .compressorRegistry(compressors());
    if (config.maxConcurrentStreams() > 0) {
      b.maxConcurrentCallsPerConnection(config.maxConcurrentStreams());
    }
    applyKeepalive(b, config.keepalive());
    if (config.tls() != null) {
      b.sslContext(sslContext(config.tls()));
    }
    ServerServiceDefinition service = serviceDefinition();
    // The last interceptor runs first: a call is refused for lack of buffers before anything else.
    b.addService(
        token == null
            ? ServerInterceptors.intercept(service, guard)
            : ServerInterceptors.intercept(service, new AuthInterceptor(), guard));
    Server s = b.build();
    try {
      s.start();
    } catch (IOException e) {
      throw OtlpReceiver.bindFailure("gRPC", config.endpoint(), e);
    }
    server = s;
    return (InetSocketAddress) s.getListenSockets().get(0);
  }

  /** Stops accepting calls and waits for the ones in flight, up to {@code timeout}. */
  void shutdown(Duration timeout) throws InterruptedException {
    if (server == null) {
      return;
    }
    server.shutdown();
    if (!server.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      server.shutdownNow();
    }
  }

  private static CompressorRegistry compressors() {
    CompressorRegistry registry = CompressorRegistry.newEmptyInstance();
    registry.register(new Codec.Gzip());
    registry.register(ZstdCodec.INSTANCE);
    return registry;
  }

  private static void applyKeepalive(NettyServerBuilder b, OtlpReceiverConfig.Keepalive k) {
    if (k == null) {
      return;
    }
    OtlpReceiverConfig.ServerParameters sp = k.serverParameters();
    if (sp != null) {
      if (sp.maxConnectionIdle() != null) {
        b.maxConnectionIdle(sp.maxConnectionIdle().toNanos(), TimeUnit.NANOSECONDS);
      }
      if (sp.maxConnectionAge() != null) {
        b.maxConnectionAge(sp.maxConnectionAge().toNanos(), TimeUnit.NANOSECONDS);
      }
      if (sp.maxConnectionAgeGrace() != null) {
        b.maxConnectionAgeGrace(sp.maxConnectionAgeGrace().toNanos(), TimeUnit.NANOSECONDS);
      }
      if (sp.time() != null) {
        b.keepAliveTime(sp.time().toNanos(), TimeUnit.NANOSECONDS);
      }
      if (sp.timeout() != null) {
        b.keepAliveTimeout(sp.timeout().toNanos(), TimeUnit.NANOSECONDS);
      }
    }
    OtlpReceiverConfig.EnforcementPolicy ep = k.enforcementPolicy();
    if (ep != null) {
      if (ep.minTime() != null) {
        b.permitKeepAliveTime(ep.minTime().toNanos(), TimeUnit.NANOSECONDS);
      }
      b.permitKeepAliveWithoutCalls(ep.permitWithoutStream());
    }
  }

  private static io.netty.handler.ssl.SslContext sslContext(TlsServerConfig tls)
      throws IOException {
    SslContextBuilder b =
        GrpcSslContexts.forServer(new File(tls.certFile()), new File(tls.keyFile()))
            .protocols(tls.protocols());
    if (tls.requiresClientAuth()) {
      b.trustManager(tls.clientCaPath().orElseThrow().toFile()).clientAuth(ClientAuth.REQUIRE);
    }
    return b.build();
  }

  /**
   * {@code TraceService/Export}, taking the request as bytes and parsing it here: a message that
   * does not parse then gets {@code INVALID_ARGUMENT} with the reason, as OTLP asks, where
   * grpc-java's own parsing would answer {@code UNKNOWN}.
   */
  private ServerServiceDefinition serviceDefinition() {
    MethodDescriptor<ExportTraceServiceRequest, ExportTraceServiceResponse> export =
        TraceServiceGrpc.getExportMethod();
    MethodDescriptor<byte[], ExportTraceServiceResponse> raw =
        export.toBuilder(new BytesMarshaller(), export.getResponseMarshaller()).build();
    return ServerServiceDefinition.builder(TraceServiceGrpc.SERVICE_NAME)
        .addMethod(raw, ServerCalls.asyncUnaryCall(this::export))
        .build();
  }

  /** Passes message bytes through; gRPC has already bounded them by max_recv_msg_size_mib. */
  private static final class BytesMarshaller implements MethodDescriptor.Marshaller<byte[]> {
    @Override
    public InputStream stream(byte[] value) {
      return new ByteArrayInputStream(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
      try {
        return stream.readAllBytes();
      } catch (IOException e) {
        throw Status.INTERNAL
            .withDescription("cannot read request")
            .withCause(e)
            .asRuntimeException();
      }
    }
  }

  private void export(byte[] bytes, StreamObserver<ExportTraceServiceResponse> responseObserver) {
    TraceIngest.Outcome outcome;
    try {
      outcome = ingest.exportEncoded(bytes);
    } catch (InvalidProtocolBufferException e) {
      responseObserver.onError(
          Status.INVALID_ARGUMENT
              .withDescription("malformed request: " + e.getMessage())
              .asRuntimeException());
      return;
    }
    if (outcome instanceof TraceIngest.Accepted accepted) {
      responseObserver.onNext(accepted.toResponse());
      responseObserver.onCompleted();
    } else if (outcome instanceof TraceIngest.Refused refused) {
      Status status = refused.error().isRetryable() ? Status.UNAVAILABLE : Status.INVALID_ARGUMENT;
      responseObserver.onError(
          status.withDescription(refused.error().getMessage()).asRuntimeException());
    }
  }

  private final class AuthInterceptor implements ServerInterceptor {
    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(
        ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
      if (!token.matches(headers.get(AUTHORIZATION))) {
        call.close(
            Status.UNAUTHENTICATED.withDescription("missing or invalid bearer token"),
            new Metadata());
        return new ServerCall.Listener<>() {};
      }
      return next.startCall(call, headers);
    }
  }
}
