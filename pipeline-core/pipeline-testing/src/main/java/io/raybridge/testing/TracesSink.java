package io.raybridge.testing;

import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.raybridge.pipeline.Exporter;
import io.raybridge.pipeline.Traces;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Collects every batch it is given: the next consumer of a processor or receiver under test, or an
 * exporter in a pipeline test. Thread-safe; {@code consume} never blocks and never throws.
 */
public final class TracesSink implements Exporter {

  private final List<Traces> batches = new CopyOnWriteArrayList<>();
  private final AtomicLong spanCount = new AtomicLong();
  private final AtomicInteger starts = new AtomicInteger();
  private final AtomicInteger shutdowns = new AtomicInteger();

  @Override
  public void consume(Traces traces) {
    Objects.requireNonNull(traces, "traces");
    batches.add(traces);
    spanCount.addAndGet(traces.spanCount());
  }

  /** The batches received, in arrival order (a snapshot). */
  public List<Traces> batches() {
    return List.copyOf(batches);
  }

  /** Every batch received, concatenated. */
  public Traces all() {
    return Traces.concat(batches());
  }

  /** Every span received, in arrival order. */
  public List<Span> spans() {
    List<Span> out = new ArrayList<>();
    for (Traces t : batches()) {
      for (ResourceSpans rs : t.resourceSpans()) {
        for (ScopeSpans ss : rs.getScopeSpansList()) {
          out.addAll(ss.getSpansList());
        }
      }
    }
    return out;
  }

  /** The number of spans received. */
  public long spanCount() {
    return spanCount.get();
  }

  /** Waits until at least {@code n} spans have arrived, failing the test after {@code timeout}. */
  public TracesSink awaitSpanCount(long n, Duration timeout) {
    Poll.await(
        () -> spanCount.get() >= n,
        timeout,
        () -> "expected at least " + n + " spans, received " + spanCount.get());
    return this;
  }

  /** Forgets what was received. */
  public void clear() {
    batches.clear();
    spanCount.set(0);
  }

  @Override
  public void start() {
    starts.incrementAndGet();
  }

  @Override
  public void shutdown(Duration timeout) {
    shutdowns.incrementAndGet();
  }

  /** How often {@link #start()} was called. */
  public int startCount() {
    return starts.get();
  }

  /** How often {@link #shutdown(Duration)} was called. */
  public int shutdownCount() {
    return shutdowns.get();
  }

  @Override
  public String toString() {
    return "TracesSink{batches=" + batches.size() + ", spans=" + spanCount.get() + "}";
  }
}
