package io.raybridge.receiver.otlp;

import io.raybridge.pipeline.ComponentSettings;
import io.raybridge.pipeline.Receiver;
import io.raybridge.pipeline.TracesConsumer;
import io.raybridge.pipeline.receiver.ReceiverObservability;
import io.raybridge.pipeline.util.RateLimitedLogger;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;

/** The {@code otlp} receiver: OTLP/gRPC and OTLP/HTTP servers feeding one consumer. */
final class OtlpReceiver implements Receiver {

  /** Threads that run the pipeline for each protocol; requests beyond them wait or are refused. */
  private static final int WORKERS = Math.max(4, 2 * Runtime.getRuntime().availableProcessors());

  /** HTTP requests that may wait for a worker before the receiver answers 503. */
  private static final int HTTP_QUEUE = WORKERS * 8;

  private final ComponentSettings settings;
  private final OtlpReceiverConfig config;
  private final TracesConsumer next;
  private final Logger log;
  private GrpcServer grpc;
  private HttpServer http;
  private ExecutorService grpcExecutor;
  private InetSocketAddress grpcAddress;
  private InetSocketAddress httpAddress;
  private boolean shutDown;

  OtlpReceiver(ComponentSettings settings, OtlpReceiverConfig config, TracesConsumer next) {
    this.settings = settings;
    this.config = config;
    this.next = next;
    this.log = settings.logger();
  }

  /** The direct memory guard of the gRPC server; set by tests before {@link #start()}. */
  private DirectMemoryGuard guard;

  synchronized void directMemoryGuard(DirectMemoryGuard guard) {
    this.guard = guard;
  }

  @Override
  public synchronized void start() throws IOException {
    BearerToken token = config.auth() == null ? null : new BearerToken(config.auth().bearerToken());
    OtlpReceiverConfig.Protocols protocols = config.protocols();
    if (protocols.grpc() != null) {
      // gRPC queues calls itself, bounded by flow control and max_concurrent_streams.
      grpcExecutor =
          new ThreadPoolExecutor(
              WORKERS,
              WORKERS,
              0,
              TimeUnit.MILLISECONDS,
              new LinkedBlockingQueue<>(),
              settings.threadFactory());
      grpc =
          new GrpcServer(
              protocols.grpc(),
              new TraceIngest(next, ReceiverObservability.create(settings, "grpc")),
              token,
              grpcExecutor,
              guard != null
                  ? guard
                  : DirectMemoryGuard.forThisJvm(RateLimitedLogger.of(settings.logger())));
      grpcAddress = grpc.start();
    }
    if (protocols.http() != null) {
      ExecutorService httpExecutor =
          new ThreadPoolExecutor(
              WORKERS,
              WORKERS,
              0,
              TimeUnit.MILLISECONDS,
              new ArrayBlockingQueue<>(HTTP_QUEUE),
              settings.threadFactory());
      http =
          new HttpServer(
              protocols.http(),
              new TraceIngest(next, ReceiverObservability.create(settings, "http")),
              token,
              httpExecutor,
              settings.threadFactory());
      httpAddress = http.start();
    }
    log.info(
        "otlp receiver {} started: gRPC {}, HTTP {}",
        settings.id(),
        grpcAddress == null ? "off" : endpoint(grpcAddress, "", protocols.grpc().tls() != null),
        httpAddress == null
            ? "off"
            : endpoint(
                httpAddress, protocols.http().tracesUrlPath(), protocols.http().tls() != null));
  }

  @Override
  public synchronized void shutdown(Duration timeout) {
    if (shutDown) {
      return;
    }
    shutDown = true;
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      if (http != null) {
        http.shutdown(remaining(deadline));
      }
      if (grpc != null) {
        grpc.shutdown(remaining(deadline));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      if (grpcExecutor != null) {
        grpcExecutor.shutdownNow();
      }
    }
    log.info("otlp receiver {} stopped", settings.id());
  }

  /** The bound gRPC port, or -1 when gRPC is not served. */
  int boundGrpcPort() {
    return grpcAddress == null ? -1 : grpcAddress.getPort();
  }

  /** The bound HTTP port, or -1 when HTTP is not served. */
  int boundHttpPort() {
    return httpAddress == null ? -1 : httpAddress.getPort();
  }

  /** The exception start() throws when an endpoint cannot be bound, in the user's terms. */
  static IOException bindFailure(String protocol, String endpoint, Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof BindException) {
        return new IOException(
            "otlp receiver: cannot bind "
                + protocol
                + " endpoint "
                + endpoint
                + ": address already in use",
            e);
      }
    }
    return new IOException(
        "otlp receiver: cannot bind " + protocol + " endpoint " + endpoint + ": " + e.getMessage(),
        e);
  }

  private static Duration remaining(long deadline) {
    return Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
  }

  private static String endpoint(InetSocketAddress address, String path, boolean tls) {
    String text = address.getHostString() + ":" + address.getPort() + path;
    return tls ? text + " (TLS)" : text;
  }
}
