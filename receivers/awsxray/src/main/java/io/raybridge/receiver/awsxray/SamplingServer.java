package io.raybridge.receiver.awsxray;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.raybridge.pipeline.ComponentSettings;
import io.raybridge.pipeline.config.Endpoints;
import io.raybridge.pipeline.util.HttpServers;
import io.raybridge.pipeline.util.RateLimitedLogger;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;

/**
 * The TCP sampling endpoint: a small HTTP/1.1 server (the JDK's; sampling calls come a few times a
 * minute per client) that routes the two calls X-Ray SDKs and OpenTelemetry's X-Ray remote sampler
 * make, {@code POST /GetSamplingRules} and {@code POST /SamplingTargets} (the same paths as the
 * X-Ray API), to the local rules or the signing proxy. Other paths are 404, other methods 405,
 * bodies that are not a JSON object 400, each with a JSON message.
 */
final class SamplingServer {

  static final String GET_SAMPLING_RULES = "/GetSamplingRules";
  static final String SAMPLING_TARGETS = "/SamplingTargets";
  private static final Set<String> PATHS = Set.of(GET_SAMPLING_RULES, SAMPLING_TARGETS);

  /** Sampling calls are small; anything bigger is not one. */
  static final int MAX_BODY_BYTES = 1024 * 1024;

  private static final int THREADS = 2;

  private final ComponentSettings settings;
  private final Logger logger;
  private final String endpointText;
  private final LocalSampling local;
  private final SigningProxy proxy;
  private final RateLimitedLogger errorLog;
  private HttpServer server;
  private ExecutorService executor;

  /** Exactly one of {@code local} and {@code proxy} is non-null. */
  SamplingServer(
      ComponentSettings settings, String endpoint, LocalSampling local, SigningProxy proxy) {
    this.settings = settings;
    this.logger = settings.logger();
    this.endpointText = endpoint;
    this.local = local;
    this.proxy = proxy;
    this.errorLog = RateLimitedLogger.of(logger);
  }

  synchronized void start() throws IOException {
    InetSocketAddress address = Endpoints.resolve(endpointText);
    try {
      server = HttpServers.create(address, 0);
    } catch (BindException e) {
      throw new IOException(
          "cannot listen on TCP " + endpointText + " for sampling calls: " + e.getMessage(), e);
    }
    executor = Executors.newFixedThreadPool(THREADS, settings.threadFactory());
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
    logger.info(
        "awsxray receiver serving sampling calls ({} mode) on TCP {}",
        local != null ? "local" : "proxy",
        boundAddress());
  }

  InetSocketAddress boundAddress() {
    return server.getAddress();
  }

  synchronized void shutdown(Duration timeout) {
    if (server == null) {
      return;
    }
    server.stop(0);
    executor.shutdown();
    try {
      if (!executor.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        executor.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      executor.shutdownNow();
    }
    server = null;
    logger.info("awsxray receiver stopped serving sampling calls on TCP {}", endpointText);
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      HttpReply reply;
      try {
        reply = route(exchange);
      } catch (IOException | RuntimeException e) {
        errorLog.warn("sampling-error", "a sampling call failed", e);
        reply = HttpReply.error(500, "InternalFailure", "internal error: " + e.getMessage());
      }
      exchange.getResponseHeaders().set("Content-Type", reply.contentType());
      if (reply.errorType() != null) {
        exchange.getResponseHeaders().set("x-amzn-ErrorType", reply.errorType());
      }
      if (reply.status() == 405) {
        exchange.getResponseHeaders().set("Allow", "POST");
      }
      exchange.sendResponseHeaders(
          reply.status(), reply.body().length == 0 ? -1 : reply.body().length);
      if (reply.body().length > 0) {
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(reply.body());
        }
      }
    }
  }

  private HttpReply route(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath();
    if (!PATHS.contains(path)) {
      return HttpReply.error(
          404,
          "UnknownOperationException",
          "unknown path "
              + path
              + "; the sampling endpoint serves POST "
              + GET_SAMPLING_RULES
              + " and POST "
              + SAMPLING_TARGETS);
    }
    if (!"POST".equals(exchange.getRequestMethod())) {
      return HttpReply.error(
          405,
          "MethodNotAllowedException",
          exchange.getRequestMethod() + " is not allowed on " + path + "; use POST");
    }
    byte[] body = readBody(exchange.getRequestBody());
    if (body == null) {
      return HttpReply.error(
          413,
          "RequestEntityTooLargeException",
          "request body exceeds " + MAX_BODY_BYTES + " bytes");
    }
    if (local != null) {
      return path.equals(GET_SAMPLING_RULES)
          ? local.getSamplingRules(body)
          : local.samplingTargets(body);
    }
    Optional<HttpReply> bad = LocalSampling.requireObject(body, true);
    if (bad.isPresent()) {
      return bad.get();
    }
    return proxy.forward(path, exchange.getRequestHeaders().getFirst("Content-Type"), body);
  }

  /** The body, or null when it is larger than {@link #MAX_BODY_BYTES}. */
  private static byte[] readBody(InputStream in) throws IOException {
    byte[] body = in.readNBytes(MAX_BODY_BYTES + 1);
    return body.length > MAX_BODY_BYTES ? null : body;
  }
}
