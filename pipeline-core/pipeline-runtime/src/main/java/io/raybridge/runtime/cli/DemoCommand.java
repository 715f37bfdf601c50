package io.raybridge.runtime.cli;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.IdGenerator;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.raybridge.runtime.config.GoDuration;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code raybridge demo}: sends the traffic of a small simulated shop over OTLP/gRPC, so that a
 * local X-Ray console has a service map, errors and slow requests to show.
 *
 * <p>Requests enter an {@code api-gateway}; checkouts go to {@code checkout}, which reserves stock
 * in {@code inventory} (a DynamoDB table), charges through {@code payment} (a DynamoDB table and an
 * external payment provider over HTTPS) and queues the order on SQS, where {@code order-worker}
 * consumes it. Product page views go to {@code inventory}. About 2 % of requests fail (5xx faults
 * from the payment provider, 4xx errors for bad cards and unknown products), about 0.5 % are
 * throttled with 429, and for the middle fifth of the run the payments table is slow.
 *
 * <p>Spans carry explicit timestamps computed from a latency model, so a run produces realistic
 * durations without waiting for them; requests are paced at {@code --rate} per second.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description =
        "Sends a simulated shop's traces over OTLP/gRPC, e.g. to config-examples/local.yaml.")
public final class DemoCommand implements Callable<Integer> {

  static final String DEFAULT_TARGET = "127.0.0.1:4317";

  /** The simulated services, in the order the summary prints them. */
  static final List<String> SERVICES =
      List.of("api-gateway", "checkout", "inventory", "payment", "order-worker");

  private static final AttributeKey<String> METHOD = AttributeKey.stringKey("http.request.method");
  private static final AttributeKey<Long> STATUS =
      AttributeKey.longKey("http.response.status_code");
  private static final AttributeKey<String> URL = AttributeKey.stringKey("url.full");
  private static final AttributeKey<String> ROUTE = AttributeKey.stringKey("http.route");
  private static final AttributeKey<String> PEER = AttributeKey.stringKey("peer.service");
  private static final AttributeKey<String> SERVER = AttributeKey.stringKey("server.address");
  private static final AttributeKey<String> RPC_SYSTEM = AttributeKey.stringKey("rpc.system");
  private static final AttributeKey<String> RPC_SERVICE = AttributeKey.stringKey("rpc.service");
  private static final AttributeKey<String> RPC_METHOD = AttributeKey.stringKey("rpc.method");
  private static final AttributeKey<List<String>> TABLES =
      AttributeKey.stringArrayKey("aws.dynamodb.table_names");
  private static final AttributeKey<String> REGION = AttributeKey.stringKey("aws.region");
  private static final AttributeKey<String> REQUEST_ID = AttributeKey.stringKey("aws.request_id");
  private static final AttributeKey<String> QUEUE_URL = AttributeKey.stringKey("aws.queue_url");
  private static final AttributeKey<String> ANNOTATED = AttributeKey.stringKey("customer_tier");
  private static final AttributeKey<Long> ITEMS = AttributeKey.longKey("cart_items");
  private static final AttributeKey<List<String>> XRAY_ANNOTATIONS =
      AttributeKey.stringArrayKey("aws.xray.annotations");

  private static final String REGION_NAME = "us-east-1";
  private static final String FUNCTION_ARN =
      "arn:aws:lambda:us-east-1:123456789012:function:order-worker";
  private static final String QUEUE =
      "https://sqs.us-east-1.amazonaws.com/123456789012/shop-orders";

  @Option(
      names = "--target",
      paramLabel = "HOST:PORT",
      defaultValue = DEFAULT_TARGET,
      description = "OTLP/gRPC endpoint to send to (default ${DEFAULT-VALUE}).")
  String target;

  @Option(
      names = "--duration",
      defaultValue = "60s",
      converter = DurationConverter.class,
      description = "How long to send traffic, e.g. 30s or 5m (default ${DEFAULT-VALUE}).")
  Duration duration;

  @Option(
      names = "--rate",
      defaultValue = "10",
      description = "Requests per second entering the shop (default ${DEFAULT-VALUE}).")
  int rate;

  @Option(names = "--seed", description = "Seed of the random traffic, for a repeatable run.")
  Long seed;

  @Spec CommandSpec spec;

  private final PrintStream out;

  /** A demo that prints its summary to standard output. */
  public DemoCommand() {
    this(System.out);
  }

  /** A demo that prints its summary to {@code out}. */
  public DemoCommand(PrintStream out) {
    this.out = Objects.requireNonNull(out, "out");
  }

