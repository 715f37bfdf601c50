package io.raybridge.pipeline.processor;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.LongCounter;
import io.raybridge.pipeline.ComponentSettings;
import io.raybridge.pipeline.ConsumerException;
import io.raybridge.pipeline.Processor;
import io.raybridge.pipeline.Traces;
import io.raybridge.pipeline.TracesConsumer;
import java.time.Duration;
import java.util.Objects;

/**
 * A base for processors: subclasses implement {@link #process(Traces)} and hand their output to
 * {@link #forward(Traces)}, which skips empty batches and records {@code
 * otelcol_processor_outgoing_items}; {@code otelcol_processor_incoming_items} is recorded on the
 * way in. Both carry the attribute {@code processor=<id>}.
 *
 * <p><b>Threading.</b> {@link #consume(Traces)} is called concurrently; a subclass holding state (a
 * buffer, a cache) guards it itself. {@code forward} may be called from any thread, including the
 * subclass's own timer threads.
 *
 * <p><b>Errors.</b> A {@link ConsumerException} from the next consumer propagates unchanged from
 * {@code forward}, and so out of {@code consume} unless the subclass catches it.
 *
 * <p><b>Lifecycle.</b> {@code start} and {@code shutdown} do nothing by default; a stateful
 * subclass overrides {@code shutdown} to flush what it holds through {@code forward} within the
 * timeout, and must tolerate being shut down twice.
 */
public abstract class AbstractProcessor implements Processor {

  private final ComponentSettings settings;
  private final TracesConsumer next;
  private final Attributes attributes;
  private final LongCounter incoming;
  private final LongCounter outgoing;

  protected AbstractProcessor(ComponentSettings settings, TracesConsumer next) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.next = Objects.requireNonNull(next, "next");
    this.attributes = settings.telemetry().attributes();
    this.incoming =
        settings
            .telemetry()
            .counter(
                "otelcol_processor_incoming_items", "{items}", "Spans passed to the processor.");
    this.outgoing =
        settings
            .telemetry()
            .counter(
                "otelcol_processor_outgoing_items",
                "{items}",
                "Spans emitted by the processor and accepted by the next consumer.");
  }

  @Override
  public final void consume(Traces traces) {
    Objects.requireNonNull(traces, "traces");
    incoming.add(traces.spanCount(), attributes);
    process(traces);
  }

  /**
   * Handles one incoming batch; output goes through {@link #forward(Traces)}.
   *
   * @throws ConsumerException to refuse the batch
   */
  protected abstract void process(Traces traces);

  /** Passes {@code traces} to the next consumer unless it is empty. */
  protected final void forward(Traces traces) {
    if (traces.isEmpty()) {
      return;
    }
    next.consume(traces);
    outgoing.add(traces.spanCount(), attributes);
  }

  /** What the runtime supplied: id, logger, clock, thread factory, telemetry. */
  protected final ComponentSettings settings() {
    return settings;
  }

  @Override
  public void start() throws Exception {}

  @Override
  public void shutdown(Duration timeout) {}

  @Override
  public String toString() {
    return getClass().getSimpleName() + "{" + settings.id() + "}";
  }
}
