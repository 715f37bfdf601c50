package io.raybridge.receiver.awsxray;

import io.raybridge.pipeline.ComponentKind;
import io.raybridge.pipeline.ComponentSettings;
import io.raybridge.pipeline.TracesConsumer;
import io.raybridge.receiver.awsxray.AwsXrayReceiverConfig.Mode;
import io.raybridge.receiver.awsxray.AwsXrayReceiverConfig.ProxyServerConfig;
import io.raybridge.testing.TestSettings;
import io.raybridge.testing.TestTelemetry;
import io.raybridge.xray.sampling.SamplingRuleConfig;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

/** Starts receivers on loopback port 0 and sends datagrams to them. */
final class Harness implements AutoCloseable {

  static final String HEADER = "{\"format\":\"json\",\"version\":1}\n";

  final TestTelemetry telemetry = new TestTelemetry();
  final AwsXrayReceiver receiver;
  private final DatagramSocket client;

  private Harness(
      AwsXrayReceiverConfig config,
      TracesConsumer next,
      AwsCredentialsProvider credentials,
      int maxDatagramBytes)
      throws Exception {
    ComponentSettings settings =
        TestSettings.builder(ComponentKind.RECEIVER, "awsxray").telemetry(telemetry).build();
    receiver = new AwsXrayReceiver(settings, config, next, credentials, maxDatagramBytes);
    receiver.start();
    client = new DatagramSocket();
  }

  static Harness start(AwsXrayReceiverConfig config, TracesConsumer next) throws Exception {
    return new Harness(config, next, null, DatagramDecoder.DEFAULT_MAX_DATAGRAM_BYTES);
  }

  static Harness start(
      AwsXrayReceiverConfig config,
      TracesConsumer next,
      AwsCredentialsProvider credentials,
      int maxDatagramBytes)
      throws Exception {
    return new Harness(config, next, credentials, maxDatagramBytes);
  }

  /** UDP and TCP on port 0, local sampling with the given rules. */
  static AwsXrayReceiverConfig loopback(SamplingRuleConfig... rules) {
    return new AwsXrayReceiverConfig(
        "127.0.0.1:0", null, null, localSampling(List.of(rules), null));
  }

  static ProxyServerConfig localSampling(List<SamplingRuleConfig> rules, String rulesFile) {
    return new ProxyServerConfig(
        "127.0.0.1:0", Mode.LOCAL, null, null, null, null, null, null, rules, rulesFile);
  }

  static SamplingRuleConfig rule(
      String name, int priority, double rate, int reservoir, String method, String path) {
    return new SamplingRuleConfig(
        name, priority, rate, reservoir, null, null, null, method, path, null, null, null);
  }

  InetSocketAddress udp() throws IOException {
    return receiver.udpAddress();
  }

  InetSocketAddress tcp() {
    return receiver.samplingAddress();
  }

  void send(String datagram) throws IOException {
    send(datagram.getBytes(StandardCharsets.UTF_8));
  }

  void send(byte[] datagram) throws IOException {
    client.send(new DatagramPacket(datagram, datagram.length, udp()));
  }

  long refused() {
    return telemetry.counterValue("otelcol_receiver_refused_spans");
  }

  long accepted() {
    return telemetry.counterValue("otelcol_receiver_accepted_spans");
  }

  long dropped() {
    return telemetry.counterValue(UdpServer.DROPPED_DATAGRAMS);
  }

  long bad(String reason) {
    return telemetry.counterValue(UdpServer.BAD_SEGMENTS, "reason", reason);
  }

  @Override
  public void close() {
    client.close();
    receiver.shutdown(Duration.ofSeconds(5));
  }
}
