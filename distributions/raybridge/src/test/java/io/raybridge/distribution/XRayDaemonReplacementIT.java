package io.raybridge.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import io.raybridge.testing.xray.FakeXRayApi;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The distribution started the way an X-Ray daemon deployment starts it, with the daemon's flags
 * and cfg.yaml: segments sent over UDP arrive at the X-Ray API (a loopback fake that checks every
 * request's SigV4 signature).
 */
class XRayDaemonReplacementIT {

  @TempDir Path dir;

  @Test
  void daemonFlagsRunAPipelineFromUdpToPutTraceSegments() throws Exception {
    try (FakeXRayApi api = FakeXRayApi.start()) {
      int udpPort = CollectorProcess.freePort();
      int tcpPort = CollectorProcess.freePort();
      Path cfg = dir.resolve("cfg.yaml");
      Files.writeString(
          cfg,
          """
          Version: 2
          Endpoint: "%s"
          """
              .formatted(api.endpoint()));
      Map<String, String> env =
          Map.of(
              "AWS_ACCESS_KEY_ID", api.accessKeyId(),
              "AWS_SECRET_ACCESS_KEY", api.secretAccessKey(),
              "AWS_REGION", api.region());
      try (CollectorProcess daemon =
          CollectorProcess.start(
              dir,
              env,
              "xray-daemon",
              "-c",
              cfg.toString(),
              "-n",
              api.region(),
              "-b",
              "127.0.0.1:" + udpPort,
              "-t",
              "127.0.0.1:" + tcpPort)) {
        daemon.awaitOutput("Everything is ready");
        long start = System.currentTimeMillis() / 1000;
        String segment =
            "{\"format\": \"json\", \"version\": 1}\n"
                + "{\"trace_id\":\"1-%08x-0123456789abcdef01234567\",\"id\":\"53995c3f42cd8ad8\","
                    .formatted(start)
                + "\"name\":\"daemon-shop\",\"start_time\":"
                + start
                + ".25,\"end_time\":"
                + start
                + ".5,\"http\":{\"request\":{\"method\":\"GET\",\"url\":\"https://shop/cart\"},"
                + "\"response\":{\"status\":200}},\"annotations\":{\"tier\":\"gold\"}}";
        byte[] bytes = segment.getBytes(StandardCharsets.UTF_8);
        try (DatagramSocket socket = new DatagramSocket()) {
          socket.send(
              new DatagramPacket(bytes, bytes.length, InetAddress.getLoopbackAddress(), udpPort));
        }
        CollectorProcess.await(
            "the segment at the X-Ray API", Duration.ofSeconds(30), () -> api.documentCount() > 0);
        assertThat(api.requestErrors()).isEmpty();
        assertThat(api.documents()).hasSize(1);
        assertThat(api.documents().get(0))
            .contains("\"name\":\"daemon-shop\"")
            .contains("\"id\":\"53995c3f42cd8ad8\"")
            .contains("\"tier\":\"gold\"");
        assertThat(daemon.terminate()).isIn(0, 143);
      }
    }
  }
}
