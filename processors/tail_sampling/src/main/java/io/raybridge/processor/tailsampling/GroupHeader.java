package io.raybridge.processor.tailsampling;

import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import java.util.Arrays;

/**
 * The resource and scope of a group of buffered spans, encoded: {@code ResourceSpans} without its
 * scope spans, and {@code ScopeSpans} without its spans. Equal headers are shared between traces
 * (see {@link TailSamplingProcessor}), so that a resource is held once, not once per span.
 */
final class GroupHeader {

  final byte[] resource;
  final byte[] scope;
  private final int hash;

  GroupHeader(byte[] resource, byte[] scope) {
    this.resource = resource;
    this.scope = scope;
    this.hash = 31 * Arrays.hashCode(resource) + Arrays.hashCode(scope);
  }

  static GroupHeader of(ResourceSpans rs, ScopeSpans ss) {
    return new GroupHeader(
        rs.toBuilder().clearScopeSpans().build().toByteArray(),
        ss.toBuilder().clearSpans().build().toByteArray());
  }

  /** Heap held by this header: two arrays and this object, roughly. */
  long heapBytes() {
    return 16 + resource.length + 16 + scope.length + 32;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof GroupHeader h
        && hash == h.hash
        && Arrays.equals(resource, h.resource)
        && Arrays.equals(scope, h.scope);
  }

  @Override
  public int hashCode() {
    return hash;
  }
}
