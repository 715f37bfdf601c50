package io.raybridge.runtime.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class DemoCommandTest {

  /** One received span with its resource's attributes. */
  private record Received(List<KeyValue> resource, Span span) {
    Optional<AnyValue> attribute(String key) {
      return find(span.getAttributesList(), key);
    }

    String service() {
      return find(resource, "service.name").map(AnyValue::getStringValue).orElse("");
    }

    long status() {
      return attribute("http.response.status_code").map(AnyValue::getIntValue).orElse(0L);
    }
  }

  private final ConcurrentLinkedQueue<ExportTraceServiceRequest> requests =
      new ConcurrentLinkedQueue<>();
  private Server server;

  @BeforeEach
  void startOtlpServer() throws Exception {
    server =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
            .addService(
                new TraceServiceGrpc.TraceServiceImplBase() {
                  @Override
                  public void export(
                      ExportTraceServiceRequest request,
                      StreamObserver<ExportTraceServiceResponse> response) {
                    requests.add(request);
                    response.onNext(ExportTraceServiceResponse.getDefaultInstance());
                    response.onCompleted();
                  }
                })
            .build()
            .start();
  }

  @AfterEach
  void stopOtlpServer() throws Exception {
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }

  private static Optional<AnyValue> find(List<KeyValue> attributes, String key) {
    return attributes.stream()
        .filter(kv -> kv.getKey().equals(key))
        .map(KeyValue::getValue)
        .findFirst();
  }

  private List<Received> received() {
    List<Received> all = new ArrayList<>();
    for (ExportTraceServiceRequest request : requests) {
      for (ResourceSpans rs : request.getResourceSpansList()) {
        for (ScopeSpans ss : rs.getScopeSpansList()) {
          for (Span span : ss.getSpansList()) {
            all.add(new Received(rs.getResource().getAttributesList(), span));
          }
        }
      }
    }
    return all;
  }

  private String run(String... args) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    int exit = new CommandLine(new DemoCommand(out)).execute(args);
    assertThat(exit).as("exit code, output: %s", bytes).isZero();
    return bytes.toString(StandardCharsets.UTF_8);
  }

  @Test
  void sendsTheShopsServicesSpanKindsAndErrorsOverOtlpGrpc() {
    String output =
        run(
            "--target",
            "127.0.0.1:" + server.getPort(),
            "--duration",
            "2s",
            "--rate",
            "300",
            "--seed",
            "42");

    // The command shuts its SDK down before returning, so everything has arrived by now.
    List<Received> spans = received();
    assertThat(spans).isNotEmpty();
    assertThat(spans.stream().map(Received::service).distinct())
        .containsExactlyInAnyOrder(
            "api-gateway", "checkout", "inventory", "payment", "order-worker");
    assertThat(spans.stream().map(r -> r.span().getKind()).distinct())
        .contains(
            Span.SpanKind.SPAN_KIND_SERVER,
            Span.SpanKind.SPAN_KIND_CLIENT,
            Span.SpanKind.SPAN_KIND_PRODUCER,
            Span.SpanKind.SPAN_KIND_CONSUMER);
    long now = System.currentTimeMillis() / 1000;
    for (Received r : spans) {
      // X-Ray-style ids: the first four bytes are the epoch second the trace began.
      long epoch =
          r.span().getTraceId().substring(0, 4).asReadOnlyByteBuffer().getInt() & 0xffffffffL;
      assertThat(epoch).isBetween(now - 60, now + 1);
      assertThat(find(r.resource(), "cloud.provider").map(AnyValue::getStringValue))
          .contains("aws");
      assertThat(find(r.resource(), "cloud.platform")).isPresent();
    }

    // The queue consumer is an SQS-triggered function: its own trace, linked to the producer.
    assertThat(spans)
        .filteredOn(r -> r.span().getKind() == Span.SpanKind.SPAN_KIND_CONSUMER)
        .allSatisfy(
            r -> {
              assertThat(r.service()).isEqualTo("order-worker");
              assertThat(r.span().getLinksList()).hasSize(1);
              assertThat(r.span().getLinks(0).getTraceId()).isNotEqualTo(r.span().getTraceId());
            });

    List<Received> dynamo =
        spans.stream()
            .filter(
                r ->
                    r.attribute("rpc.service")
                        .map(AnyValue::getStringValue)
                        .orElse("")
                        .equals("DynamoDB"))
            .toList();
    assertThat(dynamo).isNotEmpty();
    assertThat(dynamo)
        .allSatisfy(
            r -> {
              assertThat(r.span().getKind()).isEqualTo(Span.SpanKind.SPAN_KIND_CLIENT);
              assertThat(r.attribute("rpc.system").map(AnyValue::getStringValue))
                  .contains("aws-api");
              assertThat(r.attribute("aws.dynamodb.table_names")).isPresent();
            });
    assertThat(dynamo.stream().map(r -> r.attribute("rpc.method").orElseThrow().getStringValue()))
        .contains("PutItem");
    assertThat(spans)
        .anySatisfy(
            r ->
                assertThat(r.attribute("url.full").map(AnyValue::getStringValue).orElse(""))
                    .startsWith("https://api.payments-provider.example/"));

    // Faults, client errors and throttles all occur at the gateway, the entry point of requests.
    Set<Long> gatewayStatuses = new HashSet<>();
    for (Received r : spans) {
      if (r.service().equals("api-gateway")
          && r.span().getKind() == Span.SpanKind.SPAN_KIND_SERVER) {
        gatewayStatuses.add(r.status());
      }
    }
    assertThat(gatewayStatuses).contains(200L, 429L, 502L);
    assertThat(gatewayStatuses).anyMatch(s -> s >= 400 && s < 500 && s != 429);
    assertThat(spans)
        .anySatisfy(
            r -> {
              assertThat(r.span().getStatus().getCode())
                  .isEqualTo(io.opentelemetry.proto.trace.v1.Status.StatusCode.STATUS_CODE_ERROR);
              assertThat(r.span().getEventsList())
                  .anySatisfy(e -> assertThat(e.getName()).isEqualTo("exception"));
            });

    assertThat(output).contains("spans exported, 0 failed").contains("faults (5xx)");
  }

  @Test
  void reportsFailureWhenNothingListensAtTheTarget() throws Exception {
    int port = server.getPort();
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int exit =
        new CommandLine(new DemoCommand(new PrintStream(bytes, true, StandardCharsets.UTF_8)))
            .execute("--target", "127.0.0.1:" + port, "--duration", "200ms", "--rate", "20");
    assertThat(exit).isOne();
    assertThat(bytes.toString(StandardCharsets.UTF_8)).contains("is a collector listening on");
  }

  @Test
  void refusesANonPositiveRate() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    CommandLine cli =
        new CommandLine(new DemoCommand(new PrintStream(new ByteArrayOutputStream())));
    cli.setErr(new java.io.PrintWriter(err, true, StandardCharsets.UTF_8));
    int exit = cli.execute("--rate", "0", "--duration", "1s");
    assertThat(exit).isNotZero();
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("--rate (0) must be between");
  }
}
