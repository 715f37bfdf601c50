package io.raybridge.receiver.awsxray;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.xray.AWSXRayRecorder;
import com.amazonaws.xray.AWSXRayRecorderBuilder;
import com.amazonaws.xray.config.DaemonConfiguration;
import com.amazonaws.xray.emitters.Emitter;
import com.amazonaws.xray.entities.Segment;
import com.amazonaws.xray.entities.Subsegment;
import com.amazonaws.xray.strategy.DefaultStreamingStrategy;
import com.amazonaws.xray.strategy.StreamingStrategy;
import com.amazonaws.xray.strategy.sampling.AllSamplingStrategy;
import com.amazonaws.xray.strategy.sampling.CentralizedSamplingStrategy;
import com.amazonaws.xray.strategy.sampling.SamplingRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.Span;
import io.raybridge.testing.Poll;
import io.raybridge.testing.TracesSink;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The X-Ray SDK for Java as the client: real segments over UDP, real centralized sampling. */
class XRaySdkTest {

  private static final Duration WAIT = Duration.ofSeconds(20);

  private final TracesSink sink = new TracesSink();

  private static AWSXRayRecorder recorder(Harness h, StreamingStrategy streaming) throws Exception {
    DaemonConfiguration daemon = new DaemonConfiguration();
    daemon.setDaemonAddress("127.0.0.1:" + h.udp().getPort());
    return AWSXRayRecorderBuilder.standard()
        .withEmitter(Emitter.create(daemon))
        .withSamplingStrategy(new AllSamplingStrategy())
        .withStreamingStrategy(streaming)
        .build();
  }

  /** A request with an annotation, metadata, HTTP and SQL blocks and a failed downstream call. */
  private static void traceCheckout(AWSXRayRecorder recorder) {
    Segment segment = recorder.beginSegment("checkout-service");
    segment.putHttp("request", Map.of("method", "GET", "url", "https://shop.example.com/cart"));
    segment.putAnnotation("customer_tier", "gold");
    segment.putMetadata("debug", "cart", Map.of("items", 3));

    Subsegment db = recorder.beginSubsegment("orders-db");
    db.setNamespace("remote");
    db.putSql("url", "jdbc:postgresql://db.internal:5432/orders");
    db.putSql("sanitized_query", "SELECT * FROM orders WHERE id = ?");
    recorder.endSubsegment();

    Subsegment payments = recorder.beginSubsegment("payments");
    payments.setFault(true);
    payments.addException(new IllegalStateException("card declined"));
    recorder.endSubsegment();

    segment.putHttp("response", Map.of("status", 502));
    recorder.endSegment();
  }

  private void assertCheckoutSpans() {
    sink.awaitSpanCount(3, WAIT);
    List<Span> spans = sink.spans();
    assertThat(Spans.names(spans))
        .containsExactlyInAnyOrder("checkout-service", "orders-db", "payments");
    Span checkout = Spans.named(spans, "checkout-service");
    Span db = Spans.named(spans, "orders-db");
    Span payments = Spans.named(spans, "payments");

    assertThat(db.getTraceId()).isEqualTo(checkout.getTraceId());
    assertThat(db.getParentSpanId()).isEqualTo(checkout.getSpanId());
    assertThat(payments.getParentSpanId()).isEqualTo(checkout.getSpanId());
    assertThat(Spans.string(checkout, "http.request.method")).isEqualTo("GET");
    assertThat(Spans.string(checkout, "url.full")).isEqualTo("https://shop.example.com/cart");
    assertThat(Spans.attribute(checkout, "http.response.status_code"))
        .hasValueSatisfying(v -> assertThat(v.getIntValue()).isEqualTo(502));
    assertThat(Spans.string(checkout, "customer_tier")).isEqualTo("gold");
    assertThat(Spans.string(checkout, "aws.xray.metadata.debug")).contains("\"items\":3");
    assertThat(Spans.string(db, "db.query.text")).isEqualTo("SELECT * FROM orders WHERE id = ?");
    assertThat(payments.getEventsList())
        .anySatisfy(
            e -> {
              assertThat(e.getName()).isEqualTo("exception");
              assertThat(e.getAttributesList())
                  .extracting(KeyValue::getKey, kv -> kv.getValue().getStringValue())
                  .contains(
                      org.assertj.core.groups.Tuple.tuple("exception.message", "card declined"),
                      org.assertj.core.groups.Tuple.tuple(
                          "exception.type", "java.lang.IllegalStateException"));
            });
  }

  @Test
  void receivesASegmentWithSubsegmentsFromTheSdk() throws Exception {
    try (Harness h = Harness.start(Harness.loopback(), sink)) {
      traceCheckout(recorder(h, new DefaultStreamingStrategy()));
      assertCheckoutSpans();
      Poll.await(() -> h.accepted() == 3, WAIT, () -> "accepted " + h.accepted());
      assertThat(h.refused()).isZero();
    }
  }

  @Test
  void receivesSubsegmentsTheSdkStreamsAheadOfTheirSegment() throws Exception {
    try (Harness h = Harness.start(Harness.loopback(), sink)) {
      // Streaming after one subsegment makes the SDK send each subsegment as its own document.
      traceCheckout(recorder(h, new DefaultStreamingStrategy(1)));
      assertCheckoutSpans();
      assertThat(h.refused()).isZero();
    }
  }

  @Test
  void theSdksCentralizedSamplingFollowsLocallyServedRules() throws Exception {
    AwsXrayReceiverConfig config =
        Harness.loopback(
            Harness.rule("health", 1, 0.0, 0, "GET", "/health"),
            Harness.rule("api", 2, 1.0, 0, "*", "/api/*"));
    String property = DaemonConfiguration.DAEMON_ADDRESS_SYSTEM_PROPERTY_KEY;
    String previous = System.getProperty(property);
    try (Harness h = Harness.start(config, sink)) {
      System.setProperty(
          property, "tcp:127.0.0.1:" + h.tcp().getPort() + " udp:127.0.0.1:" + h.udp().getPort());
      CentralizedSamplingStrategy strategy = new CentralizedSamplingStrategy();
      try {
        // The SDK fetches rules when first asked; until then its built-in default applies.
        Poll.await(
            () ->
                sampled(strategy, "/health", 50) == 0 && sampled(strategy, "/api/orders", 50) == 50,
            WAIT,
            () -> "the SDK did not apply the served rules");
        assertThat(sampled(strategy, "/health", 200)).isZero();
        assertThat(sampled(strategy, "/api/orders", 200)).isEqualTo(200);
      } finally {
        strategy.shutdown();
      }
    } finally {
      if (previous == null) {
        System.clearProperty(property);
      } else {
        System.setProperty(property, previous);
      }
    }
  }

  private static int sampled(CentralizedSamplingStrategy strategy, String path, int requests) {
    int n = 0;
    for (int i = 0; i < requests; i++) {
      SamplingRequest request = new SamplingRequest("shop", "shop.example.com", path, "GET", null);
      if (strategy.shouldTrace(request).isSampled()) {
        n++;
      }
    }
    return n;
  }
}
