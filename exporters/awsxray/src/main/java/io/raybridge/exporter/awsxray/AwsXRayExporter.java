package io.raybridge.exporter.awsxray;

import com.google.protobuf.ByteString;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.ObservableDoubleGauge;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.raybridge.pipeline.ComponentSettings;
import io.raybridge.pipeline.ConsumerException;
import io.raybridge.pipeline.Exporter;
import io.raybridge.pipeline.Traces;
import io.raybridge.pipeline.exporter.ExporterHelper;
import io.raybridge.pipeline.util.RateLimitedLogger;
import io.raybridge.xray.SegmentCodec;
import io.raybridge.xray.SegmentValidator;
import io.raybridge.xray.SpanToSegment;
import io.raybridge.xray.model.Segment;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

/**
 * The {@code awsxray} exporter: spans → segment documents ({@link SpanToSegment}) →
 * PutTraceSegments in calls of at most 50 documents ({@link TraceSegmentsClient}).
 *
 * <p><b>Resumable batches.</b> The exporter helper retries a failed batch by calling {@link
 * #export} again with the same {@link Traces} object. The documents of a batch that were not yet
 * accepted (throttled or failed calls, retryable {@code UnprocessedTraceSegments}) are remembered
 * per batch object, so that a retry converts nothing again and sends only those documents: X-Ray
 * never receives a document twice from one batch. Documents X-Ray rejects for good are counted by
 * error code and never retried.
 *
 * <p><b>Throttling.</b> Throttled calls and 5xx answers are retryable; throttling also halves the
 * call-rate budget of {@link AdaptiveRateLimiter}, which then grows back additively.
 */
final class AwsXRayExporter implements Exporter {

  static final int MAX_DOCUMENTS_PER_CALL = 50;

  /** Bound on remembered partly-sent batches; the helper retries only a few at a time. */
  private static final int MAX_PENDING = 4096;

  private final ComponentSettings settings;
  private final AwsXRayExporterConfig config;
  private final AwsCredentialsProvider credentials;
  private final Logger log;
  private final RateLimitedLogger rateLimited;
  private final SpanToSegment translator;
  private final boolean forwardsDocuments;
  private final AdaptiveRateLimiter limiter;
  private final Exporter helper;
  private final XRayTelemetry telemetry;
  private final Attributes attributes;
  private final LongCounter sentSegments;
  private final LongCounter unprocessedSegments;
  private final LongCounter rejectedSegments;
  private final LongCounter throttledCalls;
  private final LongCounter backendErrors;
  private final Map<Traces, Pending> pending = new IdentityHashMap<>();
  private final AtomicLong pendingSequence = new AtomicLong();
  private ObservableDoubleGauge budgetGauge;
  private volatile XRayClients.Opened clients;

  /**
   * A document (UTF-8 JSON) and its segment id (null when the document has none). A forwarded
   * document's id is read from its JSON only when asked for: only answers that list unprocessed
   * documents and refused calls need it.
   */
  static final class Doc {
    final byte[] json;
    private String id;
    private boolean idRead;

    Doc(String id, byte[] json) {
      this.json = json;
      this.id = id;
      this.idRead = true;
    }

    /** A document forwarded as it was received; its id is read on first use. */
    static Doc forwarded(byte[] json) {
      Doc d = new Doc(null, json);
      d.idRead = false;
      return d;
    }

    byte[] json() {
      return json;
    }

    String id() {
      if (!idRead) {
        id = SegmentCodec.documentId(json);
        idRead = true;
      }
      return id;
    }
  }

  /** What is left to send of a batch, and whether any of it was delivered. */
  private record Pending(List<Doc> docs, boolean deliveredAny, long sequence) {}

