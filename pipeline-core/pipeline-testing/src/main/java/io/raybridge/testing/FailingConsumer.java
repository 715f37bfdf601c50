package io.raybridge.testing;

import io.raybridge.pipeline.ConsumerException;
import io.raybridge.pipeline.Traces;
import io.raybridge.pipeline.TracesConsumer;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A consumer that throws {@link ConsumerException}s on purpose: the first {@code n} calls, or every
 * call, then passes batches to a delegate (by default its own {@link TracesSink}). Counts calls and
 * keeps what it threw, so a test can check retries and error propagation. Thread-safe.
 *
 * <pre>{@code
 * FailingConsumer next = FailingConsumer.retryable(2);   // fails twice, then accepts
 * FailingConsumer bad = FailingConsumer.permanent();     // rejects everything
 * }</pre>
 */
public final class FailingConsumer implements TracesConsumer {

  private final int failures;
  private final boolean retryable;
  private final ConsumerException fixed;
  private final TracesConsumer delegate;
  private final TracesSink sink;
  private final AtomicInteger calls = new AtomicInteger();
  private final List<ConsumerException> thrown = new CopyOnWriteArrayList<>();

  private FailingConsumer(
      int failures, boolean retryable, ConsumerException fixed, TracesConsumer delegate) {
    if (failures < 0) {
      throw new IllegalArgumentException("failures must be >= 0, was " + failures);
    }
    this.failures = failures;
    this.retryable = retryable;
    this.fixed = fixed;
    this.sink = delegate == null ? new TracesSink() : null;
    this.delegate = delegate == null ? sink : delegate;
  }

  /** Fails the first {@code n} calls with retryable errors, then accepts into {@link #sink()}. */
  public static FailingConsumer retryable(int n) {
    return new FailingConsumer(n, true, null, null);
  }

  /** Fails the first {@code n} calls with retryable errors, then passes batches to {@code next}. */
  public static FailingConsumer retryable(int n, TracesConsumer next) {
    return new FailingConsumer(n, true, null, Objects.requireNonNull(next, "next"));
  }

  /** Rejects every call with a permanent error. */
  public static FailingConsumer permanent() {
    return new FailingConsumer(Integer.MAX_VALUE, false, null, null);
  }

  /** Fails every call, retryably or permanently. */
  public static FailingConsumer always(boolean retryable) {
    return new FailingConsumer(Integer.MAX_VALUE, retryable, null, null);
  }

  /** Throws exactly {@code exception} on every call (to check it propagates unchanged). */
  public static FailingConsumer throwing(ConsumerException exception) {
    return new FailingConsumer(
        Integer.MAX_VALUE,
        exception.isRetryable(),
        Objects.requireNonNull(exception, "exception"),
        null);
  }

  @Override
  public void consume(Traces traces) {
    int call = calls.incrementAndGet();
    if (call <= failures) {
      ConsumerException e =
          fixed != null
              ? fixed
              : retryable
                  ? ConsumerException.retryable("failure " + call + " of " + failures + " (test)")
                  : ConsumerException.permanent("rejected (test)");
      thrown.add(e);
      throw e;
    }
    delegate.consume(traces);
  }

  /** How many times {@code consume} was called, failed or not. */
  public int calls() {
    return calls.get();
  }

  /** The exceptions thrown so far, in order. */
  public List<ConsumerException> thrown() {
    return List.copyOf(thrown);
  }

  /**
   * Where accepted batches went when no delegate was given.
   *
   * @throws IllegalStateException when this consumer was built with a delegate
   */
  public TracesSink sink() {
    if (sink == null) {
      throw new IllegalStateException("this consumer delegates to " + delegate);
    }
    return sink;
  }
}
