package io.raybridge.benchmarks.load;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCalls;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A mock OTLP/gRPC backend that is cheaper than the collector it measures: it walks each request's
 * wire bytes with {@link CodedInputStream}, counting spans without building them, and fully parses
 * only every {@code sampleEvery}-th span to check it against the dataset that was sent (span id
 * known, same trace id, same name, same encoded length — a span that lost an attribute is shorter),
 * so a pipeline cannot look fast by dropping or trimming data.
 *
 * <p>Run on its own: {@code java -cp benchmarks.jar io.raybridge.benchmarks.load.OtlpSink --port
 * 4319 --dataset D1 --seed 42 --pool 200}; it prints its counts every second.
 */
public final class OtlpSink implements AutoCloseable {
  private static final int RESOURCE_SPANS = (1 << 3) | 2;
  private static final int SCOPE_SPANS = (2 << 3) | 2;
  private static final int SPANS = (2 << 3) | 2;
  private static final int MAX_PROBLEMS = 10;

  private static final int SPAN_ID = (2 << 3) | 2;

  /** What was sent under one span id; {@code index} numbers the distinct ids of the pool. */
  private record Expected(ByteString traceId, String name, int encodedLength, int index) {}

  /**
   * Span by span delivery, against how often the sender says each request body was accepted.
   *
   * @param expected spans that must arrive (each body's spans times the times it was accepted)
   * @param received spans counted
   * @param missing spans that arrived fewer times than they were accepted (lost)
   * @param extra spans that arrived more often than they were accepted (duplicates), plus spans the
   *     pool does not hold
   */
  public record Delivery(long expected, long received, long missing, long extra) {}

  /**
   * What the sink has seen.
   *
   * @param requests export calls answered
   * @param spans spans counted
   * @param checked spans parsed and compared with what was sent
   * @param mismatches checked spans that differ from what was sent, or that were never sent
   * @param problems the first few mismatches, described
   */
  public record Report(
      long requests, long spans, long checked, long mismatches, List<String> problems) {}

  private final Map<Long, Expected> expected;

  /** Per distinct span id of the pool, the ids' indexes body by body; null unless counting. */
  private final int[][] bodySpans;

  /** Arrivals per distinct span id; null unless counting. */
  private final AtomicLongArray arrivals;

  private final AtomicLong unknownArrivals = new AtomicLong();
  private final int sampleEvery;
  private final boolean allowAdditions;
  private final boolean freshTraceIds;
  private final Server server;
  private final AtomicLong requests = new AtomicLong();
  private final AtomicLong spans = new AtomicLong();
  private final AtomicLong checked = new AtomicLong();
  private final AtomicLong mismatches = new AtomicLong();
  private final ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();

  private OtlpSink(
      Map<Long, Expected> expected,
      int[][] bodySpans,
      int sampleEvery,
      boolean allowAdditions,
      boolean freshTraceIds,
      int port)
      throws IOException {
    this.expected = expected;
    this.bodySpans = bodySpans;
    this.arrivals = bodySpans == null ? null : new AtomicLongArray(expected.size());
    this.allowAdditions = allowAdditions;
    this.freshTraceIds = freshTraceIds;
    this.sampleEvery = Math.max(1, sampleEvery);
    ServerServiceDefinition service =
        ServerServiceDefinition.builder("opentelemetry.proto.collector.trace.v1.TraceService")
            .addMethod(
                RawOtlp.EXPORT,
                ServerCalls.asyncUnaryCall(
                    (byte[] body, io.grpc.stub.StreamObserver<byte[]> reply) -> {
                      try {
                        count(body);
                        reply.onNext(RawOtlp.EMPTY_RESPONSE);
                        reply.onCompleted();
                      } catch (IOException e) {
                        problem("undecodable request: " + e.getMessage());
                        reply.onError(
                            io.grpc.Status.INVALID_ARGUMENT
                                .withDescription(e.getMessage())
                                .asRuntimeException());
                      }
                    }))
            .build();
    this.server =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", port))
            .maxInboundMessageSize(64 * 1024 * 1024)
            .addService(service)
            .build()
            .start();
  }

  /**
   * Starts a sink on loopback.
   *
   * @param port the port, 0 for any free one
   * @param sent the pool the generator replays, to check samples against; {@code null} counts only
   * @param sampleEvery parse and check one span in this many
   */
  public static OtlpSink start(int port, Payloads sent, int sampleEvery) throws IOException {
    return start(port, sent, sampleEvery, false);
  }

  /**
   * Starts a sink on loopback that, if {@code allowAdditions}, accepts spans that grew on the way
   * (a sampler recording its threshold in the trace state) but still not spans that shrank.
   */
  public static OtlpSink start(int port, Payloads sent, int sampleEvery, boolean allowAdditions)
      throws IOException {
    return start(port, sent, sampleEvery, allowAdditions, false);
  }

