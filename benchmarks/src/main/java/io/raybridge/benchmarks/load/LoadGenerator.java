package io.raybridge.benchmarks.load;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.CallOptions;
import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Replays a pre-encoded dataset against a loopback target, as its own process: OTLP/gRPC (raw bytes
 * through a bytes marshaller, nothing re-encoded), OTLP/HTTP (protobuf body) or X-Ray daemon
 * datagrams over UDP.
 *
 * <p>Open loop: request {@code i} is due at a fixed time computed from the rate, whether or not
 * earlier requests were answered, and its latency is taken from that due time, so a stalled target
 * shows up as latency rather than as a slower send rate (no coordinated omission). In-flight
 * requests are bounded ({@code --in-flight}); waiting for a free slot counts as latency.
 *
 * <p>Modes: a fixed rate for {@code --warmup} then {@code --duration}; or {@code --ramp}: from
 * {@code --ramp-start} items/s, multiplied by {@code --ramp-factor} every {@code --ramp-step},
 * until a step sees a refused or failed request, no answer at all, a p99 above {@code
 * --ramp-max-p99}, or the sender falling more than a second behind its schedule; or {@code --phases
 * RATE:DURATION,RATE:DURATION,...}: {@code --rate} for {@code --warmup}, then each phase's rate for
 * its duration (the measured window is the phases, {@code --duration} is ignored), with per-second
 * counts of sent, accepted and refused items and the latency of the requests due in each second.
 * {@code --max-items} bounds the count. {@code --count-bodies} adds how often each pool body was
 * accepted. {@code --fresh-trace-ids} sends each pass over the pool with new trace ids ({@link
 * Payloads#forPass}), for stateful processors that must not see a trace again. Prints {@code
 * MEASURING} when the measured phase starts, {@code STEP <rate>} when a ramp step starts, {@code
 * PHASE <rate>} when a phase starts, and one {@code RESULT {json}} line at the end.
 */
public final class LoadGenerator {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final AtomicLong sentItems = new AtomicLong();
  private final AtomicLong sentRequests = new AtomicLong();
  private final AtomicLong okItems = new AtomicLong();
  private final AtomicLong refusedItems = new AtomicLong();
  private final AtomicLong failedItems = new AtomicLong();
  private final AtomicLong firstError = new AtomicLong();
  private volatile String firstErrorText;
  private final Recorder latency = new Recorder(3);
  private final Semaphore permits;
  private final int inFlight;

  /** Times each pool body was accepted whole. */
  private final AtomicLongArray acceptedPerBody;

  private final AtomicLong partiallyRejectedRequests = new AtomicLong();

  /** Items answered with an error, by status ({@code UNAVAILABLE}, {@code HTTP 503}, ...). */
  private final Map<String, AtomicLong> errorItems = new ConcurrentHashMap<>();

  /** The first description seen for each status. */
  private final Map<String, String> errorTexts = new ConcurrentHashMap<>();

  /** Per-second statistics of the measured window in phased mode, by due time; else null. */
  private volatile Second[] seconds;

  private volatile long measureStartNanos;

  private LoadGenerator(int inFlight, int bodies) {
    this.inFlight = inFlight;
    this.permits = new Semaphore(inFlight);
    this.acceptedPerBody = new AtomicLongArray(bodies);
  }

  /** One second of the measured window: what was due in it and how it was answered. */
  private static final class Second {
    final AtomicLong sent = new AtomicLong();
    final AtomicLong requests = new AtomicLong();
    final AtomicLong answered = new AtomicLong();
    final AtomicLong ok = new AtomicLong();
    final AtomicLong refused = new AtomicLong();
    final AtomicLong failed = new AtomicLong();
    final ConcurrentHistogram latency = new ConcurrentHistogram(3);
  }

  /** Sends one body; calls back {@link #done} when answered. */
  private interface Sender extends AutoCloseable {
    void send(int body, byte[] bytes, int items, long dueNanos, boolean measured);

    @Override
    void close();
  }

  private void done(
      int body,
      int items,
      int rejected,
      long dueNanos,
      boolean measured,
      Outcome outcome,
      String status,
      String error) {
    long micros = (System.nanoTime() - dueNanos) / 1000;
    switch (outcome) {
      case OK -> {
        okItems.addAndGet(items - rejected);
        refusedItems.addAndGet(rejected);
        if (rejected == 0) {
          acceptedPerBody.incrementAndGet(body);
        } else {
          partiallyRejectedRequests.incrementAndGet();
        }
      }
      case REFUSED -> refusedItems.addAndGet(items);
      case FAILED -> failedItems.addAndGet(items);
    }
    if (status != null) {
      errorItems
          .computeIfAbsent(status, k -> new AtomicLong())
          .addAndGet(outcome == Outcome.OK ? rejected : items);
      errorTexts.putIfAbsent(status, error == null ? status : error);
    }
    if (error != null && outcome != Outcome.OK && firstError.compareAndSet(0, 1)) {
      firstErrorText = error;
    }
    if (measured) {
      latency.recordValue(Math.max(0, micros));
      Second sec = second(dueNanos);
      if (sec != null) {
        sec.answered.incrementAndGet();
        sec.latency.recordValue(Math.max(0, micros));
        switch (outcome) {
          case OK -> {
            sec.ok.addAndGet(items - rejected);
            sec.refused.addAndGet(rejected);
          }
          case REFUSED -> sec.refused.addAndGet(items);
          case FAILED -> sec.failed.addAndGet(items);
        }
      }
    }
    permits.release();
  }

  /** The measured second a request due at {@code dueNanos} belongs to, or null. */
  private Second second(long dueNanos) {
    Second[] all = seconds;
    if (all == null || dueNanos < measureStartNanos) {
      return null;
    }
    long k = (dueNanos - measureStartNanos) / 1_000_000_000L;
    return k < all.length ? all[(int) k] : null;
  }

  private enum Outcome {
    OK,
    REFUSED,
    FAILED
  }

  private Sender grpc(InetSocketAddress target) {
    ManagedChannel channel =
        NettyChannelBuilder.forAddress(target)
            .usePlaintext()
            .maxInboundMessageSize(16 * 1024 * 1024)
            .build();
    awaitReady(channel);
    return new Sender() {
      @Override
      public void send(int body, byte[] bytes, int items, long due, boolean measured) {
        ClientCalls.asyncUnaryCall(
            channel.newCall(
                RawOtlp.EXPORT, CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS)),
            bytes,
            new StreamObserver<byte[]>() {
              private int rejected;

              @Override
              public void onNext(byte[] response) {
                if (response.length > 0) {
                  try {
                    rejected =
                        (int)
                            ExportTraceServiceResponse.parseFrom(response)
                                .getPartialSuccess()
                                .getRejectedSpans();
                  } catch (IOException e) {
                    rejected = 0;
                  }
                }
              }

              @Override
              public void onError(Throwable t) {
                Status s = Status.fromThrowable(t);
                boolean retryable =
                    s.getCode() == Status.Code.UNAVAILABLE
                        || s.getCode() == Status.Code.RESOURCE_EXHAUSTED;
                done(
                    body,
                    items,
                    0,
                    due,
                    measured,
                    retryable ? Outcome.REFUSED : Outcome.FAILED,
                    s.getCode().name(),
                    s.getCode() + " " + s.getDescription());
              }

              @Override
              public void onCompleted() {
                done(
                    body,
                    items,
                    Math.min(rejected, items),
                    due,
                    measured,
                    Outcome.OK,
                    rejected > 0 ? "partial_success" : null,
                    rejected > 0 ? "partial success: " + rejected + " spans rejected" : null);
              }
            });
      }

      @Override
      public void close() {
        channel.shutdownNow();
      }
    };
  }

  /** Connects before the schedule starts, so connection setup is not charged to the target. */
  private static void awaitReady(ManagedChannel channel) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    ConnectivityState state;
    while ((state = channel.getState(true)) != ConnectivityState.READY
        && System.nanoTime() < deadline) {
      CountDownLatch changed = new CountDownLatch(1);
      channel.notifyWhenStateChanged(state, changed::countDown);
      try {
        changed.await(100, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private Sender http(InetSocketAddress target) {
    ExecutorService executor = Executors.newFixedThreadPool(2);
    HttpClient client =
        HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(executor).build();
    URI uri =
        URI.create(
            "http://"
                + target.getAddress().getHostAddress()
                + ":"
                + target.getPort()
                + "/v1/traces");
    return new Sender() {
      @Override
      public void send(int body, byte[] bytes, int items, long due, boolean measured) {
        HttpRequest request =
            HttpRequest.newBuilder(uri)
                .header("Content-Type", "application/x-protobuf")
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes))
                .build();
        client
            .sendAsync(request, HttpResponse.BodyHandlers.discarding())
            .whenComplete(
                (response, error) -> {
                  if (error != null) {
                    done(
                        body,
                        items,
                        0,
                        due,
                        measured,
                        Outcome.FAILED,
                        error.getClass().getSimpleName(),
                        error.toString());
                  } else if (response.statusCode() == 200) {
                    done(body, items, 0, due, measured, Outcome.OK, null, null);
                  } else {
                    int code = response.statusCode();
                    boolean retryable = code == 429 || code == 502 || code == 503 || code == 504;
                    done(
                        body,
                        items,
                        0,
                        due,
                        measured,
                        retryable ? Outcome.REFUSED : Outcome.FAILED,
                        "HTTP " + code,
                        "HTTP " + code);
                  }
                });
      }

      @Override
      public void close() {
        executor.shutdownNow();
      }
    };
  }

  private Sender udp(InetSocketAddress target) throws IOException {
    DatagramChannel channel = DatagramChannel.open();
    channel.connect(target);
    return new Sender() {
      @Override
      public void send(int body, byte[] bytes, int items, long due, boolean measured) {
        try {
          channel.write(ByteBuffer.wrap(bytes));
          // There is no answer over UDP: the "latency" recorded is the sender's own lag.
          done(body, items, 0, due, measured, Outcome.OK, null, null);
        } catch (IOException e) {
          done(
              body,
              items,
              0,
              due,
              measured,
              Outcome.FAILED,
              e.getClass().getSimpleName(),
              e.toString());
        }
      }

      @Override
      public void close() {
        try {
          channel.close();
        } catch (IOException e) {
          // Nothing was in flight; the channel is discarded either way.
        }
      }
    };
  }

  /** Parses the options, runs, and prints the result line. */
  public static void main(String[] args) throws Exception {
    Options o = Options.parse(args);
    Map<String, Object> result = run(o);
    System.out.println("RESULT " + JSON.writeValueAsString(result));
    System.out.flush();
    System.exit(0);
  }

  static InetSocketAddress loopback(String hostPort) throws IOException {
    int colon = hostPort.lastIndexOf(':');
    String host = hostPort.substring(0, colon);
    InetAddress address = InetAddress.getByName(host);
    if (!address.isLoopbackAddress()) {
      throw new IllegalArgumentException(
          "target "
              + hostPort
              + " is not a loopback address; the generator only sends to 127.0.0.1");
    }
    return new InetSocketAddress(address, Integer.parseInt(hostPort.substring(colon + 1)));
  }

  static Map<String, Object> run(Options o) throws Exception {
    String protocol = o.get("protocol", "grpc").toLowerCase(Locale.ROOT);
    InetSocketAddress target = loopback(o.get("target", "127.0.0.1:4317"));
    Payloads pool =
        Payloads.build(o.get("dataset", "D1"), o.getLong("seed", 42), o.getInt("pool", 200));
    LoadGenerator g = new LoadGenerator(o.getInt("in-flight", 256), pool.bodies().size());
    try (Sender sender =
        switch (protocol) {
          case "grpc" -> g.grpc(target);
          case "http" -> g.http(target);
          case "udp" -> g.udp(target);
          default -> throw new IllegalArgumentException("protocol must be grpc, http or udp");
        }) {
      return g.loop(sender, pool, o, protocol);
    }
  }

  private Map<String, Object> loop(Sender sender, Payloads pool, Options o, String protocol)
      throws InterruptedException {
    boolean ramp = o.flag("ramp");
    double rate = ramp ? o.getDouble("ramp-start", 10_000) : o.getDouble("rate", 10_000);
    double factor = o.getDouble("ramp-factor", 1.5);
    long stepNanos = o.getDuration("ramp-step", Duration.ofSeconds(10)).toNanos();
    long maxP99Micros = o.getDuration("ramp-max-p99", Duration.ofSeconds(1)).toNanos() / 1000;
    long warmupNanos = o.getDuration("warmup", Duration.ofSeconds(30)).toNanos();
    List<Phase> phases = ramp ? List.of() : Phase.parse(o.get("phases", ""));
    long durationNanos =
        phases.isEmpty()
            ? o.getDuration("duration", Duration.ofSeconds(60)).toNanos()
            : phases.stream().mapToLong(Phase::nanos).sum();
    long maxItems = o.getLong("max-items", 0);

    List<byte[]> bodies = pool.bodies();
    int[] items = pool.items();
    int[][] traceIds = null;
    if (o.flag("fresh-trace-ids")) {
      if (pool.isXRay()) {
        throw new IllegalArgumentException("--fresh-trace-ids applies to OTLP datasets only");
      }
      traceIds = new int[bodies.size()][];
      for (int b = 0; b < traceIds.length; b++) {
        traceIds[b] = Payloads.traceIdOffsets(bodies.get(b));
      }
    }
    long start = System.nanoTime() + 10_000_000L;
    long measureStart = start + warmupNanos;
    long end = measureStart + durationNanos;
    measureStartNanos = measureStart;
    if (!phases.isEmpty()) {
      Second[] all = new Second[(int) ((durationNanos + 999_999_999L) / 1_000_000_000L)];
      for (int k = 0; k < all.length; k++) {
        all[k] = new Second();
      }
      seconds = all;
    }
    int phase = -1;
    long phaseEnd = Long.MAX_VALUE;
    double offset = 0;
    int i = 0;
    boolean measuring = false;
    long measuredItems0 = 0;
    long maxLag = 0;
    long stepEnd = measureStart + stepNanos;
    long stepBad0 = 0;
    double saturation = 0;
    String stopReason = "duration";
    List<Map<String, Object>> steps = new ArrayList<>();
    while (true) {
      long due = start + (long) offset;
      if (due >= end) {
        break;
      }
      if (maxItems > 0 && sentItems.get() >= maxItems) {
        stopReason = "max-items";
        break;
      }
      if (!measuring && due >= measureStart) {
        measuring = true;
        measuredItems0 = sentItems.get();
        latency.reset();
        stepBad0 = refusedItems.get() + failedItems.get();
        System.out.println("MEASURING");
        if (ramp) {
          System.out.println("STEP " + Math.round(rate));
        }
        if (!phases.isEmpty()) {
          phase = 0;
          rate = phases.get(0).rate();
          phaseEnd = measureStart + phases.get(0).nanos();
          System.out.println("PHASE " + Math.round(rate));
        }
        System.out.flush();
      }
      if (phase >= 0 && due >= phaseEnd && phase + 1 < phases.size()) {
        phase++;
        rate = phases.get(phase).rate();
        phaseEnd += phases.get(phase).nanos();
        System.out.println("PHASE " + Math.round(rate));
        System.out.flush();
      }
      if (ramp && measuring && due >= stepEnd) {
        Histogram h = latency.getIntervalHistogram();
        long bad = refusedItems.get() + failedItems.get() - stepBad0;
        long lag = System.nanoTime() - due;
        Map<String, Object> step = new LinkedHashMap<>();
        step.put("rate", Math.round(rate));
        step.put("refused_or_failed", bad);
        step.put("answers", h.getTotalCount());
        step.put("p99_ms", h.getValueAtPercentile(99) / 1000.0);
        step.put("lag_ms", lag / 1_000_000.0);
        steps.add(step);
        // Over UDP there are no answers; otherwise a step without a single answer has not shown
        // that the target keeps up, however clean it looks.
        boolean unanswered = !protocol.equals("udp") && h.getTotalCount() == 0;
        if (bad > 0
            || unanswered
            || h.getValueAtPercentile(99) > maxP99Micros
            || lag > 1_000_000_000L) {
          stopReason =
              bad > 0
                  ? "refused or failed requests"
                  : unanswered ? "no answer within the step" : "latency or sender lag";
          break;
        }
        saturation = rate;
        rate *= factor;
        System.out.println("STEP " + Math.round(rate));
        System.out.flush();
        stepEnd += stepNanos;
        stepBad0 = refusedItems.get() + failedItems.get();
      }
      long now;
      while ((now = System.nanoTime()) < due) {
        LockSupport.parkNanos(due - now);
      }
      maxLag = Math.max(maxLag, now - due);
      permits.acquire();
      long pass = i / bodies.size();
      int k = i++ % bodies.size();
      sentRequests.incrementAndGet();
      sentItems.addAndGet(items[k]);
      Second sec = measuring ? second(due) : null;
      if (sec != null) {
        sec.sent.addAndGet(items[k]);
        sec.requests.incrementAndGet();
      }
      byte[] body =
          traceIds == null ? bodies.get(k) : Payloads.forPass(bodies.get(k), traceIds[k], pass);
      sender.send(k, body, items[k], due, measuring);
      offset += items[k] * 1e9 / rate;
    }
    long measuredNanos = Math.max(1, System.nanoTime() - Math.max(measureStart, start));
    // Wait for the answers still outstanding, with a bound.
    boolean drained = permits.tryAcquire(inFlight, 30, TimeUnit.SECONDS);
    if (drained) {
      permits.release(inFlight);
    }
    Histogram h = latency.getIntervalHistogram();
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("protocol", protocol);
    r.put("dataset", pool.dataset());
    r.put("pool_bodies", bodies.size());
    r.put("items_per_body", pool.meanItems());
    r.put("bytes_per_item", Math.round(pool.meanBytesPerItem()));
    r.put("mode", ramp ? "ramp" : "fixed");
    r.put("rate_target", Math.round(rate));
    r.put("stop_reason", stopReason);
    r.put("sent_requests", sentRequests.get());
    r.put("sent", sentItems.get());
    r.put("ok", okItems.get());
    r.put("refused", refusedItems.get());
    r.put("failed", failedItems.get());
    r.put("unanswered", drained ? 0 : inFlight - permits.availablePermits());
    r.put("first_error", firstErrorText);
    Map<String, Object> statuses = new LinkedHashMap<>();
    errorItems.forEach(
        (status, n) ->
            statuses.put(status, Map.of("items", n.get(), "first", errorTexts.get(status))));
    r.put("errors_by_status", statuses);
    r.put("partially_rejected_requests", partiallyRejectedRequests.get());
    if (o.flag("count-bodies")) {
      long[] perBody = new long[acceptedPerBody.length()];
      for (int b = 0; b < perBody.length; b++) {
        perBody[b] = acceptedPerBody.get(b);
      }
      r.put("accepted_per_body", perBody);
    }
    long measured = sentItems.get() - measuredItems0;
    r.put("measured_sent", measured);
    r.put("measured_seconds", measuredNanos / 1e9);
    r.put("achieved_rate", Math.round(measured / (measuredNanos / 1e9)));
    r.put("max_lag_ms", maxLag / 1_000_000.0);
    Map<String, Object> lat = new LinkedHashMap<>();
    lat.put("count", h.getTotalCount());
    lat.put("p50_ms", h.getValueAtPercentile(50) / 1000.0);
    lat.put("p99_ms", h.getValueAtPercentile(99) / 1000.0);
    lat.put("p99_9_ms", h.getValueAtPercentile(99.9) / 1000.0);
    lat.put("max_ms", h.getMaxValue() / 1000.0);
    lat.put("kind", protocol.equals("udp") ? "send lag" : "response time from due time");
    r.put("latency", lat);
    if (ramp) {
      r.put("steps", steps);
      r.put("saturation_rate", Math.round(saturation));
    }
    if (!phases.isEmpty()) {
      List<Map<String, Object>> phaseList = new ArrayList<>();
      for (Phase p : phases) {
        phaseList.add(Map.of("rate", Math.round(p.rate()), "seconds", p.nanos() / 1e9));
      }
      r.put("phases", phaseList);
      List<Map<String, Object>> perSecond = new ArrayList<>();
      for (Second sec : seconds) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("sent", sec.sent.get());
        m.put("requests", sec.requests.get());
        m.put("answered", sec.answered.get());
        m.put("ok", sec.ok.get());
        m.put("refused", sec.refused.get());
        m.put("failed", sec.failed.get());
        m.put("p99_ms", sec.latency.getValueAtPercentile(99) / 1000.0);
        m.put("max_ms", sec.latency.getMaxValue() / 1000.0);
        perSecond.add(m);
      }
      r.put("per_second", perSecond);
    }
    return r;
  }

  /** One phase of {@code --phases}: a rate for a duration. */
  record Phase(double rate, long nanos) {
    static List<Phase> parse(String text) {
      List<Phase> out = new ArrayList<>();
      for (String part : text.split(",")) {
        if (part.isBlank()) {
          continue;
        }
        int colon = part.indexOf(':');
        if (colon < 0) {
          throw new IllegalArgumentException("a phase is RATE:DURATION, was " + part);
        }
        out.add(
            new Phase(
                Double.parseDouble(part.substring(0, colon).trim()),
                Options.duration(part.substring(colon + 1)).toNanos()));
      }
      return out;
    }
  }
}