  AwsXRayExporter(
      ComponentSettings settings,
      AwsXRayExporterConfig config,
      AwsCredentialsProvider credentials) {
    this.settings = settings;
    this.config = config;
    this.credentials = credentials;
    this.log = settings.logger();
    this.rateLimited =
        new RateLimitedLogger(log, RateLimitedLogger.DEFAULT_INTERVAL, settings.clock());
    this.translator = new SpanToSegment(config.xraySettings());
    this.forwardsDocuments = config.xraySettings().reproducesDocuments();
    this.limiter = new AdaptiveRateLimiter(config.rateLimit(), System::nanoTime);
    this.attributes = settings.telemetry().attributes();
    var t = settings.telemetry();
    this.sentSegments =
        t.counter(
            "raybridge_exporter_xray_sent_segments",
            "{documents}",
            "Segment documents X-Ray accepted.");
    this.unprocessedSegments =
        t.counter(
            "raybridge_exporter_xray_unprocessed_segments",
            "{documents}",
            "Segment documents returned in UnprocessedTraceSegments, by error_code.");
    this.rejectedSegments =
        t.counter(
            "raybridge_exporter_xray_rejected_segments",
            "{documents}",
            "Segment documents rejected for good and dropped, by error_code.");
    this.throttledCalls =
        t.counter(
            "raybridge_exporter_xray_throttled_calls",
            "{calls}",
            "PutTraceSegments calls X-Ray answered with throttling.");
    this.backendErrors =
        t.counter(
            "raybridge_exporter_xray_backend_errors",
            "{calls}",
            "PutTraceSegments calls that failed, by kind (timeout, connection_refused, http_4xx,"
                + " http_5xx, unknown_host, other).");
    this.telemetry = new XRayTelemetry(settings, config, () -> clients);
    this.helper =
        ExporterHelper.builder(settings, this::export)
            .timeout(config.timeout())
            .retry(config.retryOnFailure())
            .queue(config.sendingQueue())
            .onStart(this::open)
            .onShutdown(this::close)
            .build();
  }

  @Override
  public void start() throws Exception {
    helper.start();
  }

  @Override
  public void consume(Traces traces) {
    if (traces.isEmpty()) {
      return;
    }
    telemetry.received(traces.spanCount());
    try {
      helper.consume(traces);
    } catch (ConsumerException e) {
      if (e.isRetryable() && config.sendingQueue().enabled()) {
        telemetry.spillover(traces.spanCount());
      }
      throw e;
    }
  }

  @Override
  public void shutdown(Duration timeout) {
    helper.shutdown(timeout);
  }

  private void open() {
    XRayClients.Opened opened = XRayClients.open(config, credentials, settings.threadFactory());
    clients = opened;
    budgetGauge =
        settings
            .telemetry()
            .meter()
            .gaugeBuilder("raybridge_exporter_xray_rate_budget")
            .setUnit("{calls}/s")
            .setDescription(
                "PutTraceSegments calls per second currently allowed (absent: no limit).")
            .buildWithCallback(
                m -> {
                  double b = limiter.budget();
                  if (!Double.isInfinite(b)) {
                    m.record(b, attributes);
                  }
                });
    telemetry.start();
    log.info(
        "awsxray exporter {} sending to {} in region {}",
        settings.id(),
        config.endpoint() != null ? config.endpoint() : "the X-Ray regional endpoint",
        XRayClients.region(config));
  }

  private void close(Duration timeLeft) {
    telemetry.stop();
    if (budgetGauge != null) {
      budgetGauge.close();
    }
    synchronized (pending) {
      pending.clear();
    }
    XRayClients.Opened c = clients;
    if (c != null) {
      c.close();
    }
  }

  // ------------------------------------------------------------------------------------------
  // Export

