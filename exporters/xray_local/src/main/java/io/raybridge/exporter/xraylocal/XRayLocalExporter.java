package io.raybridge.exporter.xraylocal;

import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.raybridge.pipeline.ComponentSettings;
import io.raybridge.pipeline.ConsumerException;
import io.raybridge.pipeline.Exporter;
import io.raybridge.pipeline.Traces;
import io.raybridge.pipeline.config.Endpoints;
import io.raybridge.xray.SpanToSegment;
import io.raybridge.xray.model.Segment;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code xray_local} exporter: converts spans to segment documents with {@link SpanToSegment},
 * keeps them in a {@link TraceStore} and serves the X-Ray API and console over it. {@code consume}
 * stores synchronously (and appends to disk when {@code storage.directory} is set) on the caller's
 * thread.
 */
final class XRayLocalExporter implements Exporter {

  private final ComponentSettings settings;
  private final XRayLocalExporterConfig config;
  private final SpanToSegment translator;
  private final TraceStore store;
  private final XRayApi api;
  private final LongCounter sentSpans;
  private ApiServer server;
  private volatile boolean stopped;

  XRayLocalExporter(ComponentSettings settings, XRayLocalExporterConfig config, int pageSize) {
    this.settings = settings;
    this.config = config;
    this.translator = new SpanToSegment(config.xraySettings());
    String dir = config.storage().directory();
    this.store =
        new TraceStore(
            settings, config.maxBytes(), config.retention(), dir == null ? null : Path.of(dir));
    this.api = new XRayApi(store, settings.clock(), pageSize);
    this.sentSpans =
        settings
            .telemetry()
            .counter("otelcol_exporter_sent_spans", "{spans}", "Spans stored by the exporter.");
  }

  @Override
  public synchronized void start() throws IOException {
    long loaded = store.load();
    InetSocketAddress bind = Endpoints.resolve(config.endpoint());
    XRayLocalExporterConfig.Credentials c = config.auth().credentials();
    server =
        new ApiServer(
            bind,
            api,
            c == null ? null : new RequestAuthenticator(c.accessKeyId(), c.secretAccessKey()),
            settings.logger(),
            settings.threadFactory());
    server.start();
    InetSocketAddress a = server.address();
    settings
        .logger()
        .info(
            "xray_local serving the X-Ray API and console at http://{}:{}/ ({} documents reloaded)",
            a.getHostString(),
            a.getPort(),
            loaded);
  }

  /** The bound address (the real port when {@code endpoint} asked for port 0). */
  synchronized InetSocketAddress address() {
    return server.address();
  }

  TraceStore store() {
    return store;
  }

  @Override
  public void consume(Traces traces) {
    if (stopped) {
      throw ConsumerException.permanent("xray_local exporter is shut down");
    }
    List<Segment> docs = new ArrayList<>();
    for (ResourceSpans rs : traces.resourceSpans()) {
      docs.addAll(translator.toSegments(rs));
    }
    store.put(docs);
    sentSpans.add(traces.spanCount(), settings.telemetry().attributes());
  }

  @Override
  public synchronized void shutdown(Duration timeout) {
    stopped = true;
    if (server != null) {
      server.stop(timeout);
      server = null;
      settings.logger().info("xray_local stopped");
    }
    store.close();
  }
}
