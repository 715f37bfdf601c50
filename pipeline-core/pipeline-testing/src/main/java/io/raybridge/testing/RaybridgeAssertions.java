package io.raybridge.testing;

import io.raybridge.pipeline.Traces;

/** Entry point for Raybridge's AssertJ assertions; import statically next to AssertJ's. */
public final class RaybridgeAssertions {

  private RaybridgeAssertions() {}

  public static TracesAssert assertThat(Traces actual) {
    return new TracesAssert(actual);
  }
}
