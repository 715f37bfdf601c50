package io.raybridge.receiver.awsxray;

import io.raybridge.pipeline.ComponentSettings;
import io.raybridge.pipeline.Receiver;
import io.raybridge.pipeline.ReceiverFactory;
import io.raybridge.pipeline.TracesConsumer;
import java.util.Objects;

/**
 * Creates {@code awsxray} receivers: a drop-in for the X-Ray daemon's listening side. Segment
 * documents arrive over UDP in the daemon wire format and are converted to OTLP spans; a TCP
 * endpoint answers the X-Ray SDKs' centralized-sampling calls, by forwarding them signed to X-Ray
 * ({@code proxy} mode) or from configured rules ({@code local} mode).
 */
public final class AwsXrayReceiverFactory implements ReceiverFactory<AwsXrayReceiverConfig> {

  /** The component type. */
  public static final String TYPE = "awsxray";

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public Class<AwsXrayReceiverConfig> configType() {
    return AwsXrayReceiverConfig.class;
  }

  @Override
  public Receiver create(
      ComponentSettings settings, AwsXrayReceiverConfig config, TracesConsumer next) {
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(next, "next");
    return new AwsXrayReceiver(settings, config, next);
  }
}
