package io.raybridge.exporter.awsxray;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.raybridge.pipeline.Traces;
import io.raybridge.testing.TestTelemetry;
import io.raybridge.testing.TraceGenerator;
import io.raybridge.testing.xray.FakeXRayApi;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code proxy_address}: every call goes through an HTTP forward proxy on loopback, which relays it
 * to the fake X-Ray API unchanged, so the signature the fake checks is the one the exporter made.
 */
class AwsXRayExporterProxyTest {

  /** Headers the relaying connection sets itself or that only concern the hop to the proxy. */
  private static final Set<String> HOP_HEADERS =
      Set.of("host", "content-length", "connection", "proxy-connection", "keep-alive");

  private final TestTelemetry telemetry = new TestTelemetry();
  private final ConcurrentLinkedQueue<String> proxied = new ConcurrentLinkedQueue<>();
  private FakeXRayApi api;
  private HttpServer proxy;
  private AwsXRayExporter exporter;

  @BeforeEach
  void startBackends() throws IOException {
    api = FakeXRayApi.start();
    proxy = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    proxy.createContext("/", this::relay);
    proxy.start();
  }

  @AfterEach
  void stop() {
    if (exporter != null) {
      exporter.shutdown(Duration.ofSeconds(5));
    }
    proxy.stop(0);
    api.close();
  }

  /** A forward proxy's work: the request line holds the absolute URI to call. */
  private void relay(HttpExchange exchange) throws IOException {
    URI target = exchange.getRequestURI();
    proxied.add(exchange.getRequestMethod() + " " + target);
    HttpURLConnection c = (HttpURLConnection) target.toURL().openConnection(Proxy.NO_PROXY);
    c.setRequestMethod(exchange.getRequestMethod());
    for (Map.Entry<String, List<String>> h : exchange.getRequestHeaders().entrySet()) {
      if (!HOP_HEADERS.contains(h.getKey().toLowerCase(Locale.ROOT))) {
        for (String v : h.getValue()) {
          c.addRequestProperty(h.getKey(), v);
        }
      }
    }
    byte[] body;
    try (InputStream in = exchange.getRequestBody()) {
      body = in.readAllBytes();
    }
    if (body.length > 0) {
      c.setDoOutput(true);
      try (OutputStream out = c.getOutputStream()) {
        out.write(body);
      }
    }
    int status = c.getResponseCode();
    InputStream answer = status < 400 ? c.getInputStream() : c.getErrorStream();
    byte[] reply = answer == null ? new byte[0] : answer.readAllBytes();
    String type = c.getHeaderField("Content-Type");
    if (type != null) {
      exchange.getResponseHeaders().add("Content-Type", type);
    }
    exchange.sendResponseHeaders(status, reply.length == 0 ? -1 : reply.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(reply);
    }
  }

  @Test
  void callsGoThroughTheConfiguredProxy() throws Exception {
    exporter =
        XRayExporterFixture.exporter(
            api,
            telemetry,
            "proxy_address: http://127.0.0.1:"
                + proxy.getAddress().getPort()
                + "\nsending_queue: {enabled: false}\n");
    exporter.start();
    Traces traces = TraceGenerator.seeded(7).traces(60).spansPerTrace(1).generate();

    exporter.consume(traces);

    assertThat(api.requestErrors()).isEmpty();
    assertThat(api.documents()).hasSize(60);
    assertThat(proxied)
        .hasSize(2)
        .allSatisfy(
            line -> assertThat(line).isEqualTo("POST " + api.endpoint() + "/TraceSegments"));
  }
}
