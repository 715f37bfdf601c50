package io.raybridge.receiver.otlp;

import io.raybridge.pipeline.ComponentSettings;
import io.raybridge.pipeline.Receiver;
import io.raybridge.pipeline.ReceiverFactory;
import io.raybridge.pipeline.TracesConsumer;
import java.util.Objects;

/**
 * Creates {@code otlp} receivers: OTLP/gRPC ({@code TraceService/Export}) and OTLP/HTTP ({@code
 * POST /v1/traces}, protobuf and JSON) servers that hand every accepted batch to the next consumer.
 */
public final class OtlpReceiverFactory implements ReceiverFactory<OtlpReceiverConfig> {

  /** The component type. */
  public static final String TYPE = "otlp";

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public Class<OtlpReceiverConfig> configType() {
    return OtlpReceiverConfig.class;
  }

  @Override
  public Receiver create(
      ComponentSettings settings, OtlpReceiverConfig config, TracesConsumer next) {
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(next, "next");
    return new OtlpReceiver(settings, config, next);
  }
}
