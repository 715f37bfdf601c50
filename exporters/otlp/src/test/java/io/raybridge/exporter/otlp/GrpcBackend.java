package io.raybridge.exporter.otlp;

import io.grpc.Contexts;
import io.grpc.DecompressorRegistry;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import io.raybridge.pipeline.Traces;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/** An OTLP/gRPC server on loopback built from the generated stubs, with scripted answers. */
final class GrpcBackend implements AutoCloseable {

  /** Metadata of one call, as the server saw it. */
  record Call(Metadata headers, ExportTraceServiceRequest request) {
    String header(String name) {
      return headers.get(Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER));
    }
  }

  final List<Call> calls = new CopyOnWriteArrayList<>();
  private final Server server;

  /** Answers every call with {@code answer} (return a response, or throw a status). */
  volatile Function<ExportTraceServiceRequest, ExportTraceServiceResponse> answer =
      r -> ExportTraceServiceResponse.getDefaultInstance();

  private static final io.grpc.Context.Key<Metadata> HEADERS = io.grpc.Context.key("headers");

  GrpcBackend(Certificates tls) throws Exception {
    TraceServiceGrpc.TraceServiceImplBase service =
        new TraceServiceGrpc.TraceServiceImplBase() {
          @Override
          public void export(
              ExportTraceServiceRequest request,
              StreamObserver<ExportTraceServiceResponse> observer) {
            calls.add(new Call(HEADERS.get(), request));
            ExportTraceServiceResponse response;
            try {
              response = answer.apply(request);
            } catch (StatusRuntimeException e) {
              observer.onError(e);
              return;
            }
            observer.onNext(response);
            observer.onCompleted();
          }
        };
    ServerInterceptor captureHeaders =
        new ServerInterceptor() {
          @Override
          public <Q, R> ServerCall.Listener<Q> interceptCall(
              ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
            return Contexts.interceptCall(
                io.grpc.Context.current().withValue(HEADERS, headers), call, headers, next);
          }
        };
    NettyServerBuilder b =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
            .decompressorRegistry(
                DecompressorRegistry.getDefaultInstance().with(ZstdCodec.INSTANCE, true))
            .addService(ServerInterceptors.intercept(service, captureHeaders));
    if (tls != null) {
      b.sslContext(GrpcSslContexts.forServer(tls.certFile, tls.keyFile).build());
    }
    server = b.build().start();
  }

  int port() {
    return server.getPort();
  }

  long spanCount() {
    return calls.stream().mapToLong(c -> Traces.fromRequest(c.request()).spanCount()).sum();
  }

  @Override
  public void close() {
    server.shutdownNow();
    try {
      server.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
