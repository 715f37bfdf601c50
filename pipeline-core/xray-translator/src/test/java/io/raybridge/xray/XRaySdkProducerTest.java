package io.raybridge.xray;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.xray.AWSXRayRecorder;
import com.amazonaws.xray.AWSXRayRecorderBuilder;
import com.amazonaws.xray.config.DaemonConfiguration;
import com.amazonaws.xray.emitters.Emitter;
import com.amazonaws.xray.entities.Subsegment;
import com.amazonaws.xray.strategy.sampling.AllSamplingStrategy;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import io.raybridge.xray.model.AnnotationValue;
import io.raybridge.xray.model.Segment;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Documents emitted by the X-Ray SDK for Java over UDP, captured on loopback and converted. */
class XRaySdkProducerTest {
  private DatagramSocket daemon;
  private AWSXRayRecorder recorder;

  @BeforeEach
  void startFakeDaemon() throws Exception {
    daemon = new DatagramSocket(0, InetAddress.getLoopbackAddress());
    daemon.setSoTimeout(5_000);
    DaemonConfiguration config = new DaemonConfiguration();
    config.setUDPAddress("127.0.0.1:" + daemon.getLocalPort());
    recorder =
        AWSXRayRecorderBuilder.standard()
            .withEmitter(Emitter.create(config))
            .withSamplingStrategy(new AllSamplingStrategy())
            .build();
  }

  @AfterEach
  void stop() {
    daemon.close();
  }

  private byte[] receive() throws Exception {
    byte[] buf = new byte[65_536];
    DatagramPacket p = new DatagramPacket(buf, buf.length);
    daemon.receive(p); // bounded by the socket timeout
    byte[] out = new byte[p.getLength()];
    System.arraycopy(buf, 0, out, 0, out.length);
    return out;
  }