  /** The export function the helper calls; see the class comment for the retry contract. */
  void export(Traces traces, Duration timeout) {
    long deadline =
        System.nanoTime() + (timeout.isZero() ? config.requestTimeout() : timeout).toNanos();
    Pending previous;
    synchronized (pending) {
      previous = pending.remove(traces);
    }
    List<Doc> docs = previous != null ? previous.docs() : translate(traces);
    boolean deliveredAny = previous != null && previous.deliveredAny();
    if (docs.isEmpty()) {
      return;
    }
    TraceSegmentsClient client = clients.segments();
    List<Doc> remaining = new ArrayList<>();
    ConsumerException failure = null;
    int rejected = 0;
    for (int from = 0; from < docs.size(); from += MAX_DOCUMENTS_PER_CALL) {
      List<Doc> chunk = docs.subList(from, Math.min(docs.size(), from + MAX_DOCUMENTS_PER_CALL));
      if (failure != null) {
        remaining.addAll(chunk);
        continue;
      }
      long left = deadline - System.nanoTime();
      try {
        if (left <= 0 || !limiter.acquire(Duration.ofNanos(left))) {
          failure =
              ConsumerException.retryable(
                  "X-Ray call budget of "
                      + String.format(Locale.ROOT, "%.1f", limiter.budget())
                      + " calls/s leaves no slot within the timeout");
          remaining.addAll(chunk);
          continue;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        failure =
            ConsumerException.retryable("interrupted while waiting for the X-Ray call budget");
        remaining.addAll(chunk);
        continue;
      }
      Outcome outcome = call(client, chunk);
      deliveredAny |= outcome.accepted() > 0;
      rejected += outcome.rejected();
      remaining.addAll(outcome.retry());
      if (outcome.failure() != null) {
        failure = outcome.failure();
      }
    }
    if (!remaining.isEmpty()) {
      remember(traces, new Pending(List.copyOf(remaining), deliveredAny, 0));
      throw failure != null
          ? failure
          : ConsumerException.retryable(
              remaining.size() + " segment documents were not processed by X-Ray; retrying them");
    }
    if (!deliveredAny && rejected > 0) {
      throw ConsumerException.permanent(
          "X-Ray rejected all " + rejected + " segment documents of the batch");
    }
  }

  private void remember(Traces traces, Pending p) {
    synchronized (pending) {
      pending.put(
          traces, new Pending(p.docs(), p.deliveredAny(), pendingSequence.incrementAndGet()));
      if (pending.size() > MAX_PENDING) {
        // The helper gave up on some batch without telling us; forget the oldest.
        Iterator<Map.Entry<Traces, Pending>> it = pending.entrySet().iterator();
        Map.Entry<Traces, Pending> oldest = null;
        while (it.hasNext()) {
          Map.Entry<Traces, Pending> e = it.next();
          if (oldest == null || e.getValue().sequence() < oldest.getValue().sequence()) {
            oldest = e;
          }
        }
        pending.remove(oldest.getKey());
      }
    }
  }

  /** The result of one PutTraceSegments call. */
  private record Outcome(int accepted, int rejected, List<Doc> retry, ConsumerException failure) {}

  private Outcome call(TraceSegmentsClient client, List<Doc> chunk) {
    List<byte[]> bodies = new ArrayList<>(chunk.size());
    for (Doc d : chunk) {
      bodies.add(d.json());
    }
    List<TraceSegmentsClient.Unprocessed> unprocessed;
    try {
      TraceSegmentsClient.Answer answer = client.put(bodies);
      if (answer instanceof TraceSegmentsClient.Refused refused) {
        return serviceFailure(chunk, refused);
      }
      unprocessed = ((TraceSegmentsClient.Processed) answer).unprocessed();
    } catch (IOException | RuntimeException e) {
      // I/O errors, timeouts, credentials that cannot be resolved, unreadable answers: the call
      // may be repeated.
      String kind = clientErrorKind(e);
      backendErrors.add(1, settings.telemetry().attributes("kind", kind));
      telemetry.backendError(kind);
      return new Outcome(
          0,
          0,
          chunk,
          ConsumerException.retryable(
              "PutTraceSegments failed (" + kind + "): " + e.getMessage(), e));
    }
    limiter.onSuccess();
    if (unprocessed.isEmpty()) {
      sentSegments.add(chunk.size(), attributes);
      telemetry.sent(chunk.size());
      return new Outcome(chunk.size(), 0, List.of(), null);
    }
    Map<String, List<Doc>> byId = new HashMap<>();
    for (Doc d : chunk) {
      if (d.id() != null) {
        byId.computeIfAbsent(d.id(), k -> new ArrayList<>()).add(d);
      }
    }
    List<Doc> retry = new ArrayList<>();
    Map<String, List<String>> rejectedIds = new HashMap<>();
    int notAccepted = 0;
    boolean throttled = false;
    for (TraceSegmentsClient.Unprocessed u : unprocessed) {
      String code = u.errorCode() == null ? "Unknown" : u.errorCode();
      unprocessedSegments.add(1, settings.telemetry().attributes("error_code", code));
      List<Doc> matching = u.id() == null ? null : byId.remove(u.id());
      if (matching == null) {
        // No way to tell which document it was: counted, and nothing is resent twice.
        rejectedSegments.add(1, settings.telemetry().attributes("error_code", code));
        rejectedIds.computeIfAbsent(code, k -> new ArrayList<>()).add(String.valueOf(u.id()));
        notAccepted++;
        continue;
      }
      notAccepted += matching.size();
      if (isPermanent(code)) {
        rejectedSegments.add(matching.size(), settings.telemetry().attributes("error_code", code));
        rejectedIds.computeIfAbsent(code, k -> new ArrayList<>()).add(u.id());
      } else {
        throttled |= isThrottling(code);
        retry.addAll(matching);
      }
    }
    if (throttled) {
      limiter.onThrottle();
    }
    int rejected = notAccepted - retry.size();
    int accepted = Math.max(0, chunk.size() - notAccepted);
    sentSegments.add(accepted, attributes);
    telemetry.sent(accepted);
    telemetry.rejected(rejected);
    rejectedIds.forEach(
        (code, ids) ->
            rateLimited.warn(
                "rejected-" + code,
                "X-Ray rejected {} segment documents with {}; ids {}",
                ids.size(),
                code,
                ids.size() > 20 ? ids.subList(0, 20) + "..." : ids));
    return new Outcome(accepted, rejected, retry, null);
  }

  private Outcome serviceFailure(List<Doc> chunk, TraceSegmentsClient.Refused e) {
    int status = e.status();
    String code = e.errorCode();
    String kind = status >= 500 ? "http_5xx" : "http_4xx";
    backendErrors.add(1, settings.telemetry().attributes("kind", kind));
    telemetry.backendError(kind);
    if (e.throttling() || isThrottling(code)) {
      throttledCalls.add(1, attributes);
      limiter.onThrottle();
      return new Outcome(
          0,
          0,
          chunk,
          ConsumerException.retryable("X-Ray throttled PutTraceSegments (" + code + ")"));
    }
    if (status >= 500 || status == 408) {
      return new Outcome(
          0,
          0,
          chunk,
          ConsumerException.retryable(
              "X-Ray answered " + status + " " + code + ": " + e.message()));
    }
    rejectedSegments.add(chunk.size(), settings.telemetry().attributes("error_code", code));
    telemetry.rejected(chunk.size());
    List<String> ids = new ArrayList<>();
    for (Doc d : chunk) {
      ids.add(d.id());
    }
    rateLimited.warn(
        "rejected-call-" + code,
        "X-Ray rejected a PutTraceSegments call of {} documents with {} {}: {}; ids {}",
        chunk.size(),
        status,
        code,
        e.message(),
        ids);
    return new Outcome(0, chunk.size(), List.of(), null);
  }

  /** Error codes of documents that will never be accepted; everything else is retried. */
  static boolean isPermanent(String code) {
    return code.startsWith("Invalid") || code.equals("SegmentTooLarge");
  }

  static boolean isThrottling(String code) {
    String c = code.toLowerCase(Locale.ROOT);
    return c.contains("throttl") || c.contains("ratelimit") || c.contains("toomanyrequests");
  }

  private static String clientErrorKind(Exception e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof TraceSegmentsClient.CallTimeoutException) {
        return "timeout";
      }
      if (t instanceof java.net.ConnectException) {
        return "connection_refused";
      }
      if (t instanceof java.net.UnknownHostException) {
        return "unknown_host";
      }
      if (t instanceof java.net.SocketTimeoutException
          || t instanceof java.net.http.HttpTimeoutException) {
        return "timeout";
      }
    }
    return "other";
  }

  private List<Doc> translate(Traces traces) {
    List<Doc> out = new ArrayList<>(traces.spanCount());
    List<ByteString> sources =
        forwardsDocuments ? traces.sourceDocuments(SegmentCodec.DOCUMENT_FORMAT) : null;
    // Spans the receiver still holds only as their documents are built only where converted.
    for (int i = 0; i < traces.resourceCount(); i++) {
      ByteString source = sources == null ? null : sources.get(i);
      if (source != null && source.size() <= SegmentValidator.MAX_DOCUMENT_BYTES) {
        // Read from this document by the awsxray receiver and unchanged since: converting the
        // spans back would give the same document. The receiver checked that it is one segment
        // document with an id.
        out.add(Doc.forwarded(source.toByteArray()));
        continue;
      }
      ResourceSpans rs = traces.resourceSpans(i);
      try {
        for (Segment s : translator.toSegments(rs)) {
          out.add(new Doc(s.id(), SegmentCodec.serializeBytes(s)));
        }
      } catch (RuntimeException e) {
        int spans = 0;
        for (ScopeSpans ss : rs.getScopeSpansList()) {
          spans += ss.getSpansCount();
        }
        rejectedSegments.add(
            spans, settings.telemetry().attributes("error_code", "TranslationFailed"));
        telemetry.rejected(spans);
        rateLimited.warn(
            "translation-failed",
            "awsxray exporter {} could not convert {} spans to segment documents",
            settings.id(),
            spans,
            e);
      }
    }
    return out;
  }

  @Override
  public String toString() {
    return "AwsXRayExporter{" + settings.id() + "}";
  }
}
