package io.raybridge.processor.tailsampling;

/**
 * Decides one trace. Implementations are called from the decision thread and, when the buffer is
 * over budget, from ingesting threads, always one call at a time (the processor holds its lock);
 * stateful ones (rate limits) still guard their state, so that a policy is safe on its own.
 */
@FunctionalInterface
interface Policy {

  /** The decision for {@code trace}, at wall-clock time {@code nowMillis}. */
  Decision evaluate(TraceData trace, long nowMillis);
}