  @Test
  void convertsSdkSegmentFieldByFieldAndBackWithoutLoss() throws Exception {
    com.amazonaws.xray.entities.Segment seg = recorder.beginSegment("Scorekeep");
    seg.putHttp(
        "request",
        Map.of(
            "method", "POST", "url", "http://localhost:5000/api/game", "client_ip", "127.0.0.1"));
    seg.putAnnotation("session", "s-1");
    seg.putAnnotation("players", 3);
    seg.putAnnotation("ranked", true);
    seg.putMetadata("game", "xyz");
    seg.putMetadata("scores", "top", List.of(10, 9, 8));
    seg.setUser("alice");
    Subsegment sub = recorder.beginSubsegment("DynamoDB");
    sub.setNamespace("aws");
    sub.putAws("operation", "PutItem");
    sub.putAws("table_name", "scorekeep-game");
    sub.addException(new IllegalStateException("throttled"));
    sub.setFault(true);
    recorder.endSubsegment();
    seg.putHttp("response", Map.of("status", 200));
    recorder.endSegment();

    byte[] datagram = receive();
    String text = new String(datagram, StandardCharsets.UTF_8);
    // The SDK writes the header with spaces, which the daemon accepts as well.
    assertThat(text).startsWith("{\"format\": \"json\", \"version\": 1}\n");
    Segment doc = SegmentCodec.parseDatagram(datagram, 0, datagram.length).get(0);
    assertThat(SegmentValidator.validate(doc)).isEmpty();
    assertThat(doc.name()).isEqualTo("Scorekeep");
    assertThat(doc.traceId()).isEqualTo(seg.getTraceId().toString());
    assertThat(doc.aws().xray().sdk()).isEqualTo("X-Ray for Java");
    assertThat(doc.annotations())
        .containsEntry("session", AnnotationValue.of("s-1"))
        .containsEntry("players", AnnotationValue.of(3L))
        .containsEntry("ranked", AnnotationValue.of(true));

    ResourceSpans rs = SegmentToSpan.convert(doc);
    assertThat(attr(rs.getResource().getAttributesList(), "service.name")).contains("Scorekeep");
    assertThat(attr(rs.getResource().getAttributesList(), "telemetry.sdk.name"))
        .contains("X-Ray for Java");
    List<Span> spans = rs.getScopeSpans(0).getSpansList();
    assertThat(spans).hasSize(2);
    Span root = spans.get(0);
    Span dynamo = spans.get(1);
    assertThat(root.getName()).isEqualTo("Scorekeep");
    assertThat(root.getKind()).isEqualTo(Span.SpanKind.SPAN_KIND_SERVER);
    assertThat(Ids.hex(root.getSpanId())).isEqualTo(seg.getId());
    assertThat(Ids.xrayTraceId(root.getTraceId())).isEqualTo(seg.getTraceId().toString());
    assertThat(root.getParentSpanId().isEmpty()).isTrue();
    assertThat(root.getStartTimeUnixNano()).isEqualTo(Ids.nanos(seg.getStartTime()));
    assertThat(attr(root.getAttributesList(), "http.request.method")).contains("POST");
    assertThat(attr(root.getAttributesList(), "url.full"))
        .contains("http://localhost:5000/api/game");
    assertThat(attr(root.getAttributesList(), "client.address")).contains("127.0.0.1");
    assertThat(attr(root.getAttributesList(), "http.response.status_code")).contains("200");
    assertThat(attr(root.getAttributesList(), "enduser.id")).contains("alice");
    assertThat(attr(root.getAttributesList(), "session")).contains("s-1");
    assertThat(attr(root.getAttributesList(), "players")).contains("3");
    assertThat(attr(root.getAttributesList(), "aws.xray.metadata.default"))
        .contains("{\"game\":\"xyz\"}");
    assertThat(attr(root.getAttributesList(), "aws.xray.metadata.scores"))
        .contains("{\"top\":[10,9,8]}");
    assertThat(dynamo.getName()).isEqualTo("DynamoDB");
    assertThat(dynamo.getKind()).isEqualTo(Span.SpanKind.SPAN_KIND_CLIENT);
    assertThat(dynamo.getParentSpanId()).isEqualTo(root.getSpanId());
    assertThat(Ids.hex(dynamo.getSpanId())).isEqualTo(sub.getId());
    assertThat(attr(dynamo.getAttributesList(), "rpc.method")).contains("PutItem");
    assertThat(attr(dynamo.getAttributesList(), "aws.table_name")).contains("scorekeep-game");
    assertThat(dynamo.getStatus().getCode()).isEqualTo(Status.StatusCode.STATUS_CODE_ERROR);
    assertThat(dynamo.getEventsList())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.getName()).isEqualTo("exception");
              assertThat(attr(e.getAttributesList(), "exception.type"))
                  .contains("java.lang.IllegalStateException");
              assertThat(attr(e.getAttributesList(), "exception.message")).contains("throttled");
              assertThat(attr(e.getAttributesList(), "exception.stacktrace").orElseThrow())
                  .contains("\tat io.raybridge.xray.XRaySdkProducerTest.convertsSdkSegment");
            });

    List<String> back = new SpanToSegment(XRaySettings.DEFAULTS).convert(rs);
    assertThat(back).hasSize(1);
    assertThat(JsonTestSupport.canonical(JsonTestSupport.tree(back.get(0))))
        .isEqualTo(
            JsonTestSupport.canonical(
                JsonTestSupport.tree(text.substring(text.indexOf('\n') + 1))));
  }

  @Test
  void convertsSdkInProgressAndIndependentSubsegments() throws Exception {
    // The SDK streams subsegments separately once a segment holds more than the threshold;
    // force that with a threshold of zero.
    recorder.setStreamingStrategy(new com.amazonaws.xray.strategy.DefaultStreamingStrategy(0));
    com.amazonaws.xray.entities.Segment seg = recorder.beginSegment("streamer");
    recorder.beginSubsegment("child");
    recorder.endSubsegment();
    recorder.endSegment();
    List<Segment> docs = new ArrayList<>();
    try {
      for (int i = 0; i < 2; i++) {
        byte[] d = receive();
        docs.addAll(SegmentCodec.parseDatagram(d, 0, d.length));
      }
    } catch (SocketTimeoutException e) {
      // fewer documents than expected: asserted below
    }
    assertThat(docs).hasSize(2);
    Segment child = docs.stream().filter(Segment::isSubsegmentType).findFirst().orElseThrow();
    assertThat(child.parentId()).isEqualTo(seg.getId());
    assertThat(child.traceId()).isEqualTo(seg.getTraceId().toString());
    ResourceSpans rs = SegmentToSpan.convert(child);
    Span span = rs.getScopeSpans(0).getSpans(0);
    assertThat(Ids.hex(span.getParentSpanId())).isEqualTo(seg.getId());
    assertThat(attr(span.getAttributesList(), XRayAttributes.TYPE)).contains("subsegment");
    String back = new SpanToSegment(XRaySettings.DEFAULTS).convert(rs).get(0);
    assertThat(JsonTestSupport.canonical(JsonTestSupport.tree(back)))
        .isEqualTo(JsonTestSupport.canonical(JsonTestSupport.tree(SegmentCodec.serialize(child))));
  }

  static Optional<String> attr(List<KeyValue> attrs, String key) {
    for (KeyValue kv : attrs) {
      if (kv.getKey().equals(key)) {
        var v = kv.getValue();
        return Optional.of(
            switch (v.getValueCase()) {
              case STRING_VALUE -> v.getStringValue();
              case INT_VALUE -> Long.toString(v.getIntValue());
              case BOOL_VALUE -> Boolean.toString(v.getBoolValue());
              case DOUBLE_VALUE -> Double.toString(v.getDoubleValue());
              default -> v.toString();
            });
      }
    }
    return Optional.empty();
  }
}