  /**
   * As {@link #start(int, Payloads, int, boolean)}; with {@code freshTraceIds}, for a generator
   * that rewrites the first {@value Payloads#PASS_BYTES} bytes of every trace id on each pass over
   * the pool ({@link Payloads#forPass}), a span's trace id is compared on its other bytes.
   */
  public static OtlpSink start(
      int port, Payloads sent, int sampleEvery, boolean allowAdditions, boolean freshTraceIds)
      throws IOException {
    return new OtlpSink(
        sent == null ? null : expectations(sent),
        null,
        sampleEvery,
        allowAdditions,
        freshTraceIds,
        port);
  }

  /**
   * Starts a sink on loopback that also counts the arrivals of every span id of the pool, so that
   * {@link #delivery} can tell lost spans from duplicates even when both occur.
   */
  public static OtlpSink startCountingEach(int port, Payloads sent, int sampleEvery)
      throws IOException {
    Map<Long, Expected> map = expectations(sent);
    int[][] bodySpans = new int[sent.bodies().size()][];
    for (int b = 0; b < bodySpans.length; b++) {
      List<Span> spans = spansOf(sent.bodies().get(b));
      bodySpans[b] = new int[spans.size()];
      for (int i = 0; i < spans.size(); i++) {
        bodySpans[b][i] = map.get(idOf(spans.get(i).getSpanId())).index();
      }
    }
    return new OtlpSink(map, bodySpans, sampleEvery, false, false, port);
  }

  /**
   * Compares the arrivals of each span id with how often it was accepted: {@code
   * acceptedPerBody[b]} is the number of times the pool's body {@code b} was accepted. Only for a
   * sink started with {@link #startCountingEach}.
   */
  public Delivery delivery(long[] acceptedPerBody) {
    if (arrivals == null || acceptedPerBody.length != bodySpans.length) {
      throw new IllegalStateException("not counting each span, or another pool");
    }
    long[] due = new long[arrivals.length()];
    long expectedTotal = 0;
    for (int b = 0; b < bodySpans.length; b++) {
      for (int index : bodySpans[b]) {
        due[index] += acceptedPerBody[b];
        expectedTotal += acceptedPerBody[b];
      }
    }
    long missing = 0;
    long extra = unknownArrivals.get();
    for (int i = 0; i < due.length; i++) {
      long got = arrivals.get(i);
      missing += Math.max(0, due[i] - got);
      extra += Math.max(0, got - due[i]);
    }
    return new Delivery(expectedTotal, spans.get(), missing, extra);
  }

  /** The port the sink listens on. */
  public int port() {
    return server.getPort();
  }

  /** Spans counted so far. */
  public long spans() {
    return spans.get();
  }

