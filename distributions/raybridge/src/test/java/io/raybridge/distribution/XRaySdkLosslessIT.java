package io.raybridge.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.xray.AWSXRayRecorder;
import com.amazonaws.xray.AWSXRayRecorderBuilder;
import com.amazonaws.xray.config.DaemonConfiguration;
import com.amazonaws.xray.emitters.Emitter;
import com.amazonaws.xray.entities.Segment;
import com.amazonaws.xray.entities.Subsegment;
import com.amazonaws.xray.strategy.DefaultStreamingStrategy;
import com.amazonaws.xray.strategy.sampling.AllSamplingStrategy;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.raybridge.testing.xray.FakeXRayApi;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The X-Ray daemon's job, done by the real distribution: the X-Ray SDK for Java sends segments over
 * UDP, Raybridge receives them, converts them to OpenTelemetry spans and back, and uploads them
 * with PutTraceSegments. What reaches the X-Ray API equals, field for field, what the SDK sent.
 */
class XRaySdkLosslessIT {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void documentsTheSdkSendsArriveAtTheApiUnchanged() throws Exception {
    try (FakeXRayApi api = FakeXRayApi.start();
        DatagramSocket tee = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      int udpPort = CollectorProcess.freePort();
      int healthPort = CollectorProcess.freePort();
      Path config = dir.resolve("xray.yaml");
      Files.writeString(
          config,
          """
          receivers:
            awsxray:
              endpoint: 127.0.0.1:%d
              proxy_server:
                endpoint: 127.0.0.1:%d
                mode: local
          processors:
            batch:
              timeout: 200ms
              send_batch_size: 50
          exporters:
            awsxray:
              endpoint: %s
              region: %s
              local_mode: true
          service:
            pipelines:
              traces:
                receivers: [awsxray]
                processors: [batch]
                exporters: [awsxray]
            telemetry:
              metrics:
                level: none
              health:
                address: 127.0.0.1:%d
          """
              .formatted(udpPort, udpPort, api.endpoint(), api.region(), healthPort));
      Map<String, String> env =
          Map.of(
              "AWS_ACCESS_KEY_ID", api.accessKeyId(),
              "AWS_SECRET_ACCESS_KEY", api.secretAccessKey());
      try (CollectorProcess collector =
          CollectorProcess.start(dir, env, "run", "--config", config.toString())) {
        collector.awaitHealthy(healthPort);

        // The SDK sends to the tee, which keeps a copy of every datagram and passes it on.
        List<String> sent = new CopyOnWriteArrayList<>();
        Thread relay = relay(tee, sent, new InetSocketAddress("127.0.0.1", udpPort));
        DaemonConfiguration daemon = new DaemonConfiguration();
        daemon.setDaemonAddress("127.0.0.1:" + tee.getLocalPort());
        traceCheckout(recorder(daemon, new DefaultStreamingStrategy()));
        // Streaming after one subsegment: subsegments travel as their own documents.
        traceCheckout(recorder(daemon, new DefaultStreamingStrategy(1)));

        CollectorProcess.await(
            "every document the SDK sent at the X-Ray API",
            Duration.ofSeconds(30),
            () -> sent.size() >= 4 && api.documentCount() >= sent.size());
        relay.interrupt();

        assertThat(api.requestErrors()).isEmpty();
        Map<String, JsonNode> stored = new HashMap<>();
        for (String doc : api.documents()) {
          JsonNode node = JSON.readTree(doc);
          stored.put(node.get("id").asText(), node);
        }
        assertThat(stored).hasSameSizeAs(sent);
        for (String datagram : sent) {
          JsonNode original = JSON.readTree(datagram.substring(datagram.indexOf('\n') + 1));
          JsonNode arrived = stored.get(original.get("id").asText());
          assertThat(arrived).as("document %s arrived", original.get("id")).isNotNull();
          assertThat(normalize(arrived)).isEqualTo(normalize(original));
        }
      }
    }
  }

  private static AWSXRayRecorder recorder(
      DaemonConfiguration daemon, DefaultStreamingStrategy streaming) throws Exception {
    return AWSXRayRecorderBuilder.standard()
        .withEmitter(Emitter.create(daemon))
        .withSamplingStrategy(new AllSamplingStrategy())
        .withStreamingStrategy(streaming)
        .build();
  }

  /** A request with HTTP, annotations, metadata, SQL, an AWS call and a failed downstream call. */
  private static void traceCheckout(AWSXRayRecorder recorder) {
    Segment segment = recorder.beginSegment("checkout-service");
    segment.putHttp("request", Map.of("method", "POST", "url", "https://shop.example.com/cart"));
    segment.putAnnotation("customer_tier", "gold");
    segment.putAnnotation("items", 3);
    segment.putAnnotation("express", true);
    segment.putMetadata("debug", "cart", Map.of("items", List.of("book", "lamp"), "total", 42.5));
    segment.setUser("alice");

    Subsegment db = recorder.beginSubsegment("orders-db");
    db.setNamespace("remote");
    db.putSql("url", "jdbc:postgresql://db.internal:5432/orders");
    db.putSql("sanitized_query", "SELECT * FROM orders WHERE id = ?");
    db.putSql("database_type", "PostgreSQL");
    recorder.endSubsegment();

    Subsegment dynamo = recorder.beginSubsegment("DynamoDB");
    dynamo.setNamespace("aws");
    dynamo.putAws("operation", "PutItem");
    dynamo.putAws("table_name", "orders");
    dynamo.putAws("region", "us-east-1");
    recorder.endSubsegment();

    Subsegment payments = recorder.beginSubsegment("payments");
    payments.setNamespace("remote");
    payments.setFault(true);
    payments.putHttp("request", Map.of("method", "POST", "url", "https://pay.example.com/"));
    payments.putHttp("response", Map.of("status", 503));
    payments.addException(new IllegalStateException("card declined"));
    recorder.endSubsegment();

    segment.putHttp("response", Map.of("status", 502));
    segment.setFault(true);
    recorder.endSegment();
  }

  private static Thread relay(DatagramSocket tee, List<String> sent, InetSocketAddress target) {
    Thread t =
        new Thread(
            () -> {
              byte[] buf = new byte[65536];
              try (DatagramSocket out = new DatagramSocket()) {
                while (!Thread.currentThread().isInterrupted()) {
                  DatagramPacket p = new DatagramPacket(buf, buf.length);
                  tee.receive(p);
                  sent.add(new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8));
                  out.send(new DatagramPacket(p.getData(), p.getLength(), target));
                }
              } catch (SocketException e) {
                // The tee was closed: the test is over.
              } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            },
            "udp-tee");
    t.setDaemon(true);
    t.start();
    return t;
  }

  /** The document with numbers compared by value (1 equals 1.0) and key order ignored. */
  private static JsonNode normalize(JsonNode node) {
    if (node.isNumber()) {
      return JsonNodeFactory.instance.numberNode(node.decimalValue().stripTrailingZeros());
    }
    if (node.isObject()) {
      ObjectNode copy = JsonNodeFactory.instance.objectNode();
      node.properties().forEach(e -> copy.set(e.getKey(), normalize(e.getValue())));
      return copy;
    }
    if (node.isArray()) {
      ArrayNode copy = JsonNodeFactory.instance.arrayNode();
      node.forEach(n -> copy.add(normalize(n)));
      return copy;
    }
    return node;
  }
}
