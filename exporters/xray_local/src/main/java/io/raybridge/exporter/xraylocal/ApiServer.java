package io.raybridge.exporter.xraylocal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.raybridge.pipeline.util.HttpServers;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;

/**
 * The HTTP side of {@code xray_local}: the X-Ray API (every operation is a POST with a JSON body,
 * errors in AWS's {@code rest-json} shape with the {@code x-amzn-ErrorType} header) and the console
 * (static files from the classpath). Served by the JDK's HTTP server on a small bounded pool; when
 * the pool and its queue are full the accepting thread runs the request itself, which slows
 * accepting down instead of dropping connections.
 */
final class ApiServer {

  /** Request bodies above this are refused (PutTraceSegments of many 64 KB documents fits). */
  static final int MAX_BODY_BYTES = 16 * 1024 * 1024;

  static final String CONSOLE_ROOT = "io/raybridge/exporter/xraylocal/console/";
  static final String WEBJARS_ROOT = "META-INF/resources/webjars/";

  private static final Map<String, String> CONTENT_TYPES =
      Map.of(
          "html", "text/html; charset=utf-8",
          "js", "text/javascript; charset=utf-8",
          "mjs", "text/javascript; charset=utf-8",
          "css", "text/css; charset=utf-8",
          "svg", "image/svg+xml",
          "json", "application/json",
          "png", "image/png",
          "ico", "image/x-icon",
          "map", "application/json",
          "woff2", "font/woff2");

  private final XRayApi api;
  private final RequestAuthenticator authenticator;
  private final Logger logger;
  private final HttpServer server;
  private final ThreadPoolExecutor executor;

  ApiServer(
      InetSocketAddress address,
      XRayApi api,
      RequestAuthenticator authenticator,
      Logger logger,
      ThreadFactory threads)
      throws IOException {
    this.api = api;
    this.authenticator = authenticator;
    this.logger = logger;
    this.server = HttpServers.create(address, 64);
    this.executor =
        new ThreadPoolExecutor(
            4,
            4,
            30,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(64),
            threads,
            new ThreadPoolExecutor.CallerRunsPolicy());
    server.setExecutor(executor);
    server.createContext("/", this::handle);
  }

  void start() {
    server.start();
  }

  InetSocketAddress address() {
    return server.getAddress();
  }

  void stop(Duration timeout) {
    server.stop(0);
    executor.shutdown();
    try {
      executor.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    executor.shutdownNow();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String method = exchange.getRequestMethod();
      String path = exchange.getRequestURI().getPath();
      if (method.equals("GET") || method.equals("HEAD")) {
        serveStatic(exchange, path);
      } else if (method.equals("POST")) {
        serveApi(exchange, path);
      } else {
        sendError(exchange, new ApiException(405, "MethodNotAllowed", "Method not allowed"));
      }
    } catch (RuntimeException e) {
      logger.warn("request failed", e);
    }
  }

  private void serveApi(HttpExchange exchange, String path) throws IOException {
    byte[] body;
    try (InputStream in = exchange.getRequestBody()) {
      body = in.readNBytes(MAX_BODY_BYTES + 1);
    }
    try {
      if (body.length > MAX_BODY_BYTES) {
        throw new ApiException(
            413, "InvalidRequestException", "Request body exceeds " + MAX_BODY_BYTES + " bytes");
      }
      if (authenticator != null) {
        Map<String, List<String>> headers = new HashMap<>();
        exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), v));
        String raw = exchange.getRequestURI().getRawPath();
        String query = exchange.getRequestURI().getRawQuery();
        authenticator.verify("POST", query == null ? raw : raw + "?" + query, headers, body);
      }
      JsonNode request;
      try {
        request =
            body.length == 0 ? XRayApi.MAPPER.createObjectNode() : XRayApi.MAPPER.readTree(body);
      } catch (IOException e) {
        throw new ApiException(400, "SerializationException", "Request body is not valid JSON");
      }
      if (request == null || !request.isObject()) {
        throw new ApiException(400, "SerializationException", "Request body must be a JSON object");
      }
      JsonNode response = api.handle(path, request);
      send(exchange, 200, "application/json", XRayApi.MAPPER.writeValueAsBytes(response), null);
    } catch (ApiException e) {
      sendError(exchange, e);
    } catch (RuntimeException e) {
      logger.warn("API request {} failed", path, e);
      sendError(exchange, new ApiException(500, "InternalFailure", "Internal failure: " + e));
    }
  }

  private void serveStatic(HttpExchange exchange, String path) throws IOException {
    String resource;
    if (path.equals("/") || path.equals("/index.html")) {
      resource = CONSOLE_ROOT + "index.html";
    } else if (path.startsWith("/console/")) {
      resource = CONSOLE_ROOT + path.substring("/console/".length());
    } else if (path.startsWith("/webjars/")) {
      resource = WEBJARS_ROOT + path.substring("/webjars/".length());
    } else {
      resource = null;
    }
    byte[] bytes = null;
    if (resource != null && !resource.contains("..") && !resource.endsWith("/")) {
      try (InputStream in = ApiServer.class.getClassLoader().getResourceAsStream(resource)) {
        if (in != null) {
          bytes = in.readAllBytes();
        }
      }
    }
    if (bytes == null) {
      send(
          exchange,
          404,
          "text/plain; charset=utf-8",
          ("Not found: " + path).getBytes(StandardCharsets.UTF_8),
          null);
      return;
    }
    int dot = resource.lastIndexOf('.');
    String ext = dot < 0 ? "" : resource.substring(dot + 1).toLowerCase(Locale.ROOT);
    exchange.getResponseHeaders().set("Cache-Control", "no-cache");
    send(
        exchange,
        200,
        CONTENT_TYPES.getOrDefault(ext, "application/octet-stream"),
        exchange.getRequestMethod().equals("HEAD") ? null : bytes,
        null);
  }

  private static void sendError(HttpExchange exchange, ApiException e) throws IOException {
    ObjectNode body = XRayApi.MAPPER.createObjectNode();
    body.put("__type", e.type()).put("message", e.getMessage());
    send(
        exchange, e.status(), "application/json", XRayApi.MAPPER.writeValueAsBytes(body), e.type());
  }

  private static void send(
      HttpExchange exchange, int status, String contentType, byte[] body, String errorType)
      throws IOException {
    var h = exchange.getResponseHeaders();
    h.set("Content-Type", contentType);
    h.set("x-amzn-RequestId", UUID.randomUUID().toString());
    if (errorType != null) {
      h.set("x-amzn-ErrorType", errorType);
    }
    if (body == null) {
      exchange.sendResponseHeaders(status, -1);
      return;
    }
    exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }
}
