package io.raybridge.pipeline.processor;

import io.raybridge.pipeline.ComponentSettings;
import io.raybridge.pipeline.Processor;
import io.raybridge.pipeline.Traces;
import io.raybridge.pipeline.TracesConsumer;
import java.util.Objects;
import java.util.function.UnaryOperator;

/** Builds processors from plain functions. */
public final class Processors {

  private Processors() {}

  /**
   * A stateless processor: each batch goes through {@code fn} and a non-empty result is passed to
   * {@code next} on the caller's thread; an empty result (everything filtered out) is not. Records
   * {@code otelcol_processor_incoming_items} and {@code otelcol_processor_outgoing_items}.
   *
   * <p>{@code fn} must be thread-safe and must not mutate its input (build new messages for the
   * spans it changes); it may throw {@link io.raybridge.pipeline.ConsumerException} to refuse a
   * batch. Errors from {@code next} propagate unchanged. {@code start} and {@code shutdown} do
   * nothing, since there is nothing to hold.
   */
  public static Processor stateless(
      ComponentSettings settings, TracesConsumer next, UnaryOperator<Traces> fn) {
    Objects.requireNonNull(fn, "fn");
    return new StatelessProcessor(settings, next, fn);
  }

  private static final class StatelessProcessor extends AbstractProcessor {
    private final UnaryOperator<Traces> fn;

    StatelessProcessor(ComponentSettings settings, TracesConsumer next, UnaryOperator<Traces> fn) {
      super(settings, next);
      this.fn = fn;
    }

    @Override
    protected void process(Traces traces) {
      if (traces.isEmpty()) {
        return;
      }
      Traces out = Objects.requireNonNull(fn.apply(traces), "processor function returned null");
      forward(out);
    }
  }
}
