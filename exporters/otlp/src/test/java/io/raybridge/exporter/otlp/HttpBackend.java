package io.raybridge.exporter.otlp;

import com.github.luben.zstd.Zstd;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.raybridge.pipeline.Traces;
import io.raybridge.pipeline.otlp.OtlpJson;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.zip.GZIPInputStream;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/** An OTLP/HTTP endpoint on loopback (the JDK's HTTP server) with scripted answers. */
final class HttpBackend implements AutoCloseable {

  /** One request as the server saw it; {@code request} is decoded from the body. */
  record Received(
      String method,
      String path,
      Headers headers,
      byte[] rawBody,
      ExportTraceServiceRequest request) {
    String header(String name) {
      return headers.getFirst(name);
    }
  }

  /** What the server answers. */
  record Answer(int status, Map<String, String> headers, byte[] body) {
    static Answer ok() {
      return new Answer(200, Map.of("Content-Type", "application/x-protobuf"), new byte[0]);
    }
  }

  final List<Received> received = new CopyOnWriteArrayList<>();
  volatile Function<Received, Answer> answer = r -> Answer.ok();
  private final HttpServer server;

  HttpBackend(Certificates tls) throws Exception {
    InetSocketAddress address = new InetSocketAddress("127.0.0.1", 0);
    if (tls == null) {
      server = HttpServer.create(address, 0);
    } else {
      HttpsServer https = HttpsServer.create(address, 0);
      KeyManagerFactory kmf = tls.bundle.toKeyManagerFactory();
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(kmf.getKeyManagers(), null, null);
      https.setHttpsConfigurator(new HttpsConfigurator(ctx));
      server = https;
    }
    server.createContext("/", this::handle);
    server.start();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] raw = exchange.getRequestBody().readAllBytes();
      Headers h = exchange.getRequestHeaders();
      ExportTraceServiceRequest request = null;
      try {
        byte[] body = decompress(raw, h.getFirst("Content-Encoding"));
        String ct = String.valueOf(h.getFirst("Content-Type"));
        request =
            ct.contains("json") ? OtlpJson.decode(body) : ExportTraceServiceRequest.parseFrom(body);
      } catch (IOException e) {
        // Left null: the test sees the request could not be decoded.
      }
      Received r =
          new Received(
              exchange.getRequestMethod(), exchange.getRequestURI().getPath(), h, raw, request);
      received.add(r);
      Answer a = answer.apply(r);
      a.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
      exchange.sendResponseHeaders(a.status(), a.body().length == 0 ? -1 : a.body().length);
      if (a.body().length > 0) {
        exchange.getResponseBody().write(a.body());
      }
    }
  }

  static byte[] decompress(byte[] body, String encoding) throws IOException {
    if (encoding == null || encoding.equals("identity")) {
      return body;
    }
    if (encoding.equals("zstd")) {
      return Zstd.decompress(body, (int) Zstd.getFrameContentSize(body));
    }
    if (encoding.equals("gzip")) {
      try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
        return in.readAllBytes();
      }
    }
    throw new IOException("unknown encoding " + encoding);
  }

  int port() {
    return server.getAddress().getPort();
  }

  long spanCount() {
    return received.stream()
        .filter(r -> r.request() != null)
        .mapToLong(r -> Traces.fromRequest(r.request()).spanCount())
        .sum();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
