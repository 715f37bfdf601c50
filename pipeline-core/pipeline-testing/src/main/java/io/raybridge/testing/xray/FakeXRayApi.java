package io.raybridge.testing.xray;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.raybridge.pipeline.util.HttpServers;
import io.raybridge.xray.SegmentCodec;
import io.raybridge.xray.model.Segment;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A loopback stand-in for the AWS X-Ray API, for tests and benchmarks. It serves {@code POST
 * /TraceSegments} (PutTraceSegments), {@code POST /TelemetryRecords} (PutTelemetryRecords), {@code
 * POST /GetSamplingRules} and {@code POST /SamplingTargets} over plain HTTP on {@code 127.0.0.1}.
 *
 * <p>Every request's SigV4 signature is recomputed with the AWS SDK's signer from the credentials
 * the fake was built with and compared; a request with a bad signature is answered 403 and recorded
 * in {@link #requestErrors()}. Request bodies are checked against the API's JSON shapes; accepted
 * segment documents are stored and exposed for assertions.
 *
 * <p>Faults on demand: {@link #throttleNext(int)} and {@link #throttling(boolean)} (HTTP 429 {@code
 * ThrottledException}), {@link #failNext(int, int)} (5xx), {@link #unprocessedOnce(double, String)}
 * (a fraction of the documents is returned in {@code UnprocessedTraceSegments} the first time they
 * are seen), {@link #reject(Collection, String)} (chosen ids are always returned unprocessed) and
 * {@link #delay(Duration)}. {@link #stop()} and {@link #restart()} simulate an outage on the same
 * port. In {@linkplain Builder#countingOnly() counting mode} signatures and documents are not
 * checked and only counted, for benchmarks.
 *
 * <p>Thread-safe: the server answers on several threads, and the test thread may change faults and
 * read results at any time.
 */
public final class FakeXRayApi implements AutoCloseable {

  /** The region the fake expects in signatures unless the builder says otherwise. */
  public static final String DEFAULT_REGION = "us-west-2";

  /** The access key id the fake accepts unless the builder says otherwise. */
  public static final String DEFAULT_ACCESS_KEY_ID = "AKIDRAYBRIDGETEST";

  /** The secret access key the fake accepts unless the builder says otherwise. */
  public static final String DEFAULT_SECRET_ACCESS_KEY = "raybridge-test-secret";

  private static final int MAX_DOCUMENTS_PER_CALL = 50;
  private static final int MAX_DOCUMENT_BYTES = 64 * 1024;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonFactory JSON_FACTORY = new JsonFactory();

  private final SigV4Verifier verifier;
  private final boolean countingOnly;
  private final String accessKeyId;
  private final String secretAccessKey;
  private final String region;
  private HttpServer server;
  private ExecutorService executor;
  private int port;

  private final ConcurrentLinkedQueue<String> documents = new ConcurrentLinkedQueue<>();
  private final ConcurrentHashMap<String, AtomicInteger> acceptedById = new ConcurrentHashMap<>();
  private final ConcurrentLinkedQueue<Integer> batchSizes = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<String> requestErrors = new ConcurrentLinkedQueue<>();
  private final Set<String> signedHeaders = ConcurrentHashMap.newKeySet();
  private final ConcurrentLinkedQueue<JsonNode> telemetry = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<SamplingCall> samplingCalls = new ConcurrentLinkedQueue<>();
  private final ConcurrentHashMap<String, String> unprocessedSent = new ConcurrentHashMap<>();
  private final AtomicLong countedDocuments = new AtomicLong();
  private final AtomicInteger putCalls = new AtomicInteger();
  private final AtomicInteger throttledCalls = new AtomicInteger();
  private final AtomicInteger failedCalls = new AtomicInteger();

  private final AtomicInteger throttleNext = new AtomicInteger();
  private volatile boolean throttling;
  private final AtomicInteger failNext = new AtomicInteger();
  private volatile int failStatus = 503;
  private volatile double unprocessedFraction;
  private volatile String unprocessedCode = "InternalFailure";
  private final Map<String, String> rejected = new ConcurrentHashMap<>();
  private volatile Duration delay = Duration.ZERO;
  private volatile String samplingRules;
  private volatile String samplingTargets;

  private FakeXRayApi(Builder b) {
    this.countingOnly = b.countingOnly;
    this.accessKeyId = b.accessKeyId;
    this.secretAccessKey = b.secretAccessKey;
    this.region = b.region;
    this.verifier = new SigV4Verifier(b.accessKeyId, b.secretAccessKey, b.region, "xray");
  }

  /** A fake with the default credentials and region, verifying signatures. */
  public static Builder builder() {
    return new Builder();
  }

  /** Starts a fake with the defaults on an ephemeral loopback port. */
  public static FakeXRayApi start() throws IOException {
    return builder().start();
  }

  /** Configures a fake. */
  public static final class Builder {
    private String accessKeyId = DEFAULT_ACCESS_KEY_ID;
    private String secretAccessKey = DEFAULT_SECRET_ACCESS_KEY;
    private String region = DEFAULT_REGION;
    private boolean countingOnly;

    private Builder() {}

    /** The only credentials the fake accepts. */
    public Builder credentials(String accessKeyId, String secretAccessKey) {
      this.accessKeyId = Objects.requireNonNull(accessKeyId, "accessKeyId");
      this.secretAccessKey = Objects.requireNonNull(secretAccessKey, "secretAccessKey");
      return this;
    }

    /** The region signatures must be scoped to. */
    public Builder region(String region) {
      this.region = Objects.requireNonNull(region, "region");
      return this;
    }

    /** Skips signature and document checks and only counts documents: for benchmarks. */
    public Builder countingOnly() {
      this.countingOnly = true;
      return this;
    }

    /** Binds and starts the fake on {@code 127.0.0.1}, port 0. */
    public FakeXRayApi start() throws IOException {
      FakeXRayApi api = new FakeXRayApi(this);
      api.bind(0);
      return api;
    }
  }

  /** One call to a sampling API, as received. */
  public record SamplingCall(String path, String body, boolean signatureValid) {}

  // ------------------------------------------------------------------------------------------
  // Lifecycle

  private synchronized void bind(int requestedPort) throws IOException {
    HttpServer s =
        HttpServers.create(
            new InetSocketAddress(InetAddress.getLoopbackAddress(), requestedPort), 64);
    s.createContext("/", this::handle);
    ExecutorService ex =
        Executors.newFixedThreadPool(
            4,
            r -> {
              Thread t = new Thread(r, "fake-xray-api");
              t.setDaemon(true);
              return t;
            });
    s.setExecutor(ex);
    s.start();
    this.server = s;
    this.executor = ex;
    this.port = s.getAddress().getPort();
  }

  /** The endpoint to configure a client with: {@code http://127.0.0.1:<port>}. */
  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + port);
  }

  /** The port the fake listens on (kept across {@link #stop()} and {@link #restart()}). */
  public int port() {
    return port;
  }

  /** The access key id the fake accepts. */
  public String accessKeyId() {
    return accessKeyId;
  }

  /** The secret access key the fake accepts. */
  public String secretAccessKey() {
    return secretAccessKey;
  }

  /** The region signatures must be scoped to. */
  public String region() {
    return region;
  }

  /** Closes the listening socket, keeping everything stored: the API is down. */
  public synchronized void stop() {
    if (server != null) {
      server.stop(0);
      executor.shutdownNow();
      server = null;
    }
  }

  /** Listens again on the same port after {@link #stop()}. */
  public synchronized void restart() throws IOException {
    if (server == null) {
      bind(port);
    }
  }

  @Override
  public void close() {
    stop();
  }

  // ------------------------------------------------------------------------------------------
  // Faults

  /** Answers the next {@code calls} PutTraceSegments calls with HTTP 429 ThrottledException. */
  public FakeXRayApi throttleNext(int calls) {
    throttleNext.set(calls);
    return this;
  }

  /** Answers every PutTraceSegments call with HTTP 429 ThrottledException while {@code on}. */
  public FakeXRayApi throttling(boolean on) {
    this.throttling = on;
    return this;
  }

  /** Answers the next {@code calls} PutTraceSegments calls with HTTP {@code status} (5xx). */
  public FakeXRayApi failNext(int calls, int status) {
    this.failStatus = status;
    failNext.set(calls);
    return this;
  }

  /**
   * Returns about {@code fraction} of the documents (chosen by their id, deterministically) in
   * {@code UnprocessedTraceSegments} with {@code errorCode} the first time they arrive, and accepts
   * them when they are sent again.
   */
  public FakeXRayApi unprocessedOnce(double fraction, String errorCode) {
    this.unprocessedCode = Objects.requireNonNull(errorCode, "errorCode");
    this.unprocessedFraction = fraction;
    return this;
  }

  /** Always returns the documents with these ids unprocessed with {@code errorCode}. */
  public FakeXRayApi reject(Collection<String> ids, String errorCode) {
    for (String id : ids) {
      rejected.put(id, errorCode);
    }
    return this;
  }

  /** Waits {@code delay} before answering each call. */
  public FakeXRayApi delay(Duration delay) {
    this.delay = Objects.requireNonNull(delay, "delay");
    return this;
  }

  /** The body answered to GetSamplingRules, replacing the canned default rule. */
  public FakeXRayApi samplingRules(String json) {
    this.samplingRules = json;
    return this;
  }

  /** The body answered to SamplingTargets, replacing the canned targets. */
  public FakeXRayApi samplingTargets(String json) {
    this.samplingTargets = json;
    return this;
  }

  // ------------------------------------------------------------------------------------------
  // Results

  /** The accepted documents, in arrival order. */
  public List<String> documents() {
    return List.copyOf(documents);
  }

  /** The accepted documents parsed with the translator's codec. */
  public List<Segment> segments() {
    List<Segment> out = new ArrayList<>();
    for (String d : documents) {
      out.add(SegmentCodec.parseOne(d));
    }
    return out;
  }

  /** How many documents were accepted (in counting mode: received). */
  public long documentCount() {
    return countingOnly ? countedDocuments.get() : documents.size();
  }

  /** How often each document id was accepted. */
  public Map<String, Integer> acceptedCountsById() {
    Map<String, Integer> out = new HashMap<>();
    acceptedById.forEach((k, v) -> out.put(k, v.get()));
    return out;
  }

  /** The ids returned as unprocessed so far, with their error codes. */
  public Map<String, String> unprocessedIds() {
    return Map.copyOf(unprocessedSent);
  }

  /** The number of documents in each PutTraceSegments call that passed the checks. */
  public List<Integer> batchSizes() {
    return List.copyOf(batchSizes);
  }

  /** PutTraceSegments calls received, whatever the answer. */
  public int putCalls() {
    return putCalls.get();
  }

  /** PutTraceSegments calls answered with throttling. */
  public int throttledCalls() {
    return throttledCalls.get();
  }

  /** PutTraceSegments calls answered with a 5xx fault. */
  public int failedCalls() {
    return failedCalls.get();
  }

  /** Requests refused for a bad signature or a bad shape, each with the reason. */
  public List<String> requestErrors() {
    return List.copyOf(requestErrors);
  }

  /**
   * The names of the headers covered by the signatures verified so far (lower case, as in {@code
   * SignedHeaders}), over all requests.
   */
  public Set<String> signedHeaders() {
    return Set.copyOf(signedHeaders);
  }

  /** The PutTelemetryRecords request bodies received. */
  public List<JsonNode> telemetryRequests() {
    return List.copyOf(telemetry);
  }

  /** The sampling calls received. */
  public List<SamplingCall> samplingCalls() {
    return List.copyOf(samplingCalls);
  }

  // ------------------------------------------------------------------------------------------
  // Handling

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body;
      try (InputStream in = exchange.getRequestBody()) {
        body = in.readAllBytes();
      }
      String path = exchange.getRequestURI().getRawPath();
      String query = exchange.getRequestURI().getRawQuery();
      Duration d = delay;
      if (!d.isZero()) {
        try {
          Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
      if (!"POST".equals(exchange.getRequestMethod())) {
        error(
            exchange,
            404,
            "UnknownOperationException",
            "no operation for " + exchange.getRequestMethod() + " " + path);
        return;
      }
      Optional<String> signatureProblem =
          countingOnly
              ? Optional.empty()
              : verifier.verify(
                  exchange.getRequestMethod(),
                  query == null ? path : path + "?" + query,
                  exchange.getRequestHeaders(),
                  body);
      if (!countingOnly && signatureProblem.isEmpty()) {
        signedHeaders.addAll(SigV4Verifier.signedHeaderNames(exchange.getRequestHeaders()));
      }
      switch (path) {
        case "/TraceSegments" -> putTraceSegments(exchange, body, signatureProblem);
        case "/TelemetryRecords" -> putTelemetryRecords(exchange, body, signatureProblem);
        case "/GetSamplingRules", "/SamplingTargets" ->
            sampling(exchange, path, body, signatureProblem);
        default -> error(exchange, 404, "UnknownOperationException", "no operation at " + path);
      }
    } catch (RuntimeException e) {
      requestErrors.add("internal error: " + e);
      throw e;
    }
  }

  private boolean signatureRejected(HttpExchange exchange, Optional<String> problem)
      throws IOException {
    if (problem.isEmpty()) {
      return false;
    }
    requestErrors.add(problem.get());
    error(exchange, 403, "InvalidSignatureException", problem.get());
    return true;
  }

  private void putTraceSegments(HttpExchange exchange, byte[] body, Optional<String> sigProblem)
      throws IOException {
    putCalls.incrementAndGet();
    if (signatureRejected(exchange, sigProblem)) {
      return;
    }
    if (throttling || throttleNext.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0) {
      throttledCalls.incrementAndGet();
      error(exchange, 429, "ThrottledException", "Rate exceeded");
      return;
    }
    if (failNext.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0) {
      failedCalls.incrementAndGet();
      error(exchange, failStatus, "ServiceUnavailableException", "Service unavailable");
      return;
    }
    if (countingOnly) {
      countedDocuments.addAndGet(countDocuments(body));
      send(exchange, 200, "{\"UnprocessedTraceSegments\":[]}");
      return;
    }
    JsonNode request;
    try {
      request = JSON.readTree(body);
    } catch (IOException e) {
      shapeError(exchange, "PutTraceSegments body is not JSON: " + e.getMessage());
      return;
    }
    JsonNode docs = request == null ? null : request.get("TraceSegmentDocuments");
    if (docs == null || !docs.isArray() || docs.isEmpty()) {
      shapeError(exchange, "PutTraceSegments needs a non-empty TraceSegmentDocuments array");
      return;
    }
    if (docs.size() > MAX_DOCUMENTS_PER_CALL) {
      shapeError(
          exchange,
          "PutTraceSegments got "
              + docs.size()
              + " documents, at most "
              + MAX_DOCUMENTS_PER_CALL
              + " are allowed");
      return;
    }
    batchSizes.add(docs.size());
    ArrayNode unprocessed = JSON.createArrayNode();
    for (JsonNode doc : docs) {
      if (!doc.isTextual()) {
        shapeError(exchange, "TraceSegmentDocuments holds a non-string element");
        return;
      }
      String text = doc.textValue();
      String id;
      try {
        Segment segment = SegmentCodec.parseOne(text);
        id = segment.id();
      } catch (RuntimeException e) {
        requestErrors.add("invalid segment document: " + e.getMessage());
        unprocessed.add(unprocessedEntry(null, "InvalidSegment", e.getMessage()));
        continue;
      }
      if (text.getBytes(StandardCharsets.UTF_8).length > MAX_DOCUMENT_BYTES) {
        requestErrors.add("segment document " + id + " is over 64 KB");
        unprocessed.add(unprocessedEntry(id, "InvalidSegment", "Segment too large"));
        continue;
      }
      String rejectCode = rejected.get(id);
      if (rejectCode != null) {
        unprocessedSent.put(id, rejectCode);
        unprocessed.add(unprocessedEntry(id, rejectCode, "Invalid segment"));
        continue;
      }
      if (unprocessedFraction > 0
          && !unprocessedSent.containsKey(id)
          && Math.floorMod(id.hashCode(), 10_000) < unprocessedFraction * 10_000) {
        unprocessedSent.put(id, unprocessedCode);
        unprocessed.add(unprocessedEntry(id, unprocessedCode, "Could not process segment"));
        continue;
      }
      documents.add(text);
      acceptedById.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
    }
    ObjectNode response = JSON.createObjectNode();
    response.set("UnprocessedTraceSegments", unprocessed);
    send(exchange, 200, JSON.writeValueAsString(response));
  }

  private static ObjectNode unprocessedEntry(String id, String code, String message) {
    ObjectNode n = JSON.createObjectNode();
    if (id != null) {
      n.put("Id", id);
    }
    n.put("ErrorCode", code);
    n.put("Message", message);
    return n;
  }

  private static long countDocuments(byte[] body) throws IOException {
    long n = 0;
    try (JsonParser p = JSON_FACTORY.createParser(body)) {
      JsonToken t;
      int depth = 0;
      boolean inDocs = false;
      while ((t = p.nextToken()) != null) {
        if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
          depth++;
        } else if (t == JsonToken.END_OBJECT || t == JsonToken.END_ARRAY) {
          depth--;
          inDocs = inDocs && depth >= 2;
        } else if (t == JsonToken.FIELD_NAME
            && depth == 1
            && "TraceSegmentDocuments".equals(p.currentName())) {
          inDocs = true;
        } else if (t == JsonToken.VALUE_STRING && inDocs && depth == 2) {
          n++;
        }
      }
    }
    return n;
  }

  private void putTelemetryRecords(HttpExchange exchange, byte[] body, Optional<String> sigProblem)
      throws IOException {
    if (signatureRejected(exchange, sigProblem)) {
      return;
    }
    JsonNode request;
    try {
      request = JSON.readTree(body);
    } catch (IOException e) {
      shapeError(exchange, "PutTelemetryRecords body is not JSON: " + e.getMessage());
      return;
    }
    JsonNode records = request == null ? null : request.get("TelemetryRecords");
    if (records == null || !records.isArray()) {
      shapeError(exchange, "PutTelemetryRecords needs a TelemetryRecords array");
      return;
    }
    for (JsonNode r : records) {
      if (!r.has("Timestamp") || !r.get("Timestamp").isNumber()) {
        shapeError(exchange, "every telemetry record needs a numeric Timestamp");
        return;
      }
    }
    telemetry.add(request);
    send(exchange, 200, "{}");
  }

  private void sampling(
      HttpExchange exchange, String path, byte[] body, Optional<String> sigProblem)
      throws IOException {
    samplingCalls.add(
        new SamplingCall(path, new String(body, StandardCharsets.UTF_8), sigProblem.isEmpty()));
    if (signatureRejected(exchange, sigProblem)) {
      return;
    }
    JsonNode request;
    try {
      request = body.length == 0 ? JSON.createObjectNode() : JSON.readTree(body);
    } catch (IOException e) {
      shapeError(exchange, path + " body is not JSON: " + e.getMessage());
      return;
    }
    if (path.equals("/GetSamplingRules")) {
      String rules = samplingRules;
      send(exchange, 200, rules != null ? rules : defaultRules());
      return;
    }
    JsonNode docs = request == null ? null : request.get("SamplingStatisticsDocuments");
    if (docs == null || !docs.isArray()) {
      shapeError(exchange, "SamplingTargets needs a SamplingStatisticsDocuments array");
      return;
    }
    String targets = samplingTargets;
    send(exchange, 200, targets != null ? targets : defaultTargets(docs));
  }

  private static String defaultRules() {
    return """
        {"SamplingRuleRecords":[{"SamplingRule":{"RuleName":"Default",\
        "RuleARN":"arn:aws:xray:us-west-2:123456789012:sampling-rule/Default",\
        "ResourceARN":"*","Priority":10000,"FixedRate":0.05,"ReservoirSize":1,\
        "ServiceName":"*","ServiceType":"*","Host":"*","HTTPMethod":"*","URLPath":"*",\
        "Version":1,"Attributes":{}},"CreatedAt":0.0,"ModifiedAt":1.0}]}""";
  }

  private static String defaultTargets(JsonNode docs) throws IOException {
    ObjectNode out = JSON.createObjectNode();
    ArrayNode targets = out.putArray("SamplingTargetDocuments");
    double ttl = Instant.now().plusSeconds(10).getEpochSecond();
    Set<String> seen = new java.util.HashSet<>();
    for (JsonNode d : docs) {
      String rule = d.path("RuleName").asText();
      if (seen.add(rule)) {
        ObjectNode t = targets.addObject();
        t.put("RuleName", rule);
        t.put("FixedRate", 0.05);
        t.put("ReservoirQuota", 1);
        t.put("ReservoirQuotaTTL", ttl);
        t.put("Interval", 10);
      }
    }
    out.put("LastRuleModification", 1.0);
    out.putArray("UnprocessedStatistics");
    return JSON.writeValueAsString(out);
  }

  private void shapeError(HttpExchange exchange, String message) throws IOException {
    requestErrors.add(message);
    error(exchange, 400, "InvalidRequestException", message);
  }

  private static void error(HttpExchange exchange, int status, String type, String message)
      throws IOException {
    exchange.getResponseHeaders().set("x-amzn-ErrorType", type);
    ObjectNode body = JSON.createObjectNode();
    body.put("__type", type);
    body.put("message", message);
    send(exchange, status, JSON.writeValueAsString(body));
  }

  private static void send(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.getResponseHeaders().set("x-amzn-RequestId", java.util.UUID.randomUUID().toString());
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }
}
