package io.raybridge.distribution;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Wraps an SDK exporter and remembers which spans were accepted and every export that did not
 * succeed, with its cause: the SDK's batch span processor only logs failures at a fine level, so a
 * test could not otherwise tell a collector that refused spans from one that accepted them.
 */
final class CheckedExporter implements SpanExporter {
  private final SpanExporter delegate;
  private final List<String> failures = new ArrayList<>();
  private final Set<String> exported = ConcurrentHashMap.newKeySet();

  CheckedExporter(SpanExporter delegate) {
    this.delegate = delegate;
  }

  @Override
  public CompletableResultCode export(Collection<SpanData> spans) {
    int count = spans.size();
    List<String> ids = new ArrayList<>(count);
    for (SpanData span : spans) {
      ids.add(span.getSpanId());
    }
    CompletableResultCode result = delegate.export(spans);
    result.whenComplete(
        () -> {
          if (result.isSuccess()) {
            exported.addAll(ids);
          } else {
            Throwable cause = result.getFailureThrowable();
            synchronized (failures) {
              failures.add(count + " spans: " + (cause == null ? "no cause given" : cause));
            }
          }
        });
    return result;
  }

  /** The exports that failed so far, each with its span count and cause. */
  List<String> failures() {
    synchronized (failures) {
      return List.copyOf(failures);
    }
  }

  /** The span ids of every span in an export that succeeded. */
  Set<String> exported() {
    return exported;
  }

  @Override
  public CompletableResultCode flush() {
    return delegate.flush();
  }

  @Override
  public CompletableResultCode shutdown() {
    return delegate.shutdown();
  }
}
