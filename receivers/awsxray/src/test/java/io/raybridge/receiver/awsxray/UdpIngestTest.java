package io.raybridge.receiver.awsxray;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.trace.v1.Span;
import io.raybridge.pipeline.ConsumerException;
import io.raybridge.pipeline.Traces;
import io.raybridge.testing.FailingConsumer;
import io.raybridge.testing.Poll;
import io.raybridge.testing.TracesSink;
import io.raybridge.xray.SegmentCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class UdpIngestTest {

  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final String TRACE = "1-5759e988-bd862e3fe1be46a994272793";

  private static String segment(String name, String id, String extra) {
    return "{\"name\":\""
        + name
        + "\",\"id\":\""
        + id
        + "\",\"trace_id\":\""
        + TRACE
        + "\",\"start_time\":1478293361.271,"
        + extra
        + "}";
  }

  private static String finished(String name, String id) {
    return segment(name, id, "\"end_time\":1478293361.449");
  }

  private final TracesSink sink = new TracesSink();

  @Test
  void acceptsTheHeaderSpellingsOfDifferentSdks() throws Exception {
    List<String> headers =
        List.of(
            "{\"format\":\"json\",\"version\":1}\n", // Go, .NET
            "{\"format\": \"json\", \"version\": 1}\n", // Java, Node.js, Python
            "{ \"version\" : 1 , \"format\" : \"JSON\" }\n", // key order and case
            "{\"format\":\"json\",\"version\":1}\r\n"); // CRLF
    try (Harness h = Harness.start(Harness.loopback(), sink)) {
      for (int i = 0; i < headers.size(); i++) {
        h.send(headers.get(i) + finished("svc-" + i, "70de5b6f19ff9a0" + i));
      }
      sink.awaitSpanCount(headers.size(), WAIT);
      assertThat(Spans.names(sink.spans()))
          .containsExactlyInAnyOrder("svc-0", "svc-1", "svc-2", "svc-3");
      Poll.await(() -> h.accepted() == 4, WAIT, () -> "accepted " + h.accepted());
      assertThat(h.refused()).isZero();
    }
  }

  @Test
  void convertsSegmentsWithNestedSubsegmentsAndIndependentSubsegmentsSentBeforeTheirParent()
      throws Exception {
    String parentId = "70de5b6f19ff9a0a";
    String independent =
        "{\"type\":\"subsegment\",\"name\":\"orders-db\",\"id\":\"a1b2c3d4e5f60718\","
            + "\"trace_id\":\""
            + TRACE
            + "\",\"parent_id\":\""
            + parentId
            + "\",\"start_time\":1478293361.3,\"end_time\":1478293361.4,"
            + "\"namespace\":\"remote\",\"sql\":{\"url\":\"jdbc:postgresql://db/orders\","
            + "\"sanitized_query\":\"SELECT * FROM orders WHERE id = ?\"}}";
    String parent =
        segment(
            "checkout",
            parentId,
            "\"end_time\":1478293361.449,\"http\":{\"request\":{\"method\":\"POST\","
                + "\"url\":\"https://shop.example.com/cart\"},\"response\":{\"status\":200}},"
                + "\"annotations\":{\"customer_tier\":\"gold\"},"
                + "\"subsegments\":[{\"name\":\"pricing\",\"id\":\"0f0e0d0c0b0a0908\","
                + "\"start_time\":1478293361.28,\"end_time\":1478293361.29}]");
    try (Harness h = Harness.start(Harness.loopback(), sink)) {
      h.send(Harness.HEADER + independent);
      h.send(Harness.HEADER + parent);
      sink.awaitSpanCount(3, WAIT);

      List<Span> spans = sink.spans();
      Span checkout = Spans.named(spans, "checkout");
      Span pricing = Spans.named(spans, "pricing");
      Span db = Spans.named(spans, "orders-db");
      assertThat(Spans.hex(checkout.getSpanId())).isEqualTo(parentId);
      assertThat(Spans.hex(checkout.getTraceId())).isEqualTo("5759e988bd862e3fe1be46a994272793");
      assertThat(Spans.hex(pricing.getParentSpanId())).isEqualTo(parentId);
      assertThat(Spans.hex(db.getParentSpanId())).isEqualTo(parentId);
      assertThat(Spans.string(checkout, "http.request.method")).isEqualTo("POST");
      assertThat(Spans.string(checkout, "customer_tier")).isEqualTo("gold");
      assertThat(Spans.string(db, "db.query.text")).isEqualTo("SELECT * FROM orders WHERE id = ?");
    }
  }

  @Test
  void acceptsNumberFormatsKeyOrdersAndNullMembersOfDifferentSdks() throws Exception {
    String exponent =
        "{\"trace_id\":\""
            + TRACE
            + "\",\"start_time\":1.478293361271E9,\"end_time\":1.478293361449E9,"
            + "\"id\":\"0000000000000a01\",\"name\":\"exponent\"}";
    String nulls =
        "{\"name\":\"nulls\",\"id\":\"0000000000000a02\",\"trace_id\":\""
            + TRACE
            + "\",\"parent_id\":null,\"start_time\":1478293361,\"end_time\":1478293362,"
            + "\"aws\":null,\"annotations\":null,\"subsegments\":[]}";
    try (Harness h = Harness.start(Harness.loopback(), sink)) {
      h.send(Harness.HEADER + exponent);
      h.send("{\"format\": \"json\", \"version\": 1}\n" + nulls);
      sink.awaitSpanCount(2, WAIT);
      Span e = Spans.named(sink.spans(), "exponent");
      assertThat(e.getStartTimeUnixNano()).isEqualTo(1_478_293_361_271_000_000L);
      assertThat(Spans.named(sink.spans(), "nulls").getParentSpanId().isEmpty()).isTrue();
      assertThat(h.refused()).isZero();
    }
  }

  @Test
  void deliversEachDocumentBesideItsSpansAsTheSenderWroteIt() throws Exception {
    String first = finished("first", "0000000000000b01");
    String second = " " + finished("second", "0000000000000b02").replace(",", " , ");
    try (Harness h = Harness.start(Harness.loopback(), sink)) {
      h.send(Harness.HEADER + first);
      h.send("{\"format\": \"json\", \"version\": 1}\n" + second + "\n");
      sink.awaitSpanCount(2, WAIT);
    }
    Traces all = sink.all();
    List<String> documents =
        all.sourceDocuments(SegmentCodec.DOCUMENT_FORMAT).stream()
            .map(ByteString::toStringUtf8)
            .toList();
    assertThat(all.hasSourceDocuments()).isTrue();
    assertThat(documents).containsExactlyInAnyOrder(first, second.trim());
    for (int i = 0; i < documents.size(); i++) {
      String name = all.resourceSpans().get(i).getScopeSpans(0).getSpans(0).getName();
      assertThat(documents.get(i)).contains("\"name\":\"" + name + "\"");
    }
  }

  @Test
  void passesOnAnInProgressDocumentAndThenTheCompleteOne() throws Exception {
    String id = "1234567890abcdef";
    try (Harness h = Harness.start(Harness.loopback(), sink)) {
      h.send(Harness.HEADER + segment("long-job", id, "\"in_progress\":true"));
      sink.awaitSpanCount(1, WAIT);
      h.send(Harness.HEADER + finished("long-job", id));
      sink.awaitSpanCount(2, WAIT);

      List<Span> spans = sink.spans();
      assertThat(spans).extracting(Span::getName).containsExactly("long-job", "long-job");
      assertThat(Spans.attribute(spans.get(0), "aws.xray.inprogress"))
          .hasValueSatisfying(v -> assertThat(v.getBoolValue()).isTrue());
      assertThat(Spans.attribute(spans.get(1), "aws.xray.inprogress")).isEmpty();
      assertThat(spans.get(1).getEndTimeUnixNano()).isGreaterThan(0);
    }
  }

  @Test
  void countsEachKindOfBadDatagramByReasonAndKeepsServing() throws Exception {
    byte[] oversize = new byte[2048];
    java.util.Arrays.fill(oversize, (byte) ' ');
    byte[] header = Harness.HEADER.getBytes(StandardCharsets.UTF_8);
    System.arraycopy(header, 0, oversize, 0, header.length);
    try (Harness h = Harness.start(Harness.loopback(), sink, null, 1024)) {
      h.send(finished("no-header", "1111111111111111")); // no header line
      h.send("{\"format\":\"xml\",\"version\":1}\n" + finished("x", "2222222222222222"));
      h.send("{\"format\":\"json\",\"version\":2}\n" + finished("x", "3333333333333333"));
      h.send(Harness.HEADER + "{\"name\":\"broken\",\"id\":"); // invalid JSON
      h.send(Harness.HEADER + finished("bad-id", "not-hex-id"));
      h.send(Harness.HEADER); // header, no document
      h.send(new byte[0]); // empty datagram
      h.send(oversize);
      h.send(Harness.HEADER + finished("still-alive", "4444444444444444"));

      sink.awaitSpanCount(1, WAIT);
      Poll.await(
          () ->
              h.refused() == 8
                  && h.telemetry.counterValue(UdpServer.BAD_SEGMENTS) == 8
                  && h.accepted() == 1,
          WAIT,
          () -> "refused " + h.refused());
      assertThat(Spans.names(sink.spans())).containsExactly("still-alive");
      assertThat(h.bad("missing_header")).isEqualTo(1);
      assertThat(h.bad("invalid_header")).isEqualTo(2);
      assertThat(h.bad("invalid_json")).isEqualTo(1);
      assertThat(h.bad("invalid_id")).isEqualTo(1);
      assertThat(h.bad("empty_document")).isEqualTo(2);
      assertThat(h.bad("too_large")).isEqualTo(1);
      assertThat(h.telemetry.counterValue("otelcol_receiver_refused_spans", "transport", "udp"))
          .isEqualTo(8);
      assertThat(h.accepted()).isEqualTo(1);
    }
  }

  @Test
  void countsSpansTheDownstreamRefusesAndKeepsReading() throws Exception {
    FailingConsumer failing =
        FailingConsumer.throwing(ConsumerException.retryable("queue full (test)"));
    try (Harness h = Harness.start(Harness.loopback(), failing)) {
      h.send(Harness.HEADER + finished("refused", "5555555555555555"));
      Poll.await(() -> h.refused() == 1, WAIT, () -> "refused " + h.refused());
      h.send(Harness.HEADER + finished("refused-too", "6666666666666666"));
      Poll.await(() -> h.refused() == 2, WAIT, () -> "refused " + h.refused());
      assertThat(h.accepted()).isZero();
      assertThat(h.bad("invalid_json")).isZero();
    }
  }

  @Test
  void batchesManyDatagramsIntoFewerConsumeCalls() throws Exception {
    int n = 300;
    AwsXrayReceiverConfig config =
        new AwsXrayReceiverConfig(
            "127.0.0.1:0", null, 4 * 1024 * 1024, Harness.loopback().proxyServer());
    try (Harness h = Harness.start(config, sink)) {
      for (int i = 0; i < n; i++) {
        h.send(Harness.HEADER + finished("burst", String.format("%016x", i + 1)));
      }
      sink.awaitSpanCount(n, WAIT);
      assertThat(sink.batches().size()).isLessThan(n);
      Poll.await(() -> h.accepted() == n, WAIT, () -> "accepted " + h.accepted());
    }
  }

  @Test
  void shutdownPassesOnWhatReachedTheSocket() throws Exception {
    Harness h = Harness.start(Harness.loopback(), sink);
    for (int i = 0; i < 20; i++) {
      h.send(Harness.HEADER + finished("late", String.format("%016x", i + 1)));
    }
    h.close();
    assertThat(sink.spanCount()).isEqualTo(20);
  }
}
