package io.raybridge.receiver.awsxray;

import io.raybridge.pipeline.ComponentSettings;
import io.raybridge.pipeline.Receiver;
import io.raybridge.pipeline.TracesConsumer;
import io.raybridge.receiver.awsxray.AwsXrayReceiverConfig.Mode;
import io.raybridge.receiver.awsxray.AwsXrayReceiverConfig.ProxyServerConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

/**
 * The {@code awsxray} receiver: X-Ray segment documents over UDP ({@link UdpServer}) and the
 * centralized-sampling endpoint over TCP ({@link SamplingServer}).
 */
final class AwsXrayReceiver implements Receiver {

  private final ComponentSettings settings;
  private final UdpServer udp;
  private final SamplingServer sampling;
  private final LocalSampling local;
  private final SigningProxy proxy;
  private boolean stopped;

  AwsXrayReceiver(ComponentSettings settings, AwsXrayReceiverConfig config, TracesConsumer next) {
    this(settings, config, next, null, DatagramDecoder.DEFAULT_MAX_DATAGRAM_BYTES);
  }

  /**
   * @param credentials what the proxy signs with; null means the default chain
   * @param maxDatagramBytes the largest datagram accepted
   */
  AwsXrayReceiver(
      ComponentSettings settings,
      AwsXrayReceiverConfig config,
      TracesConsumer next,
      AwsCredentialsProvider credentials,
      int maxDatagramBytes) {
    this.settings = settings;
    this.udp =
        new UdpServer(
            settings,
            config.endpoint(),
            config.udpReceiveBufferBytes(),
            config.udpQueueMaxBytes(),
            maxDatagramBytes,
            next);
    ProxyServerConfig p = config.proxyServer();
    if (p.mode() == Mode.LOCAL) {
      this.local =
          new LocalSampling(
              settings,
              p.rulesFile() == null ? p.inlineRules() : null,
              p.rulesFile() == null ? null : Path.of(p.rulesFile()));
      this.proxy = null;
    } else {
      this.local = null;
      this.proxy = new SigningProxy(settings, p, credentials);
    }
    this.sampling = new SamplingServer(settings, p.endpoint(), local, proxy);
  }

  @Override
  public synchronized void start() throws IOException {
    if (local != null) {
      local.start();
    } else {
      proxy.start();
    }
    sampling.start();
    udp.start();
  }

  /** The UDP address segments are read from. */
  InetSocketAddress udpAddress() throws IOException {
    return udp.boundAddress();
  }

  /** Datagrams taken from the UDP socket so far. */
  long udpDatagramsRead() {
    return udp.datagramsRead();
  }

  /** Bytes of datagrams waiting for conversion. */
  long udpQueuedBytes() {
    return udp.queuedBytes();
  }

  /** The TCP address of the sampling endpoint. */
  InetSocketAddress samplingAddress() {
    return sampling.boundAddress();
  }

  @Override
  public synchronized void shutdown(Duration timeout) {
    if (stopped) {
      return;
    }
    stopped = true;
    udp.shutdown(timeout);
    sampling.shutdown(timeout);
    if (proxy != null) {
      proxy.close();
    }
    settings.logger().debug("awsxray receiver shut down");
  }
}
