package io.raybridge.runtime.telemetry;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import io.raybridge.pipeline.config.Endpoints;
import io.raybridge.pipeline.util.HttpServers;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * A small HTTP server for the collector's own endpoints: Prometheus metrics at {@code /metrics} and
 * health at {@code /}. Served on one daemon thread; these endpoints are scraped, not hammered.
 */
public final class TelemetryServer implements AutoCloseable {

  /** A health answer: the HTTP status and the JSON body. */
  public record Health(boolean healthy, String json) {}

  private final HttpServer server;
  private final ExecutorService executor;

  private TelemetryServer(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /** Serves Prometheus text at {@code /metrics} on {@code address}. */
  public static TelemetryServer metrics(String address, SelfTelemetry telemetry)
      throws IOException {
    return start(
        "metrics",
        address,
        "/metrics",
        exchange -> {
          if (!"GET".equals(exchange.getRequestMethod())) {
            respond(exchange, 405, "text/plain", "method not allowed\n");
            return;
          }
          ByteArrayOutputStream buf = new ByteArrayOutputStream(8192);
          telemetry.writePrometheus(buf);
          respond(exchange, 200, telemetry.contentType(), buf.toByteArray());
        });
  }

  /** Serves health at {@code /}: 200 when healthy, 503 otherwise, with a JSON body. */
  public static TelemetryServer health(String address, Supplier<Health> health) throws IOException {
    return start(
        "health",
        address,
        "/",
        exchange -> {
          if (!"/".equals(exchange.getRequestURI().getPath())) {
            respond(exchange, 404, "text/plain", "not found\n");
            return;
          }
          Health h = health.get();
          respond(exchange, h.healthy() ? 200 : 503, "application/json", h.json());
        });
  }

  private static TelemetryServer start(
      String what, String address, String path, HttpHandler handler) throws IOException {
    InetSocketAddress bind = Endpoints.resolve(address);
    HttpServer server;
    try {
      server = HttpServers.create(bind, 16);
    } catch (BindException e) {
      throw new IOException(
          "cannot serve " + what + " on " + address + ": address already in use", e);
    }
    server.createContext(
        path,
        exchange -> {
          try (exchange) {
            handler.handle(exchange);
          } catch (IOException | UncheckedIOException e) {
            // The scraper went away; nothing to do.
          }
        });
    ExecutorService executor =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "raybridge-telemetry-" + what);
              t.setDaemon(true);
              return t;
            });
    server.setExecutor(executor);
    server.start();
    return new TelemetryServer(server, executor);
  }

  private static void respond(HttpExchange exchange, int status, String type, String body)
      throws IOException {
    respond(exchange, status, type, body.getBytes(StandardCharsets.UTF_8));
  }

  private static void respond(HttpExchange exchange, int status, String type, byte[] body)
      throws IOException {
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.sendResponseHeaders(status, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  /** The bound port (useful when the configured port is 0). */
  public int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
