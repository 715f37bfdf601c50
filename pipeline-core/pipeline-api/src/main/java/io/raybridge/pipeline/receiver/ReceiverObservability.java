package io.raybridge.pipeline.receiver;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.LongCounter;
import io.raybridge.pipeline.ComponentSettings;
import io.raybridge.pipeline.ComponentTelemetry;
import java.util.Objects;

/**
 * Records what a receiver accepted and refused, with the OpenTelemetry Collector's metric names:
 * {@code otelcol_receiver_accepted_spans} and {@code otelcol_receiver_refused_spans}, each carrying
 * {@code receiver=<id>} and {@code transport=<grpc|http|udp>}.
 *
 * <p>A span is <em>accepted</em> when the next consumer returned normally, and <em>refused</em>
 * when it threw or when the receiver rejected it before handing it on (malformed payload,
 * authentication failure, overload).
 *
 * <p>Create one instance per transport when the receiver starts. Instances are thread-safe and
 * never block.
 */
public final class ReceiverObservability {

  /** The counter of spans the pipeline accepted. */
  public static final String ACCEPTED_SPANS = "otelcol_receiver_accepted_spans";

  /** The counter of spans the pipeline refused or the receiver rejected. */
  public static final String REFUSED_SPANS = "otelcol_receiver_refused_spans";

  private static final AttributeKey<String> TRANSPORT = AttributeKey.stringKey("transport");

  private final LongCounter accepted;
  private final LongCounter refused;
  private final Attributes attributes;

  private ReceiverObservability(ComponentTelemetry telemetry, String transport) {
    this.accepted =
        telemetry.counter(
            ACCEPTED_SPANS, "{spans}", "Number of spans successfully pushed into the pipeline.");
    this.refused =
        telemetry.counter(
            REFUSED_SPANS,
            "{spans}",
            "Number of spans that could not be pushed into the pipeline.");
    this.attributes = telemetry.attributes().toBuilder().put(TRANSPORT, transport).build();
  }

  /**
   * Observability for one transport of the receiver described by {@code settings}.
   *
   * @param transport {@code grpc}, {@code http} or {@code udp}
   */
  public static ReceiverObservability create(ComponentSettings settings, String transport) {
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(transport, "transport");
    if (transport.isBlank()) {
      throw new IllegalArgumentException("transport must not be blank");
    }
    return new ReceiverObservability(settings.telemetry(), transport);
  }

  /** Counts {@code spans} spans that the next consumer accepted. */
  public void accepted(long spans) {
    if (spans > 0) {
      accepted.add(spans, attributes);
    }
  }

  /** Counts {@code spans} spans that were refused, by the pipeline or by the receiver itself. */
  public void refused(long spans) {
    if (spans > 0) {
      refused.add(spans, attributes);
    }
  }

  /** The attributes every measurement carries: the receiver id and the transport. */
  public Attributes attributes() {
    return attributes;
  }
}