  /** Parses {@code 2s}, {@code 500ms}, {@code 5m} like the config files do. */
  static final class DurationConverter implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      return GoDuration.parse(value);
    }
  }

  @Override
  public Integer call() {
    if (rate < 1 || rate > 10_000) {
      throw new ParameterException(
          spec.commandLine(), "--rate (" + rate + ") must be between 1 and 10000");
    }
    if (duration.isNegative() || duration.isZero()) {
      throw new ParameterException(
          spec.commandLine(), "--duration (" + GoDuration.format(duration) + ") must be positive");
    }
    String endpoint = target.contains("://") ? target : "http://" + target;
    out.printf(
        "demo: sending a simulated shop's traces to %s for %s at %d requests/s%n",
        endpoint, GoDuration.format(duration), rate);
    Counters counters = new Counters();
    Map<String, SdkTracerProvider> providers = new LinkedHashMap<>();
    Map<String, Tracer> tracers = new LinkedHashMap<>();
    for (String service : SERVICES) {
      SdkTracerProvider provider = provider(service, endpoint, counters);
      providers.put(service, provider);
      tracers.put(service, provider.get("io.raybridge.demo"));
    }
    Shop shop = new Shop(tracers, seed == null ? new Random() : new Random(seed), counters);
    long startNanos = System.nanoTime();
    long totalNanos = duration.toNanos();
    long sent = 0;
    try {
      while (true) {
        long elapsed = System.nanoTime() - startNanos;
        if (elapsed >= totalNanos) {
          break;
        }
        long due = sent * 1_000_000_000L / rate;
        if (due > elapsed) {
          // Pacing, not waiting for a result: requests are spread over the run like real traffic.
          TimeUnit.NANOSECONDS.sleep(Math.min(due - elapsed, totalNanos - elapsed));
          continue;
        }
        double progress = (double) elapsed / totalNanos;
        shop.request(progress >= 0.4 && progress < 0.6);
        sent++;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      for (SdkTracerProvider provider : providers.values()) {
        provider.shutdown().join(10, TimeUnit.SECONDS);
      }
    }
    printSummary(sent, counters);
    return counters.failedSpans.get() == 0 ? 0 : 1;
  }

  private void printSummary(long requests, Counters c) {
    out.printf(
        "demo: %d requests: %d ok, %d errors (4xx), %d throttled (429), %d faults (5xx); "
            + "slow payments table from %s to %s%n",
        requests,
        c.ok.get(),
        c.errors.get(),
        c.throttles.get(),
        c.faults.get(),
        GoDuration.format(duration.multipliedBy(2).dividedBy(5)),
        GoDuration.format(duration.multipliedBy(3).dividedBy(5)));
    out.printf(
        "demo: services %s; %d spans exported, %d failed%n",
        String.join(", ", SERVICES), c.exportedSpans.get(), c.failedSpans.get());
    if (c.failedSpans.get() > 0) {
      out.printf("demo: is a collector listening on %s? (config-examples/local.yaml)%n", target);
    }
  }

  private static SdkTracerProvider provider(String service, String endpoint, Counters counters) {
    Resource resource =
        Resource.getDefault()
            .merge(
                Resource.create(
                    Attributes.builder()
                        .put("service.name", service)
                        .put("service.version", "1.4.2")
                        .put("deployment.environment.name", "demo")
                        .put("cloud.provider", "aws")
                        .put(
                            "cloud.platform",
                            service.equals("order-worker") ? "aws_lambda" : "aws_ecs")
                        .put("cloud.region", REGION_NAME)
                        .put("cloud.account.id", "123456789012")
                        .build()));
    SpanExporter exporter =
        new CountingExporter(
            OtlpGrpcSpanExporter.builder()
                .setEndpoint(endpoint)
                .setTimeout(Duration.ofSeconds(5))
                // A demo's spans are not worth minutes of retries when no collector listens.
                .setRetryPolicy(null)
                .build(),
            counters);
    return SdkTracerProvider.builder()
        .setResource(resource)
        .setIdGenerator(XRAY_IDS)
        .addSpanProcessor(
            BatchSpanProcessor.builder(exporter)
                .setMaxQueueSize(50_000)
                .setMaxExportBatchSize(1_000)
                .setScheduleDelay(Duration.ofMillis(500))
                .build())
        .build();
  }

  /**
   * Trace ids that start with the current epoch second, as X-Ray's do: X-Ray (and the local
   * service) finds traces by the time in their id, which random W3C ids do not carry.
   */
  static final IdGenerator XRAY_IDS =
      new IdGenerator() {
        @Override
        public String generateSpanId() {
          return IdGenerator.random().generateSpanId();
        }

        @Override
        public String generateTraceId() {
          String random = IdGenerator.random().generateTraceId();
          return String.format(java.util.Locale.ROOT, "%08x", System.currentTimeMillis() / 1000)
              + random.substring(8);
        }
      };

  /** Outcome counts of the requests and of the export. */
  private static final class Counters {
    final AtomicLong ok = new AtomicLong();
    final AtomicLong errors = new AtomicLong();
    final AtomicLong throttles = new AtomicLong();
    final AtomicLong faults = new AtomicLong();
    final AtomicLong exportedSpans = new AtomicLong();
    final AtomicLong failedSpans = new AtomicLong();
  }

  /** Counts what the OTLP exporter delivered, for the summary. */
  private static final class CountingExporter implements SpanExporter {
    private final SpanExporter delegate;
    private final Counters counters;

    CountingExporter(SpanExporter delegate, Counters counters) {
      this.delegate = delegate;
      this.counters = counters;
    }

    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
      int n = spans.size();
      CompletableResultCode result = delegate.export(spans);
      result.whenComplete(
          () -> (result.isSuccess() ? counters.exportedSpans : counters.failedSpans).addAndGet(n));
      return result;
    }

    @Override
    public CompletableResultCode flush() {
      return delegate.flush();
    }

    @Override
    public CompletableResultCode shutdown() {
      return delegate.shutdown();
    }
  }

  /** The simulated shop: one call builds one request's spans with modelled timestamps. */
  private static final class Shop {
    private final Map<String, Tracer> tracers;
    private final Random random;
    private final Counters counters;
    private long requestNumber;

    Shop(Map<String, Tracer> tracers, Random random, Counters counters) {
      this.tracers = tracers;
      this.random = random;
      this.counters = counters;
    }

    /** Milliseconds from a log-normal distribution around {@code medianMs}: a long right tail. */
    private long latencyNanos(double medianMs) {
      double ms = medianMs * Math.exp(0.45 * random.nextGaussian());
      return (long) (ms * 1_000_000);
    }

    private static long nowNanos() {
      return TimeUnit.MILLISECONDS.toNanos(System.currentTimeMillis());
    }

    private Span start(
        String service, String name, SpanKind kind, Context parent, long at, Attributes attrs) {
      return tracers
          .get(service)
          .spanBuilder(name)
          .setSpanKind(kind)
          .setParent(parent)
          .setStartTimestamp(at, TimeUnit.NANOSECONDS)
          .setAllAttributes(attrs)
          .startSpan();
    }

    private static void finish(Span span, int status, long end) {
      span.setAttribute(STATUS, (long) status);
      if (status >= 500) {
        span.setStatus(StatusCode.ERROR);
      }
      span.end(end, TimeUnit.NANOSECONDS);
    }

    void request(boolean slowDatabase) {
      requestNumber++;
      long at = nowNanos();
      boolean checkout = random.nextDouble() < 0.55;
      String route = checkout ? "/api/checkout" : "/api/products/{id}";
      String path = checkout ? "/api/checkout" : "/api/products/" + (1000 + random.nextInt(250));
      String method = checkout ? "POST" : "GET";
      String tier = random.nextDouble() < 0.2 ? "gold" : "standard";
      Span gateway =
          start(
              "api-gateway",
              method + " " + route,
              SpanKind.SERVER,
              Context.root(),
              at,
              Attributes.builder()
                  .put(METHOD, method)
                  .put(ROUTE, route)
                  .put(URL, "https://shop.example.com" + path)
                  .put(SERVER, "shop.example.com")
                  .put("user_agent.original", "Mozilla/5.0 (X11; Linux x86_64) ShopApp/3.2")
                  .put("client.address", "203.0.113." + (1 + random.nextInt(200)))
                  .put(ANNOTATED, tier)
                  .put(XRAY_ANNOTATIONS, List.of("customer_tier", "cart_items"))
                  .build());
      long t = at + latencyNanos(2);
      int status;
      if (random.nextDouble() < 0.006) {
        // The gateway's own rate limit: answered at once, nothing downstream.
        status = 429;
        t += latencyNanos(1);
      } else {
        Context ctx = Context.root().with(gateway);
        String downstream = checkout ? "checkout" : "inventory";
        String downstreamPath = checkout ? "/checkout" : path.replace("/api", "/inventory");
        Span call =
            start(
                "api-gateway",
                downstream,
                SpanKind.CLIENT,
                ctx,
                t,
                Attributes.of(
                    METHOD, method,
                    URL, "http://" + downstream + ".shop.internal:8080" + downstreamPath,
                    PEER, downstream));
        long inner = t + latencyNanos(1);
        Context callCtx = ctx.with(call);
        long[] end = new long[1];
        status =
            checkout
                ? checkout(callCtx, inner, slowDatabase, end)
                : productPage(callCtx, inner, downstreamPath, end);
        if (checkout) {
          gateway.setAttribute(ITEMS, 1L + random.nextInt(5));
        }
        t = end[0] + latencyNanos(1);
        finish(call, status, t);
        t += latencyNanos(1);
        if (status >= 500) {
          status = 502;
        }
      }
      finish(gateway, status, t);
      count(status);
    }

    private void count(int status) {
      if (status == 429) {
        counters.throttles.incrementAndGet();
      } else if (status >= 500) {
        counters.faults.incrementAndGet();
      } else if (status >= 400) {
        counters.errors.incrementAndGet();
      } else {
        counters.ok.incrementAndGet();
      }
    }

    private int productPage(Context parent, long at, String path, long[] end) {
      Span server =
          start(
              "inventory",
              "GET /inventory/products/{id}",
              SpanKind.SERVER,
              parent,
              at,
              Attributes.of(
                  METHOD, "GET",
                  ROUTE, "/inventory/products/{id}",
                  URL, "http://inventory.shop.internal:8080" + path));
      long t = at + latencyNanos(1.5);
      t = dynamo("inventory", Context.root().with(server), t, "GetItem", "products", 6, 200);
      int status = random.nextDouble() < 0.01 ? 404 : 200;
      t += latencyNanos(2);
      finish(server, status, t);
      end[0] = t;
      return status;
    }

    private int checkout(Context parent, long at, boolean slowDatabase, long[] end) {
      Span server =
          start(
              "checkout",
              "POST /checkout",
              SpanKind.SERVER,
              parent,
              at,
              Attributes.of(
                  METHOD, "POST",
                  ROUTE, "/checkout",
                  URL, "http://checkout.shop.internal:8080/checkout"));
      Context ctx = Context.root().with(server);
      long t = at + latencyNanos(3);
      // Stock is reserved first; an empty shelf ends the checkout with 409.
      Span reserve =
          start(
              "checkout",
              "inventory",
              SpanKind.CLIENT,
              ctx,
              t,
              Attributes.of(
                  METHOD, "POST",
                  URL, "http://inventory.shop.internal:8080/inventory/reserve",
                  PEER, "inventory"));
      Span reserveServer =
          start(
              "inventory",
              "POST /inventory/reserve",
              SpanKind.SERVER,
              ctx.with(reserve),
              t + latencyNanos(1),
              Attributes.of(
                  METHOD, "POST",
                  ROUTE, "/inventory/reserve",
                  URL, "http://inventory.shop.internal:8080/inventory/reserve"));
      long r = t + latencyNanos(2);
      r = dynamo("inventory", Context.root().with(reserveServer), r, "UpdateItem", "stock", 8, 200);
      int reserved = random.nextDouble() < 0.005 ? 409 : 200;
      r += latencyNanos(1);
      finish(reserveServer, reserved, r);
      t = r + latencyNanos(1);
      finish(reserve, reserved, t);
      int status = reserved;
      if (reserved == 200) {
        status = payment(ctx, t, slowDatabase, end);
        t = end[0];
        if (status == 200) {
          t = enqueue(ctx, t);
        }
      }
      t += latencyNanos(2);
      if (status >= 500) {
        server.recordException(
            new IllegalStateException("payment failed with HTTP " + status),
            Attributes.of(AttributeKey.booleanKey("exception.escaped"), true));
      }
      finish(server, status, t);
      end[0] = t;
      return status;
    }

    private int payment(Context parent, long at, boolean slowDatabase, long[] end) {
      Span call =
          start(
              "checkout",
              "payment",
              SpanKind.CLIENT,
              parent,
              at,
              Attributes.of(
                  METHOD, "POST",
                  URL, "http://payment.shop.internal:8080/payments",
                  PEER, "payment"));
      Span server =
          start(
              "payment",
              "POST /payments",
              SpanKind.SERVER,
              parent.with(call),
              at + latencyNanos(1),
              Attributes.of(
                  METHOD, "POST",
                  ROUTE, "/payments",
                  URL, "http://payment.shop.internal:8080/payments"));
      Context ctx = Context.root().with(server);
      long t = at + latencyNanos(3);
      int status;
      if (random.nextDouble() < 0.008) {
        status = 402; // card declined: the client's error
        t += latencyNanos(5);
      } else {
        // The external payment provider: slow, and the source of most faults.
        Span provider =
            start(
                "payment",
                "api.payments-provider.example",
                SpanKind.CLIENT,
                ctx,
                t,
                Attributes.of(
                    METHOD, "POST",
                    URL, "https://api.payments-provider.example/v1/charges",
                    SERVER, "api.payments-provider.example"));
        boolean fault = random.nextDouble() < 0.012;
        t += fault ? latencyNanos(900) : latencyNanos(120);
        int providerStatus = fault ? 502 : 201;
        if (fault) {
          provider.recordException(
              new IllegalStateException(
                  "payment provider answered 502 Bad Gateway (request " + requestNumber + ")"));
        }
        finish(provider, providerStatus, t);
        if (fault) {
          status = 500;
          server.recordException(
              new IllegalStateException("charge could not be completed: provider unavailable"));
        } else {
          t = dynamo("payment", ctx, t, "PutItem", "payments", slowDatabase ? 450 : 9, 200);
          status = 200;
        }
      }
      t += latencyNanos(1);
      finish(server, status, t);
      t += latencyNanos(1);
      finish(call, status, t);
      end[0] = t;
      return status;
    }

    /** A DynamoDB call as the AWS SDK instrumentation records it. */
    private long dynamo(
        String service, Context parent, long at, String operation, String table, double ms, int s) {
      Span span =
          start(
              service,
              "DynamoDB." + operation,
              SpanKind.CLIENT,
              parent,
              at,
              Attributes.builder()
                  .put(RPC_SYSTEM, "aws-api")
                  .put(RPC_SERVICE, "DynamoDB")
                  .put(RPC_METHOD, operation)
                  .put(TABLES, List.of(table))
                  .put(REGION, REGION_NAME)
                  .put(REQUEST_ID, requestId())
                  .put(METHOD, "POST")
                  .put(URL, "https://dynamodb.us-east-1.amazonaws.com/")
                  .put(SERVER, "dynamodb.us-east-1.amazonaws.com")
                  .build());
      long end = at + latencyNanos(ms);
      finish(span, s, end);
      return end;
    }

    /**
     * The order goes on SQS; order-worker, an SQS-triggered function, picks it up a little later.
     * As the Lambda instrumentation records it, the invocation starts a trace of its own (a SERVER
     * span) and processing the message is a CONSUMER span linked to the message's producer span.
     */
    private long enqueue(Context parent, long at) {
      Span send =
          start(
              "checkout",
              "shop-orders publish",
              SpanKind.PRODUCER,
              parent,
              at,
              Attributes.builder()
                  .put(RPC_SYSTEM, "aws-api")
                  .put(RPC_SERVICE, "SQS")
                  .put(RPC_METHOD, "SendMessage")
                  .put(QUEUE_URL, QUEUE)
                  .put(REGION, REGION_NAME)
                  .put(REQUEST_ID, requestId())
                  .put("messaging.system", "aws_sqs")
                  .put("messaging.destination.name", "shop-orders")
                  .put("messaging.operation.type", "send")
                  .build());
      long sent = at + latencyNanos(7);
      finish(send, 200, sent);
      long received = sent + latencyNanos(60);
      Span invocation =
          start(
              "order-worker",
              "order-worker",
              SpanKind.SERVER,
              Context.root(),
              received,
              Attributes.builder()
                  .put("faas.trigger", "pubsub")
                  .put("faas.name", "order-worker")
                  .put("cloud.resource_id", FUNCTION_ARN)
                  .build());
      Span process =
          tracers
              .get("order-worker")
              .spanBuilder("shop-orders process")
              .setSpanKind(SpanKind.CONSUMER)
              .setParent(Context.root().with(invocation))
              .addLink(send.getSpanContext())
              .setStartTimestamp(received, TimeUnit.NANOSECONDS)
              .setAllAttributes(
                  Attributes.builder()
                      // Messaging attributes only: rpc.* would make it look like an SDK call.
                      .put("messaging.system", "aws_sqs")
                      .put("messaging.destination.name", "shop-orders")
                      .put("messaging.operation.type", "process")
                      .build())
              .startSpan();
      long t = received + latencyNanos(2);
      t = dynamo("order-worker", Context.root().with(process), t, "PutItem", "orders", 8, 200);
      t += latencyNanos(1);
      process.end(t, TimeUnit.NANOSECONDS);
      invocation.end(t + latencyNanos(2), TimeUnit.NANOSECONDS);
      return sent;
    }

    private String requestId() {
      return String.format(java.util.Locale.ROOT, "%016X%08X", random.nextLong(), random.nextInt());
    }
  }
}