  /** A snapshot of the counts. */
  public Report report() {
    return new Report(
        requests.get(), spans.get(), checked.get(), mismatches.get(), List.copyOf(problems));
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

  private static Map<Long, Expected> expectations(Payloads sent) {
    if (sent.isXRay()) {
      return null;
    }
    Map<Long, Expected> map = new HashMap<>();
    for (byte[] body : sent.bodies()) {
      for (Span s : spansOf(body)) {
        map.computeIfAbsent(
            idOf(s.getSpanId()),
            id -> new Expected(s.getTraceId(), s.getName(), s.getSerializedSize(), map.size()));
      }
    }
    return map;
  }

  private static List<Span> spansOf(byte[] body) {
    List<Span> out = new ArrayList<>();
    try {
      for (ResourceSpans rs : ExportTraceServiceRequest.parseFrom(body).getResourceSpansList()) {
        for (ScopeSpans ss : rs.getScopeSpansList()) {
          out.addAll(ss.getSpansList());
        }
      }
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("the dataset does not decode", e);
    }
    return out;
  }

  private static long idOf(ByteString spanId) {
    return spanId.size() == 8 ? spanId.asReadOnlyByteBuffer().getLong() : spanId.hashCode();
  }

  private void count(byte[] body) throws IOException {
    requests.incrementAndGet();
    // Which span of this request to check first rotates with the request count, so every
    // position in a request is sampled over time.
    int[] position = {(int) (requests.get() % sampleEvery)};
    CodedInputStream in = CodedInputStream.newInstance(body);
    long n = 0;
    int tag;
    while ((tag = in.readTag()) != 0) {
      if (tag == RESOURCE_SPANS) {
        int limit = in.pushLimit(in.readRawVarint32());
        n += resourceSpans(in, position);
        in.popLimit(limit);
      } else {
        in.skipField(tag);
      }
    }
    spans.addAndGet(n);
  }

  private long resourceSpans(CodedInputStream in, int[] position) throws IOException {
    long n = 0;
    int tag;
    while ((tag = in.readTag()) != 0) {
      if (tag == SCOPE_SPANS) {
        int limit = in.pushLimit(in.readRawVarint32());
        n += scopeSpans(in, position);
        in.popLimit(limit);
      } else {
        in.skipField(tag);
      }
    }
    return n;
  }

  private long scopeSpans(CodedInputStream in, int[] position) throws IOException {
    long n = 0;
    int tag;
    while ((tag = in.readTag()) != 0) {
      if (tag == SPANS) {
        int length = in.readRawVarint32();
        n++;
        if (expected != null && position[0]++ % sampleEvery == 0) {
          arrived(check(in.readRawBytes(length)));
        } else if (arrivals != null) {
          int limit = in.pushLimit(length);
          arrived(spanId(in));
          in.skipRawBytes(in.getBytesUntilLimit());
          in.popLimit(limit);
        } else {
          in.skipRawBytes(length);
        }
      } else {
        in.skipField(tag);
      }
    }
    return n;
  }

  /** Reads up to a span's id (8 bytes, as {@link #idOf} reads them); null when there is none. */
  private static Long spanId(CodedInputStream in) throws IOException {
    int tag;
    while ((tag = in.readTag()) != 0) {
      if (tag == SPAN_ID) {
        int length = in.readRawVarint32();
        if (length != 8) {
          return (long) ByteString.copyFrom(in.readRawBytes(length)).hashCode();
        }
        return Long.reverseBytes(in.readRawLittleEndian64());
      }
      in.skipField(tag);
    }
    return null;
  }

  private void arrived(Long spanId) {
    if (arrivals == null) {
      return;
    }
    Expected e = spanId == null ? null : expected.get(spanId);
    if (e == null) {
      unknownArrivals.incrementAndGet();
    } else {
      arrivals.incrementAndGet(e.index());
    }
  }

  /** Checks one span against what was sent; returns its id. */
  private long check(byte[] encoded) throws InvalidProtocolBufferException {
    checked.incrementAndGet();
    Span span = Span.parseFrom(encoded);
    Expected e = expected.get(idOf(span.getSpanId()));
    String problem = null;
    if (e == null) {
      problem = "span " + hex(span.getSpanId()) + " was never sent";
    } else if (!sameTrace(e.traceId(), span.getTraceId())) {
      problem = "span " + hex(span.getSpanId()) + " arrived with another trace id";
    } else if (!e.name().equals(span.getName())) {
      problem = "span " + hex(span.getSpanId()) + " arrived named '" + span.getName() + "'";
    } else if (allowAdditions
        ? encoded.length < e.encodedLength()
        : encoded.length != e.encodedLength()) {
      problem =
          "span "
              + hex(span.getSpanId())
              + " arrived with "
              + encoded.length
              + " encoded bytes, "
              + e.encodedLength()
              + " were sent";
    }
    if (problem != null) {
      mismatches.incrementAndGet();
      problem(problem);
    }
    return idOf(span.getSpanId());
  }

  /** Whether {@code got} is the trace id {@code sent}, allowing for a rewritten pass prefix. */
  private boolean sameTrace(ByteString sent, ByteString got) {
    if (!freshTraceIds || sent.size() != 16) {
      return sent.equals(got);
    }
    return got.size() == 16
        && sent.substring(Payloads.PASS_BYTES).equals(got.substring(Payloads.PASS_BYTES));
  }

  private void problem(String text) {
    if (problems.size() < MAX_PROBLEMS) {
      problems.add(text);
    }
  }

  private static String hex(ByteString b) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < b.size(); i++) {
      sb.append(String.format("%02x", b.byteAt(i)));
    }
    return sb.toString();
  }

  /** Runs a sink until killed; see the class comment for the options. */
  public static void main(String[] args) throws Exception {
    Options o = Options.parse(args);
    Payloads pool =
        o.has("dataset")
            ? Payloads.build(o.get("dataset", "D1"), o.getLong("seed", 42), o.getInt("pool", 200))
            : null;
    try (OtlpSink sink = start(o.getInt("port", 4319), pool, o.getInt("sample-every", 64))) {
      System.out.println("listening on 127.0.0.1:" + sink.port());
      CountDownLatch never = new CountDownLatch(1);
      List<Long> last = new ArrayList<>(List.of(0L));
      while (!never.await(1, TimeUnit.SECONDS)) {
        Report r = sink.report();
        System.out.printf(
            "spans=%d (+%d/s) requests=%d checked=%d mismatches=%d%n",
            r.spans(), r.spans() - last.get(0), r.requests(), r.checked(), r.mismatches());
        last.set(0, r.spans());
      }
    }
  }
}
